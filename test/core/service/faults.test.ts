// Faults never end the process (issue 13): a disk that fills under a running
// session ends that session with its reason recorded, an import that cannot
// fit is refused before its first byte, and an unhandled rejection in the
// service is counted, not fatal. The data directory is on a real tmpfs of a
// few MiB, mounted for the test (root, as in CI).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CARRIER, paddedPackage } from '../../helpers/demo';
import { serveKiosk, type Served } from '../../helpers/kioskctl';
import { KioskDir } from '../../helpers/kiosk-dir';
import { REPO, scratch } from '../../helpers/paths';
import { ADMIN_ROUTES, type AdminOverview } from '../../../app/shared/admin-contract';
import { SessionClient, composeDemoSession, openDemoSession } from '../../helpers/session-client';

const MiB = 1024 * 1024;
let served: Served | null = null;
const mounts: string[] = [];

afterEach(async () => {
  await served?.stop();
  served = null;
  for (const m of mounts.splice(0)) spawnSync('umount', ['-l', m]);
});

/** A KioskDir whose data directory is a fresh tmpfs of `mib` MiB, with kiosk-config's reserve set to `reserveMiB`. */
function kioskOnTmpfs(mib: number, reserveMiB: number): KioskDir {
  const k = new KioskDir();
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mib}m,mode=0700`, 'tmpfs', k.dir]);
  mounts.push(k.dir);
  const example = JSON.parse(fs.readFileSync(path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json'), 'utf8')) as Record<string, unknown>;
  delete example.$schema;
  fs.writeFileSync(path.join(k.dir, 'config.json'), JSON.stringify({ ...example, storage: { reserveBytes: reserveMiB * MiB } }));
  return k;
}

/** Fills the file system holding `dir` to the last byte; returns the filler's path. */
function fill(dir: string): string {
  const file = path.join(dir, 'filler');
  const fd = fs.openSync(file, 'w');
  try {
    for (let chunk = MiB; chunk >= 512; ) {
      try {
        fs.writeSync(fd, Buffer.alloc(chunk));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
        chunk >>= 1;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

interface Entry {
  type: string;
  data: Record<string, unknown>;
}
const entries = (k: KioskDir): Entry[] => k.query<{ entry: string }>('SELECT entry FROM viewing_log ORDER BY seq').map((r) => JSON.parse(r.entry) as Entry);

describe('faults never end the process', () => {
  it('[Q-1] [DC-6] a service on a tmpfs that fills mid-session: the process stays up, the session ends with reason fault recorded, new sessions are refused and the administrator overview shows storage low until space returns, log verify passes', async () => {
    const k = kioskOnTmpfs(48, 8);
    served = await serveKiosk(['--demo'], { ...k.env, KIOSK_DEMO_CARRIER: DEMO_CARRIER });
    const c = await SessionClient.connect(served);
    await openDemoSession(c);
    await c.send({ type: 'viewer.play', mediaTime: 0 });

    const filler = fill(k.dir);
    // Every seek is a log entry; SQLite first reuses the room its WAL already
    // has, so go on until a write needs a block the disk no longer has.
    let view = (await c.view());
    for (let i = 0; i < 20_000 && view.screen === 'viewing'; i++) view = (await c.send({ type: 'viewer.seek', mediaTime: (i % 50) + 0.5 })).view;
    expect(view.screen).toBe('ended');
    expect(view.ended?.reason).toBe('fault');
    expect(served.child.exitCode).toBeNull();

    // While the disk is full, the next session is refused before it opens.
    await c.sendUntil({ type: 'summary.close' }, (v) => v.screen === 'locked');
    await composeDemoSession(c);
    const refused = await c.send({ type: 'compose.confirm' });
    expect(refused.problem?.rule).toBe('session.space-low');
    expect(refused.view.screen).toBe('composing');
    await c.sendUntil({ type: 'clerk.cancel' }, (v) => v.screen === 'locked');
    // The administrator screen shows the condition.
    await c.sendUntil({ type: 'clerk.begin' }, (v) => v.screen === 'authenticating');
    await c.sendUntil({ type: 'clerk.pin', accountId: 'demo-admin', pin: 'demo-admin-2026' }, (v) => v.screen === 'composing');
    const overview = await c.get<AdminOverview>(ADMIN_ROUTES.overview);
    expect(overview.status).toBe(200);
    expect(overview.json.storage).toMatchObject({ low: true, reserveBytes: 8 * MiB });
    expect(overview.json.storage.freeBytes).toBeLessThan(8 * MiB);
    await c.sendUntil({ type: 'clerk.cancel' }, (v) => v.screen === 'locked');

    fs.rmSync(filler);
    expect(served.child.exitCode).toBeNull();
    expect(k.ctl(['log', 'verify']).code).toBe(0);
    const log = entries(k);
    const closed = log.filter((e) => e.type === 'session.closed');
    expect(closed).toHaveLength(1);
    expect(closed[0]?.data.reason).toBe('fault');
    expect(String(closed[0]?.data.problem)).toMatch(/out of space|could not be written/);
    // Space is back: the next session opens (and the ballast is in place again).
    await openDemoSession(c);
    expect(fs.statSync(path.join(k.dir, 'space.ballast')).size).toBe(8 * MiB);
    await c.sendUntil({ type: 'viewer.end' }, (v) => v.screen === 'ended');
    await c.sendUntil({ type: 'summary.close' }, (v) => v.screen === 'locked');
    await c.sendUntil({ type: 'clerk.begin' }, (v) => v.screen === 'authenticating');
    await c.sendUntil({ type: 'clerk.pin', accountId: 'demo-admin', pin: 'demo-admin-2026' }, (v) => v.screen === 'composing');
    expect((await c.get<AdminOverview>(ADMIN_ROUTES.overview)).json.storage.low).toBe(false);
  }, 180_000);

  it('[Q-1] [Q-2] an import larger than the free space is refused before copying: exit 2, env.no-space naming storage.reserveBytes, nothing stored', async () => {
    const k = kioskOnTmpfs(24, 4);
    const { carrier } = await paddedPackage(32);
    const r = k.json<{ ok: false; error: { code: string; problems: Array<{ rule: string; field?: string }> } }>(['import', carrier]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.json.error.code).toBe('environment');
    expect(r.json.error.problems[0]).toMatchObject({ rule: 'env.no-space', field: 'storage.reserveBytes' });
    expect(r.stderr).toMatch(/nothing was copied/);
    expect(k.query('SELECT * FROM recordings')).toEqual([]);
    expect(k.objectFiles()).toEqual([]);
    expect(fs.readdirSync(path.join(k.dir, 'staging'))).toEqual([]);
    expect(entries(k).some((e) => e.type.startsWith('import'))).toBe(false);
  }, 120_000);

  it('[Q-1] an unhandled promise rejection in the kiosk service is logged and counted, and the process lives on', () => {
    const dataDir = scratch('kiosk-data-');
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'test', 'fixtures', 'service', 'unhandled-rejection.ts'), dataDir], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ alive: true, counted: 1, noted: true });
  }, 90_000);
});
