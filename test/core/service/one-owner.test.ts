// One kiosk, one owner of its data: with `kioskctl serve` running, other
// kioskctl processes change data only through the service, read-only commands
// read without writing, and the service survives all of it (Q-1, DC-6).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CARRIER, copyOfDemo, paddedPackage } from '../../helpers/demo';
import { kioskctlAsync, serveKiosk, type Served } from '../../helpers/kioskctl';
import { KioskDir } from '../../helpers/kiosk-dir';
import { scratch } from '../../helpers/paths';
import { SessionClient, openDemoSession } from '../../helpers/session-client';

let served: Served | null = null;
afterEach(async () => {
  await served?.stop();
  served = null;
});

interface Entry {
  type: string;
  data: Record<string, unknown>;
}

/** The demo carrier the service seeds from, without KM 45/25, so that importing that case later is a second carrier. */
function demoWithoutVersions(): string {
  const dir = scratch('seed-');
  fs.cpSync(DEMO_CARRIER, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'KM-45-25'), { recursive: true });
  return dir;
}

function entries(k: KioskDir): Entry[] {
  return k.query<{ entry: string }>('SELECT entry FROM viewing_log ORDER BY seq').map((r) => JSON.parse(r.entry) as Entry);
}

interface Status {
  service: { pid: number; since: string; version: string } | null;
  dataDir: string;
  sessions: { open: number };
  log: { size: number };
}

/**
 * Every file of a data directory with its hash, except SQLite's own WAL index
 * files: a reader of a WAL database recreates the shared-memory index and an
 * empty WAL when the last writer removed them; neither holds data.
 */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.name.endsWith('-shm')) continue;
    const p = path.join(e.parentPath, e.name);
    if (e.name.endsWith('-wal') && fs.statSync(p).size === 0) continue;
    out[path.relative(dir, p)] = crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
  }
  return out;
}

