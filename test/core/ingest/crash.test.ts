// a crash, power cut or pulled carrier at any moment leaves the whole
// package or nothing, and running the import again completes it. The import
// is the real kioskctl in a child process, killed with SIGKILL.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyOfDemo, paddedPackage } from '../../helpers/demo';
import { KioskDir } from '../../helpers/kiosk-dir';
import { KIOSKCTL } from '../../helpers/paths';
import { expectInStep, objectIdsUnder } from '../../helpers/replica';

const PACKAGE_RECORDINGS: Record<string, number> = { 'KM 123/24': 1, 'KM 45/25': 2, '757/12345/25-ц': 1 };

function consistent(k: KioskDir): void {
  if (!fs.existsSync(k.catalog)) return;
  expect(k.sqlite3('PRAGMA integrity_check').trim()).toBe('ok');
  // Killed before the first migration committed: an empty catalog, nothing stored (the next open migrates it).
  if (k.sqlite3('PRAGMA user_version').trim() === '0') {
    expect(k.sqlite3("SELECT count(*) FROM sqlite_master WHERE type = 'table'").trim()).toBe('0');
    return;
  }
  // Per package: all of its recordings or none.
  const perCase = k.query<{ signature: string; n: number }>('SELECT c.signature, count(r.id) AS n FROM cases c LEFT JOIN recordings r ON r.case_id = c.id GROUP BY c.id');
  for (const { signature, n } of perCase) expect(n, signature).toBe(PACKAGE_RECORDINGS[signature]);
  // Every part's object row exists with its key, and its file is on disk.
  const files = new Set(k.objectFiles().map((f) => path.basename(f)));
  for (const r of k.query<{ object_id: string; wrapped_key: Buffer | null }>('SELECT p.object_id, o.wrapped_key FROM parts p LEFT JOIN objects o ON o.id = p.object_id')) {
    expect(r.wrapped_key).not.toBeNull();
    expect(files.has(r.object_id)).toBe(true);
  }
}

function runImport(k: KioskDir, carrier: string, killAfterMs: number | 'on-staging', extraDelayMs = 0): Promise<'killed' | number> {
  return new Promise((resolve) => {
    const child = spawn(KIOSKCTL, ['import', carrier, '--json'], { env: { ...process.env, ...k.env }, stdio: 'ignore' });
    let done = false;
    child.on('exit', (code) => {
      done = true;
      resolve(code === null ? 'killed' : code);
    });
    const kill = () => !done && child.kill('SIGKILL');
    if (killAfterMs === 'on-staging') {
      const staging = path.join(k.dir, 'staging');
      const poll = setInterval(() => {
        if (done) return clearInterval(poll);
        if (fs.existsSync(staging) && fs.readdirSync(staging).length > 0) {
          clearInterval(poll);
          setTimeout(kill, extraDelayMs);
        }
      }, 2);
    } else setTimeout(kill, killAfterMs);
  });
}

