// Acceptance 2 of the appliance (issue 20): the kiosk service and the display
// client of the built package, run as their units run them (see
// helpers/appliance.ts for what differs here and why), as two unprivileged
// users; the attract screen captured by grim fills the output; the shortcuts
// a viewer might try leave the kiosk on screen; the launch code is in no
// process's argv or environment; the display user cannot read the data.
// Needs root (to be the two users and to make the namespaces) and cage, grim,
// Chromium, Xwayland and xdotool.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApplianceRun, startAppliance } from '../helpers/appliance';
import { buildDeb, missingTools, provisionLikePostinst, unpackDeb } from '../helpers/deb';
import { allProcesses } from '../helpers/procs';
import { difference, shareOf, uncoveredBorder, type Shot } from '../helpers/screen';

const missing = [
  ...(process.getuid?.() === 0 ? [] : ['root']),
  ...missingTools('dpkg-deb', 'cage', 'grim', 'Xwayland', 'xdotool', 'chromium', 'unshare', 'nsenter', 'setpriv', 'systemd-sysusers'),
];

let run: ApplianceRun | null = null;
afterAll(async () => {
  await run?.stop();
});

/**
 * The fraction of dark pixels (text, the emblem, the button's label). The
 * launcher page and the page that follows it are blank white: under load one
 * can stay on screen long enough to look settled, and a base taken of it
 * differs from the attract screen that replaces it (a CI run failed so).
 */
const inked = (s: Shot): number => shareOf(s, (sum) => sum < 300);

/** Waits for a screenshot the kiosk fills, no border pixel left to the compositor's black, with the attract screen's words drawn, that has settled (two alike in a row). */
async function kioskShot(r: ApplianceRun, ms = 60_000): Promise<Shot> {
  const until = Date.now() + ms;
  let last: Shot | null = null;
  for (;;) {
    const s = r.shot();
    if (uncoveredBorder(s) === 0 && inked(s) > 0.002 && last && difference(s, last) < 0.001) return s;
    last = s;
    if (Date.now() > until) throw new Error(`the kiosk did not fill the output with its screen (${uncoveredBorder(s)} border pixels uncovered, ${(inked(s) * 100).toFixed(2)}% dark); cage said: ${fs.readFileSync(path.join(r.work, 'cage.out'), 'utf8').slice(-1500)}`);
    await new Promise((res) => setTimeout(res, 500));
  }
}

function uidOf(pid: number): number {
  const m = /^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]);
}

function uid(user: string): number {
  return Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
}

const SHORTCUTS = ['ctrl+l', 'ctrl+t', 'ctrl+n', 'ctrl+shift+n', 'ctrl+w', 'ctrl+shift+w', 'alt+F4', 'F11', 'alt+Tab', 'ctrl+alt+F2', 'ctrl+shift+i', 'ctrl+shift+j', 'F12', 'ctrl+u', 'ctrl+p', 'ctrl+s', 'ctrl+o', 'ctrl+h', 'ctrl+j', 'ctrl+q'];