describe('the kiosk service owns the data directory', () => {
  it('[Q-1] [DC-6] with kioskctl serve running, an import and a log export from other processes go through the service; a clerk then signs in and opens a session; the service is still up and the log verifies', async () => {
    const k = new KioskDir();
    const env = { ...k.env, KIOSK_DEMO_CARRIER: demoWithoutVersions() };
    served = await serveKiosk(['--demo'], env);
    const pid = served.child.pid;
    const st = k.json<Status>(['status']);
    expect(st.code).toBe(0);
    expect(st.json.service?.pid).toBeGreaterThan(0);
    expect(st.json.dataDir).toBe(k.dir);
    // A first session, so that the case has a viewing for log export to report.
    const c0 = await SessionClient.connect(served);
    await openDemoSession(c0);
    await c0.sendUntil({ type: 'viewer.end' }, (v) => v.screen === 'ended');
    await c0.sendUntil({ type: 'summary.close' }, (v) => v.screen === 'locked');
    const reports = scratch('reports-');
    const [imp, exp] = await Promise.all([
      kioskctlAsync(['import', copyOfDemo('versions'), '--json'], k.env),
      kioskctlAsync(['log', 'export', '--case', 'KM 123/24', '--out', reports, '--json'], k.env),
    ]);
    expect(imp.code, imp.stderr).toBe(0);
    expect((JSON.parse(imp.stdout) as { imported: unknown[] }).imported.length).toBe(2);
    expect(exp.code, exp.stderr).toBe(0);
    // The service, not the client, did the writing.
    expect(served.child.exitCode).toBeNull();

    const c = await SessionClient.connect(served);
    const v = await openDemoSession(c);
    expect(v.screen).toBe('viewing');
    expect(k.json<Status>(['status']).json.sessions.open).toBe(1);
    expect(served.child.exitCode).toBeNull();
    expect(served.child.pid).toBe(pid);

    const lv = k.json<{ ok: boolean }>(['log', 'verify']);
    expect(lv.code, lv.stderr).toBe(0);
    expect(lv.json.ok).toBe(true);
    const types = entries(k).map((e) => e.type);
    expect(types).toContain('import.package');
    expect(types).toContain('log.exported');
    expect(types).toContain('auth.success');
    expect(types).toContain('session.opened');
    // Sequence numbers are one unbroken run: no writer raced another.
    const seqs = k.query<{ seq: number }>('SELECT seq FROM viewing_log ORDER BY seq').map((r) => r.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i));
  }, 180_000);

  it('[Q-1] [DC-6] [PL-8.1] an import run while a viewer plays: the session goes on, and its played ranges are in the log afterwards', async () => {
    const k = new KioskDir();
    served = await serveKiosk(['--demo'], { ...k.env, KIOSK_DEMO_CARRIER: demoWithoutVersions() });
    const c = await SessionClient.connect(served);
    await openDemoSession(c);
    await c.send({ type: 'viewer.play', mediaTime: 0 });
    const importing = kioskctlAsync(['import', copyOfDemo('versions')], k.env);
    let t = 0;
    let done = false;
    void importing.then(() => (done = true));
    // The player reports progress every second of playback, in real time.
    while (!done || t < 6) {
      t += 1;
      const r = await c.send({ type: 'media.progress', mediaTime: t });
      expect(r.status, `progress at ${t}: ${JSON.stringify(r.problem)}`).toBe(200);
      await new Promise((res) => setTimeout(res, 1000));
    }
    const imp = await importing;
    expect(imp.code, imp.stderr).toBe(0);
    expect((await c.view()).screen).toBe('viewing');
    await c.sendUntil({ type: 'viewer.end' }, (v) => v.screen === 'ended');
    const log = entries(k);
    const closed = log.filter((e) => e.type === 'session.closed');
    expect(closed).toHaveLength(1);
    const played = closed[0]!.data.played as Array<{ identifier: string; ranges: unknown[]; seconds: number }>;
    expect(played[0]!.identifier).toBe('KM12324-20240305-01');
    expect(played[0]!.ranges.length).toBeGreaterThan(0);
    // Every second reported while the import ran is in the played time.
    expect(played[0]!.seconds).toBeGreaterThanOrEqual(t - 1);
    expect(log.map((e) => e.type)).toContain('import.package');
    expect(k.json<{ ok: boolean }>(['log', 'verify']).code).toBe(0);
  }, 180_000);

  it('[Q-1] two imports of different carriers started together both complete, with a service running and without one', async () => {
    for (const withService of [true, false]) {
      const k = new KioskDir();
      if (withService) served = await serveKiosk([], k.env);
      const [a, b] = await Promise.all([
        kioskctlAsync(['import', copyOfDemo('pl'), '--json'], k.env),
        kioskctlAsync(['import', copyOfDemo('versions'), '--json'], k.env),
      ]);
      expect(a.code, `${withService ? 'service' : 'alone'}: ${a.stderr}`).toBe(0);
      expect(b.code, `${withService ? 'service' : 'alone'}: ${b.stderr}`).toBe(0);
      await served?.stop();
      served = null;
      const list = k.json<{ recordings: Array<{ identifier: string }> }>(['list']);
      expect(list.json.recordings.map((r) => r.identifier).sort()).toEqual(['KM12324-20240305-01', 'KM4525-20250114-02', 'KM4525-20250114-02']);
      const vr = k.ctl(['verify']);
      expect(vr.code, vr.stdout + vr.stderr).toBe(0);
      expect(k.json<{ ok: boolean }>(['log', 'verify']).code).toBe(0);
    }
  }, 240_000);

  it('[Q-1] [Q-3] kioskctl list and verify in a loop during a 1 GiB import delete nothing; the import completes and verify passes', async () => {
    const k = new KioskDir();
    expect(k.ctl(['import', copyOfDemo('versions')]).code).toBe(0);
    const { carrier } = await paddedPackage(1024);
    const importing = kioskctlAsync(['import', carrier], k.env);
    let finished = false;
    void importing.then(() => (finished = true));
    let loops = 0;
    let sawStaging = false;
    while (!finished) {
      const [l, v] = await Promise.all([kioskctlAsync(['list'], k.env), kioskctlAsync(['verify', '--case', 'KM 45/25'], k.env)]);
      expect(l.code, l.stderr).toBe(0);
      expect(v.code, v.stderr).toBe(0);
      if (fs.readdirSync(path.join(k.dir, 'staging')).length > 0) sawStaging = true;
      loops++;
    }
    const imp = await importing;
    expect(imp.code, imp.stderr).toBe(0);
    expect(loops).toBeGreaterThan(0);
    // The readers ran while the import was writing (its staging file existed), and took nothing from it.
    expect(sawStaging || loops > 2).toBe(true);
    expect(fs.existsSync(path.join(k.dir, 'quarantine'))).toBe(false);
    const vr = k.ctl(['verify']);
    expect(vr.code, vr.stdout + vr.stderr).toBe(0);
  }, 300_000);

  it('[Q-1] read-only commands (list, imports, verify, log verify, status) change no file of the data directory, with or without a service', async () => {
    const k = new KioskDir();
    expect(k.ctl(['import', copyOfDemo('pl')]).code).toBe(0);
    const before = snapshot(k.dir);
    for (const args of [['list'], ['imports'], ['verify'], ['log', 'verify'], ['status'], ['device', 'pubkey'], ['outbox']]) {
      const r = k.ctl(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    expect(snapshot(k.dir)).toEqual(before);
  }, 120_000);

  it('[Q-1] [DC-1] the control socket is the kiosk user\'s alone (0600) and a second kioskctl serve on a held data directory exits 2 naming the holder', async () => {
    const k = new KioskDir();
    served = await serveKiosk([], k.env);
    const sock = path.join(k.dir, 'control.sock');
    const st = fs.statSync(sock);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
    expect(fs.statSync(k.dir).mode & 0o077).toBe(0);
    const holder = k.json<Status>(['status']).json.service!.pid;
    const second = await kioskctlAsync(['serve'], k.env);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`PID ${holder}`);
    expect(second.stderr).toContain('env.data-dir-held');
    expect(second.stdout).toBe('');
    // The first service is untouched.
    expect(served.child.exitCode).toBeNull();
    expect(k.json<Status>(['status']).json.service!.pid).toBe(holder);
  }, 120_000);

  it('[Q-1] [DC-6] SIGKILL of kioskctl serve: within 2 s nothing serves on its port and the lock is free; a restart closes the open session as interrupted', async () => {
    const k = new KioskDir();
    const env = { ...k.env, KIOSK_DEMO_CARRIER: demoWithoutVersions() };
    served = await serveKiosk(['--demo'], env);
    const port = Number(new URL(served.origin).port);
    const c = await SessionClient.connect(served);
    await openDemoSession(c);
    served.child.kill('SIGKILL');
    const killedAt = Date.now();
    const refused = async (): Promise<boolean> =>
      new Promise((resolve) => {
        const s = net.connect({ host: '127.0.0.1', port }, () => {
          s.destroy();
          resolve(false);
        });
        s.on('error', () => resolve(true));
      });
    while (!(await refused())) {
      expect(Date.now() - killedAt, 'the web shell still serves after its parent was killed').toBeLessThan(2000);
      await new Promise((r) => setTimeout(r, 50));
    }
    served = null;
    served = await serveKiosk(['--demo'], env);
    const closed = entries(k).filter((e) => e.type === 'session.closed');
    expect(closed).toHaveLength(1);
    expect(closed[0]!.data.reason).toBe('interrupted');
  }, 180_000);

  it('[Q-1] [Q-3] a file in the store that the catalog does not know is quarantined by the owner, never deleted; the log names it and verify lists it', async () => {
    const k = new KioskDir();
    expect(k.ctl(['import', copyOfDemo('pl')]).code).toBe(0);
    const stray = path.join(k.dir, 'objects', 'ab', 'ab'.padEnd(64, '0'));
    fs.mkdirSync(path.dirname(stray), { recursive: true });
    fs.writeFileSync(stray, 'left by an import killed before its commit');
    // Read-only commands leave it where it is.
    expect(k.ctl(['list']).code).toBe(0);
    expect(fs.existsSync(stray)).toBe(true);
    // The next owner (here a command under the lock) moves it aside and logs it.
    expect(k.ctl(['log', 'checkpoint']).code).toBe(0);
    expect(fs.existsSync(stray)).toBe(false);
    const logged = entries(k).filter((e) => e.type === 'store.quarantined');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.data.files).toEqual([`objects/ab/${path.basename(stray)}`]);
    const v = k.json<{ ok: boolean; quarantined: string[] }>(['verify']);
    expect(v.code).toBe(0);
    expect(v.json.quarantined).toHaveLength(1);
    expect(v.json.quarantined[0]).toMatch(new RegExp(`ab-${path.basename(stray)}$`));
    const human = k.ctl(['verify']);
    expect(human.stdout).toContain('QUARANTINED quarantine/');
  }, 120_000);
});
