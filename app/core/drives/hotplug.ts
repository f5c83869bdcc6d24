// Hot-plug signals from node-usb 3.x (WebUSB-style API). Where there is no USB
// bus (/sys/bus/usb absent: VMs, these CI machines) usb's addEventListener
// leaves a rejected promise nobody handles, which ends a Node 20 process. So we
// probe the bus first with an awaited getDevices(), attach listeners only when
// that works, and otherwise report 'unavailable' so the watcher polls instead.
// The kiosk must never die of a missing USB bus.

export interface HotplugSource {
  /** Starts listening; resolves to false when hot-plug is unavailable here. */
  start(onChange: () => void): Promise<boolean>;
  stop(): void;
}

interface UsbLike {
  getDevices(): Promise<unknown[]>;
  addEventListener(type: 'connect' | 'disconnect', l: () => void): void;
  removeEventListener(type: 'connect' | 'disconnect', l: () => void): void;
}

export function usbHotplug(load: () => Promise<UsbLike> = async () => (await import('usb')).usb as unknown as UsbLike): HotplugSource {
  let usb: UsbLike | null = null;
  let listener: (() => void) | null = null;
  return {
    async start(onChange) {
      try {
        const u = await load();
        await u.getDevices(); // throws "/sys/bus/usb/devices/ not found" where there is no bus
        listener = () => onChange();
        u.addEventListener('connect', listener);
        u.addEventListener('disconnect', listener);
        usb = u;
        return true;
      } catch {
        return false;
      }
    },
    stop() {
      if (usb && listener) {
        usb.removeEventListener('connect', listener);
        usb.removeEventListener('disconnect', listener);
      }
      usb = null;
      listener = null;
    },
  };
}