// The same tests with a required replica (PL-5.1): after every crash and re-run, the replica is in step too.
describe.each([
  { variant: '', replica: false },
  { variant: ', with a required replica (PL-5.1)', replica: true },
])('[Q-1] crash safety of the import$variant', ({ replica }) => {
  const mk = (): KioskDir => (replica ? new KioskDir().withReplica() : new KioskDir());
  const replicaInStep = (k: KioskDir): void => {
    if (k.replica) expectInStep(k, k.replica);
  };

  it('SIGKILL at ≥ 20 random moments: the catalog stays consistent, nothing half-imported is visible, a re-run completes', async () => {
    const carrier = copyOfDemo();
    const t0 = Date.now();
    const probe = mk();
    expect(await runImport(probe, carrier, 600_000)).toBe(0);
    const full = Date.now() - t0;
    // Moments are random; a run that finished before its kill still gets checked, and we go on until 24 were killed mid-run.
    let killed = 0;
    let attempts = 0;
    for (let i = 0; killed < 24 && i < 60; i++) {
      attempts++;
      const k = mk();
      // Half at a uniformly random moment of a whole run, half while objects are being written.
      const outcome = i % 2 === 0 ? await runImport(k, carrier, Math.floor(Math.random() * full)) : await runImport(k, carrier, 'on-staging', Math.floor(Math.random() * 400));
      if (outcome === 'killed') killed++;
      consistent(k);
      const again = k.json<{ problems: unknown[] }>(['import', carrier]);
      expect(again.code).toBe(0);
      expect(k.json<{ recordings: unknown[] }>(['list']).json.recordings).toHaveLength(4);
      expect(k.ctl(['verify']).code).toBe(0);
      replicaInStep(k);
      // The sweep at start-up removed orphans: every object file belongs to the catalog.
      const known = new Set(k.query<{ id: string }>('SELECT id FROM objects').map((r) => r.id));
      expect(k.objectFiles().every((f) => known.has(path.basename(f)))).toBe(true);
    }
    console.log(`crash test: ${killed} of ${attempts} imports were killed mid-run (full run ${full} ms)`);
    expect(killed).toBeGreaterThanOrEqual(20);
  }, 600_000);

  it('[Q-1] [DC-6] SIGKILL placed exactly before and after the commit of the catalog rows and the log entry: never stored-but-unlogged, never logged-but-unstored', async () => {
    const carrier = copyOfDemo();
    for (const point of ['import.before-commit', 'import.after-commit'] as const) {
      const k = mk();
      const r = spawnSync(KIOSKCTL, ['import', carrier, '--json'], { env: { ...process.env, ...k.env, KIOSK_CRASH_AT: point }, encoding: 'utf8' });
      expect(r.signal, `${point}: ${r.stderr}`).toBe('SIGKILL');
      consistent(k);
      // Per package: its recordings are in the catalog exactly when its import entry is in the log.
      const logged = new Set(
        k.query<{ entry: string }>("SELECT entry FROM viewing_log WHERE entry LIKE '%\"type\":\"import.package\"%'").map(
          (row) => (JSON.parse(row.entry) as { data: { package: string } }).data.package,
        ),
      );
      const stored = new Set(k.query<{ package_sha256: string }>('SELECT package_sha256 FROM imports').map((row) => row.package_sha256));
      expect([...stored].sort(), point).toEqual([...logged].sort());
      // Killed inside the first package's transaction: nothing of it; killed after its commit: all of it.
      expect(stored.size, point).toBe(point === 'import.before-commit' ? 0 : 1);
      expect(k.ctl(['log', 'verify']).code).toBe(0);
      expect(k.ctl(['import', carrier]).code).toBe(0);
      expect(k.json<{ recordings: unknown[] }>(['list']).json.recordings).toHaveLength(4);
      expect(k.ctl(['log', 'verify']).code).toBe(0);
      expect(k.ctl(['verify']).code).toBe(0);
      replicaInStep(k);
    }
  }, 300_000);

  it('a carrier pulled mid-copy (source truncated while it is read) stores nothing; a re-run with the carrier back completes', async () => {
    const { carrier, media } = await paddedPackage(400);
    const original = fs.readFileSync(media);
    const k = mk();
    const child = spawn(KIOSKCTL, ['import', carrier, '--json'], { env: { ...process.env, ...k.env }, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const staging = path.join(k.dir, 'staging');
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (fs.existsSync(staging) && fs.readdirSync(staging).length > 0) {
          clearInterval(poll);
          fs.truncateSync(media, 4096); // the carrier's file is cut short under the reader
          resolve();
        }
      }, 1);
    });
    const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
    expect(code).toBe(1);
    const r = JSON.parse(out) as { problems: Array<{ file: string; rule: string }> };
    expect(r.problems[0]?.file).toContain('KM12324-20240305-01.mp4');
    expect(k.query('SELECT * FROM recordings')).toEqual([]);
    expect(k.objectFiles()).toEqual([]);
    if (k.replica) expect(objectIdsUnder(k.replica)).toEqual([]);
    fs.writeFileSync(media, original);
    expect(k.ctl(['import', carrier]).code).toBe(0);
    expect(k.ctl(['verify']).code).toBe(0);
    replicaInStep(k);
  }, 120_000);
});
