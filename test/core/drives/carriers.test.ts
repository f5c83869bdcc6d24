// Carrier detection fed with recorded drivelist output, through the same code
// path the kiosk uses with the live drive list.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { carriersFrom, watchCarriers, usbHotplug, type DriveInfo, type HotplugSource } from '../../../app/core/drives';
import { REPO } from '../../helpers/paths';

const fixture = (n: string) => JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures/drivelist', n), 'utf8')) as DriveInfo[];

function manualHotplug(): HotplugSource & { fire(): void } {
  let cb: (() => void) | null = null;
  return {
    start: async (onChange) => ((cb = onChange), true),
    stop: () => (cb = null),
    fire: () => cb?.(),
  };
}

describe('carrier detection', () => {
  it('[DC-3] a drive without a mount point is not a carrier, nor the system drive nor zram', () => {
    expect(carriersFrom(fixture('no-mount-point.json'))).toEqual([]);
  });

  it('[DC-3] a read-only card is a carrier, marked read-only', () => {
    expect(carriersFrom(fixture('read-only.json'))).toEqual([
      expect.objectContaining({ device: '/dev/mmcblk0', mountpoint: '/media/kiosk/CAMERA', readOnly: true, bus: 'card' }),
    ]);
  });

  it('[DC-3] two carriers are both found', () => {
    expect(carriersFrom(fixture('two-carriers.json')).map((c) => c.mountpoint)).toEqual(['/media/kiosk/CAMERA', '/media/kiosk/KOMORNIK']);
  });

  it('[DC-3] a hot-plug signal rescans (debounced) and reports a carrier that vanishes', async () => {
    const lists = [fixture('two-carriers.json'), fixture('vanished.json')];
    let calls = 0;
    const hp = manualHotplug();
    const w = await watchCarriers({ listDrives: async () => lists[Math.min(calls++, 1)]!, hotplug: hp, debounceMs: 20, pollWithHotplugMs: 60_000 });
    expect(w.hotplug).toBe('usb');
    expect(w.current()).toHaveLength(2);
    const change = new Promise<{ removed: string[] }>((resolve) => w.onDidChange((c) => resolve({ removed: c.removed.map((r) => r.mountpoint) })));
    hp.fire();
    hp.fire();
    hp.fire(); // three events from one unplug: one rescan
    expect(await change).toEqual({ removed: ['/media/kiosk/KOMORNIK'] });
    expect(calls).toBe(2);
    w.dispose();
  });

  it('[DC-3] on this machine without /sys/bus/usb, hot-plug is unavailable and the watcher polls drivelist instead', async () => {
    const hp = usbHotplug();
    const ok = await hp.start(() => {});
    hp.stop();
    if (fs.existsSync('/sys/bus/usb/devices')) expect(typeof ok).toBe('boolean');
    else expect(ok).toBe(false);
    const w = await watchCarriers({ listDrives: async () => fixture('read-only.json'), pollMs: 50, hotplug: fs.existsSync('/sys/bus/usb/devices') ? manualFail() : hp });
    expect(w.hotplug).toBe('polling');
    expect(w.current()).toHaveLength(1);
    w.dispose();
  });

  it('[DC-3] the kiosk process survives starting the watcher with the real usb module and drivelist', () => {
    const script = `
      import { watchCarriers } from ${JSON.stringify(path.join(REPO, 'app/core/drives/index.ts'))};
      const w = await watchCarriers({ pollMs: 100 });
      setTimeout(() => { console.log(JSON.stringify({ mode: w.hotplug, n: w.current().length })); w.dispose(); }, 1500);
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).not.toMatch(/Unhandled|not found \(errno/);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { mode: string; n: number };
    expect(['usb', 'polling']).toContain(out.mode);
    if (!fs.existsSync('/sys/bus/usb/devices')) expect(out.mode).toBe('polling');
  });
});

function manualFail(): HotplugSource {
  return { start: async () => false, stop: () => {} };
}
