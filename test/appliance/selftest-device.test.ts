// Acceptance 4 of the appliance (issue 20): `kioskctl selftest --device` on a
// correctly set up appliance (the built package unpacked, its users made, its
// service and display running: helpers/appliance.ts) prints its table of
// checks and exits 0; a data directory others may enter fails it, named.
// Without a replica in kiosk-config its row says 'not configured'; with one
// on a disk of its own (a tmpfs here) it is checked, and with that disk
// unmounted the check exits 1 naming it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApplianceRun, startAppliance } from '../helpers/appliance';
import { buildDeb, missingTools, provisionLikePostinst, unpackDeb } from '../helpers/deb';

const missing = [...(process.getuid?.() === 0 ? [] : ['root']), ...missingTools('dpkg-deb', 'cage', 'chromium', 'unshare', 'nsenter', 'setpriv', 'systemd-sysusers')];

let run: ApplianceRun | null = null;
afterAll(async () => {
  await run?.stop();
});

describe.skipIf(missing.length > 0)(`kioskctl selftest --device${missing.length ? ` (skipped: needs ${missing.join(', ')})` : ''}`, () => {
  let root = '';
  beforeAll(() => {
    root = unpackDeb(buildDeb());
    provisionLikePostinst(root);
  }, 240_000);

  const selftest = (...extra: string[]) =>
    spawnSync(process.execPath, [path.join(root, 'usr/lib/court-kiosk/dist/cli/kioskctl.mjs'), 'selftest', '--device', '--root', root, '--lang', 'en', ...extra], { encoding: 'utf8' });

  /** selftest until it passes (the service makes its key at its first start, and the display comes up after it), at most 30 s. */
  const untilSetUp = async (): Promise<ReturnType<typeof selftest>> => {
    let r = selftest();
    for (let i = 0; i < 60 && r.status !== 0; i++) {
      await new Promise((res) => setTimeout(res, 500));
      r = selftest();
    }
    expect(r.status, r.stdout + r.stderr).toBe(0);
    return r;
  };

  it('[DC-1] [PL-8.2] on the running appliance it prints a table of units, users, data directory, kiosk-config, policies, key, service, display and replica, and exits 0; the replica is not configured', async () => {
    run = await startAppliance(root, { ozone: 'wayland' });
    const r = await untilSetUp();
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^check\s+status\s+found$/);
    for (const name of ['units', 'users', 'data-dir', 'config', 'policies', 'key', 'service', 'display']) expect(lines.find((l) => l.startsWith(`${name} `)), name).toMatch(new RegExp(`^${name}\\s+ok\\s+\\S`));
    expect(lines.find((l) => l.startsWith('replica '))).toMatch(/^replica\s+not configured\s+.*PL-5\.1/);
    expect(lines.at(-1)).toBe('selftest --device: the appliance is set up');
    const json = JSON.parse(selftest('--json').stdout) as { ok: boolean; checks: Array<{ name: string; status: string }> };
    expect(json.ok).toBe(true);
    expect(json.checks.find((c) => c.name === 'replica')?.status).toBe('not-configured');
  }, 120_000);

  it('[DC-1] a data directory others may enter fails it (exit 1), naming the data directory; in Polish when asked', () => {
    const data = path.join(root, 'var/lib/court-kiosk');
    fs.chmodSync(data, 0o750);
    try {
      const r = selftest();
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/^data-dir\s+FAILED\s+.*mode 0750, not 0700$/m);
      expect(r.stdout.trim().split('\n').at(-1)).toBe('selftest --device: FAILED: data-dir');
      const pl = spawnSync(process.execPath, [path.join(root, 'usr/lib/court-kiosk/dist/cli/kioskctl.mjs'), 'selftest', '--device', '--root', root, '--lang', 'pl'], { encoding: 'utf8' });
      expect(pl.stdout.trim().split('\n').at(-1)).toBe('selftest --device: BŁĄD: data-dir');
    } finally {
      fs.chmodSync(data, 0o700);
    }
  });

  it('[PL-5.1] with a replica on a file system of its own the row is ok; with its disk unmounted selftest exits 1 naming the replica', async () => {
    await run?.stop();
    const rep = path.join(root, 'var/lib/court-kiosk-replica');
    const ids = (what: string) => Number(spawnSync('id', [what, 'court-kiosk'], { encoding: 'utf8' }).stdout.trim());
    fs.mkdirSync(rep, { recursive: true });
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', `size=64m,mode=0700,uid=${ids('-u')},gid=${ids('-g')}`, 'tmpfs', rep]).status).toBe(0);
    let mounted = true;
    try {
      // kiosk-config names it relative to itself, so the service (paths in the unpacked root) and selftest (--root) agree.
      const cfgFile = path.join(root, 'etc/court-kiosk/kiosk-config.json');
      const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as Record<string, unknown>;
      fs.writeFileSync(cfgFile, JSON.stringify({ ...cfg, replica: { path: '../../var/lib/court-kiosk-replica', required: true } }, null, 2));
      run = await startAppliance(root, { ozone: 'wayland' });
      const r = await untilSetUp();
      expect(r.stdout).toMatch(/^replica\s+ok\s+.*court-kiosk-replica: key id [0-9a-f]{32}, its own file system/m);
      expect(fs.existsSync(path.join(rep, 'court-kiosk-replica.json'))).toBe(true);
      // The disk goes away (from this machine's view; the service's namespace keeps its own mount).
      expect(spawnSync('umount', [rep]).status).toBe(0);
      mounted = false;
      const gone = selftest();
      expect(gone.status).toBe(1);
      expect(gone.stdout).toMatch(/^replica\s+FAILED\s+.*holds no replica marker though one was seeded there: its disk is not mounted$/m);
      expect(gone.stdout.trim().split('\n').at(-1)).toBe('selftest --device: FAILED: replica');
    } finally {
      if (mounted) spawnSync('umount', ['-l', rep]);
    }
  }, 180_000);
});
