// Which drives are carriers (DC-3): removable, USB or card drives with a mount
// point, never the system drive. Fed by drivelist in production and by
// recorded drivelist output in tests — the same function either way.
import type { Drive } from 'drivelist';

export interface Carrier {
  /** Stable key for change detection: device + mount point. */
  readonly key: string;
  readonly device: string;
  readonly description: string;
  readonly mountpoint: string;
  readonly label: string | null;
  readonly readOnly: boolean;
  readonly bus: 'usb' | 'card' | 'removable';
  readonly size: number | null;
}

/** The subset of drivelist's Drive we rely on (recorded fixtures match it). */
export type DriveInfo = Pick<Drive, 'device' | 'description' | 'mountpoints' | 'isReadOnly' | 'isSystem' | 'isRemovable' | 'isUSB' | 'isCard' | 'size'>;

export function carriersFrom(drives: readonly DriveInfo[]): Carrier[] {
  const out: Carrier[] = [];
  for (const d of drives) {
    if (d.isSystem) continue;
    const bus = d.isUSB ? 'usb' : d.isCard ? 'card' : d.isRemovable ? 'removable' : null;
    if (bus === null) continue;
    for (const m of d.mountpoints ?? []) {
      if (!m.path) continue;
      out.push({
        key: `${d.device}\u0000${m.path}`,
        device: d.device,
        description: d.description ?? '',
        mountpoint: m.path,
        label: m.label ?? null,
        readOnly: Boolean(d.isReadOnly),
        bus,
        size: d.size ?? null,
      });
    }
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

export interface CarrierChange {
  readonly added: Carrier[];
  readonly removed: Carrier[];
  readonly current: Carrier[];
}

export function diffCarriers(before: readonly Carrier[], after: readonly Carrier[]): CarrierChange {
  const b = new Set(before.map((c) => c.key));
  const a = new Set(after.map((c) => c.key));
  return { added: after.filter((c) => !b.has(c.key)), removed: before.filter((c) => !a.has(c.key)), current: [...after] };
}