describe.skipIf(missing.length > 0)(`the appliance under cage${missing.length ? ` (skipped: needs ${missing.join(', ')})` : ''}`, () => {
  let root = '';
  beforeAll(() => {
    root = unpackDeb(buildDeb());
    provisionLikePostinst(root);
  }, 240_000);

  it('[DC-1] [PL-8.2] the service as court-kiosk and cage with Chromium as court-kiosk-display, under the package policies: the attract screen grim captures fills the output; the launch code is in no argv or environment; the display user cannot read the data directory', async () => {
    run = await startAppliance(root, { ozone: 'wayland' });
    const shot = await kioskShot(run);
    expect(shot.width * shot.height).toBeGreaterThan(0);
    // The attract screen is light, not an error page's or the compositor's black.
    expect(shareOf(shot, (sum) => sum > 600)).toBeGreaterThan(0.5);

    // Who runs what.
    const procs = allProcesses();
    const service = procs.find((p) => p.cmdline.includes(`${root}/usr/lib/court-kiosk/dist/web/main.mjs`))!;
    expect(service, 'the kiosk service runs').toBeDefined();
    expect(uidOf(service.pid)).toBe(uid('court-kiosk'));
    expect(uidOf(run.cagePid)).toBe(uid('court-kiosk-display'));
    const browsers = procs.filter((p) => p.cmdline.startsWith('/usr/lib/chromium/chromium\0') && p.environ.includes(`XDG_RUNTIME_DIR=${run!.display.XDG_RUNTIME_DIR}\0`));
    expect(browsers.length).toBeGreaterThan(0);
    for (const b of browsers) expect(uidOf(b.pid)).toBe(uid('court-kiosk-display'));

    // The code the service wrote is in no process's argv or environment (the browser's included; it was given the file's URL).
    const holding = procs.filter((p) => p.cmdline.includes(run!.launchCode) || p.environ.includes(run!.launchCode)).map((p) => `${p.pid} ${p.cmdline.split('\0').join(' ')}`);
    expect(holding).toEqual([]);
    expect(browsers.some((b) => b.cmdline.includes('file:///run/court-kiosk-launch/launch.html'))).toBe(true);

    // The display user cannot list or read the data directory; the kiosk's user can.
    const data = path.join(root, 'var/lib/court-kiosk');
    const asUser = (user: string, cmd: string[]) => spawnSync('setpriv', ['--reuid', user, '--regid', user, '--init-groups', ...cmd], { encoding: 'utf8' });
    const ls = asUser('court-kiosk-display', ['ls', data]);
    expect(ls.status).not.toBe(0);
    expect(ls.stderr).toMatch(/Permission denied/);
    expect(asUser('court-kiosk-display', ['cat', path.join(data, 'catalog.sqlite')]).stderr).toMatch(/Permission denied/);
    expect(asUser('court-kiosk', ['ls', data]).stdout).toContain('catalog.sqlite');
    // Nor the device key's directory beside it, which the service made its key in.
    const keys = `${data}-keys`;
    expect(asUser('court-kiosk-display', ['ls', keys]).stderr).toMatch(/Permission denied/);
    expect(asUser('court-kiosk', ['ls', keys]).stdout.trim()).toBe('device-key.bin');
  }, 120_000);

  it('[DC-1] typing with wtype into the Wayland client (runs where cage offers a virtual keyboard)', async (ctx) => {
    const r = run!;
    const probe = spawnSync('wtype', ['-k', 'Escape'], { env: { ...process.env, ...r.display }, encoding: 'utf8' });
    // Debian 12's cage 0.1.4 has no zwp_virtual_keyboard_v1, so wtype cannot type there: the next test types through Xwayland instead.
    if (probe.status !== 0 && /virtual keyboard/.test(probe.stderr)) ctx.skip(`wtype cannot type here: ${probe.stderr.trim()} (cage ${spawnSync('dpkg-query', ['-W', '-f=${Version}', 'cage'], { encoding: 'utf8' }).stdout})`);
    expect(probe.status, probe.stderr).toBe(0);
    const base = await kioskShot(r);
    for (const k of SHORTCUTS) {
      const mods = k.split('+').slice(0, -1);
      const key = k.split('+').at(-1)!;
      spawnSync('wtype', [...mods.flatMap((m) => ['-M', m]), '-k', key, ...mods.reverse().flatMap((m) => ['-m', m])], { env: { ...process.env, ...r.display } });
      await new Promise((res) => setTimeout(res, 1200));
      const s = r.shot();
      expect(uncoveredBorder(s), k).toBe(0);
      expect(difference(s, base), k).toBeLessThan(0.05);
    }
  }, 120_000);

  it('[DC-1] [PL-8.2] after each of Ctrl+L, Ctrl+T, Ctrl+N, Ctrl+W, Alt+F4, F11, Alt+Tab, Ctrl+Alt+F2, Ctrl+Shift+I, F12, Ctrl+P, Ctrl+S… typed into Chromium on cage\'s Xwayland, the screenshot still shows the kiosk, fullscreen; keys do arrive (Tab, Enter change the screen)', async () => {
    await run?.stop();
    run = await startAppliance(root, { ozone: 'x11' });
    const r = run;
    const base = await kioskShot(r);
    const display = r.xDisplay();
    expect(display, 'cage started Xwayland for its client').not.toBeNull();
    const key = (k: string) => {
      const x = r.asDisplayUser(['xdotool', 'key', '--clearmodifiers', k], { DISPLAY: display! });
      expect(x.status, `xdotool ${k}: ${x.stderr}`).toBe(0);
    };
    for (const k of SHORTCUTS) {
      key(k);
      await new Promise((res) => setTimeout(res, 1200));
      const s = r.shot();
      expect(fs.existsSync(`/proc/${r.cagePid}`), `cage (and its one client) still run after ${k}`).toBe(true);
      expect(uncoveredBorder(s), `fullscreen after ${k}`).toBe(0);
      expect(difference(s, base), `the kiosk still shown after ${k}`).toBeLessThan(0.05);
    }
    // The keys reach the page: two Tabs and Enter press a language or text-size button, and the screen changes.
    key('Tab');
    key('Tab');
    key('Return');
    await new Promise((res) => setTimeout(res, 1500));
    expect(difference(r.shot(), base)).toBeGreaterThan(0.01);
  }, 150_000);
});
