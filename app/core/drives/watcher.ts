// Watches for carriers: rescans the drive list when node-usb signals a change
// (debounced: one plug makes several events), and polls as well — slowly when
// hot-plug works (a card reader's media change raises no USB event), quickly
// when it does not. Listeners and timers are released by dispose().
import { carriersFrom, diffCarriers, type Carrier, type CarrierChange, type DriveInfo } from './carriers';
import { usbHotplug, type HotplugSource } from './hotplug';

export interface WatcherOptions {
  readonly listDrives?: () => Promise<readonly DriveInfo[]>;
  readonly hotplug?: HotplugSource;
  readonly debounceMs?: number;
  readonly pollMs?: number;
  readonly pollWithHotplugMs?: number;
  readonly onError?: (e: Error) => void;
}

export interface CarrierWatcher {
  readonly hotplug: 'usb' | 'polling';
  current(): readonly Carrier[];
  onDidChange(listener: (c: CarrierChange) => void): () => void;
  rescan(): Promise<void>;
  dispose(): void;
}

async function defaultListDrives(): Promise<readonly DriveInfo[]> {
  const drivelist = await import('drivelist');
  return drivelist.list();
}

export async function watchCarriers(opts: WatcherOptions = {}): Promise<CarrierWatcher> {
  const list = opts.listDrives ?? defaultListDrives;
  const hotplug = opts.hotplug ?? usbHotplug();
  const listeners = new Set<(c: CarrierChange) => void>();
  let carriers: Carrier[] = [];
  let debounce: NodeJS.Timeout | null = null;
  let disposed = false;
  let scanning: Promise<void> | null = null;

  const rescan = async (): Promise<void> => {
    if (scanning) return scanning;
    scanning = (async () => {
      try {
        const next = carriersFrom(await list());
        const change = diffCarriers(carriers, next);
        carriers = next;
        if (!disposed && (change.added.length || change.removed.length)) for (const l of listeners) l(change);
      } catch (e) {
        opts.onError?.(e as Error);
      } finally {
        scanning = null;
      }
    })();
    return scanning;
  };
  const schedule = () => {
    if (disposed) return;
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => void rescan(), opts.debounceMs ?? 500);
  };

  const usbOk = await hotplug.start(schedule);
  await rescan();
  const poll = setInterval(() => void rescan(), usbOk ? (opts.pollWithHotplugMs ?? 10_000) : (opts.pollMs ?? 2_000));
  poll.unref();

  return {
    hotplug: usbOk ? 'usb' : 'polling',
    current: () => carriers,
    onDidChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    rescan,
    dispose() {
      disposed = true;
      hotplug.stop();
      clearInterval(poll);
      if (debounce) clearTimeout(debounce);
      listeners.clear();
    },
  };
}
