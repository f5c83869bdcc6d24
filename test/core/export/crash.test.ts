// Issue 9 and "one kiosk, one owner of its data", acceptance 4: an export
// killed at random moments, and at each of its named steps (KIOSK_CRASH_AT,
// placed between log, signature and rename), never leaves a folder on the
// target that `kioskctl check` accepts unless it is the complete, signed and
// logged package; the staging folder is refused (export.incomplete); the next
// owner leaves a receipt for every logged export and no .part; a re-run
// completes. The export is the real kioskctl in a child process, killed with
// SIGKILL.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STAGING_PREFIX } from '../../../app/core/export';
import { CRASH_POINTS } from '../../../app/core/faults/crash-point';
import { copyOfDemo, paddedPackage } from '../../helpers/demo';
import { KioskDir } from '../../helpers/kiosk-dir';
import { TEST_ACCOUNTS, signed } from '../../helpers/accounts';
import { KIOSKCTL, scratch } from '../../helpers/paths';
import { expectInStep, replicaCatalog } from '../../helpers/replica';

const PEOPLE = signed('anna-it', 'ewa-clerk');
const ARGS = ['--case', 'KM 123/24', '--purpose', 'backup', '--recipient', 'Kancelaria, sejf 2', ...PEOPLE.args];

/** A scratch kiosk with the test accounts, whose commands get the two people's secrets on stdin. */
function kioskWithPeople(replica = false): KioskDir {
  const k = replica ? new KioskDir().withReplica({ accounts: TEST_ACCOUNTS }) : new KioskDir().provision({ accounts: TEST_ACCOUNTS });
  k.stdin = PEOPLE.input;
  return k;
}

interface CheckJson {
  valid: boolean;
  problems: Array<{ file: string; rule: string; message: string }>;
}

/** The packageSha256 of every `export` entry in the viewing log. */
function loggedExports(k: KioskDir): string[] {
  return k
    .query<{ entry: string }>(`SELECT entry FROM viewing_log WHERE entry LIKE '%"type":"export"%' ORDER BY seq`)
    .map((r) => JSON.parse(r.entry) as { type: string; data: { packageSha256: string } })
    .filter((e) => e.type === 'export')
    .map((e) => e.data.packageSha256);
}

/**
 * Every folder on the target: one that `check` accepts is the whole package (our
 * recording's bytes), signed by this device and in the log; the staging folder
 * is refused with export.incomplete; and a folder carrying a valid signature is
 * in the log whatever its name (a validator that does not know the staging
 * prefix, or a hand that renamed it, still finds no signed package unlogged).
 */
function assertTarget(k: KioskDir, to: string, pem: string, partSha256: string): void {
  const logged = loggedExports(k);
  for (const name of fs.readdirSync(to)) {
    const dir = path.join(to, name);
    const sig = path.join(dir, 'tagsignature-ed25519.sig');
    const tagManifest = path.join(dir, 'tagmanifest-sha256.txt');
    const signed = fs.existsSync(sig) && fs.existsSync(tagManifest) && crypto.verify(null, fs.readFileSync(tagManifest), pem, fs.readFileSync(sig));
    if (signed) expect(logged, `${name} is signed but not in the log`).toContain(crypto.createHash('sha256').update(fs.readFileSync(tagManifest)).digest('hex'));
    const check = k.json<CheckJson>(['check', dir]);
    if (name.startsWith(STAGING_PREFIX)) {
      expect(check.code, name).toBe(1);
      expect(check.json.problems).toEqual([expect.objectContaining({ file: name, rule: 'export.incomplete' })]);
      continue;
    }
    if (check.code !== 0) continue;
    expect(fs.readFileSync(path.join(dir, 'manifest-sha256.txt'), 'utf8')).toContain(partSha256);
    expect(signed, `${name} validates but has no valid signature`).toBe(true);
  }
}

/** After an owner has opened the data directory: a whole receipt for every logged export, the verifier page beside them, nothing else, no .part. */
function assertReceipts(k: KioskDir): void {
  const dir = path.join(k.dir, 'exports', 'receipts');
  const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  expect(names.filter((n) => !/\.receipt\.(json|html|pdf)$/.test(n) && n !== 'verify-report.html')).toEqual([]);
  const jsons = names.filter((n) => n.endsWith('.receipt.json'));
  for (const j of jsons) {
    const base = j.slice(0, -'.json'.length);
    expect(names, base).toContain(`${base}.html`);
    expect(names, base).toContain(`${base}.pdf`);
    expect(fs.readFileSync(path.join(dir, `${base}.pdf`)).subarray(0, 5).toString()).toBe('%PDF-');
  }
  const receipted = jsons.map((j) => (JSON.parse(fs.readFileSync(path.join(dir, j), 'utf8')) as { receipt: { packageSha256: string } }).receipt.packageSha256);
  expect(receipted.sort()).toEqual(loggedExports(k).sort());
}

function runExport(k: KioskDir, to: string, kill: { afterMs: number } | { afterStagingMs: number }): Promise<'killed' | number> {
  return new Promise((resolve) => {
    const child = spawn(KIOSKCTL, ['export', ...ARGS, '--to', to, '--json'], { env: { ...process.env, ...k.env }, stdio: ['pipe', 'ignore', 'ignore'] });
    // A kill may come before it reads its stdin: the broken pipe is expected.
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(PEOPLE.input);
    let done = false;
    child.on('exit', (code) => {
      done = true;
      resolve(code === null ? 'killed' : code);
    });
    const doKill = () => !done && child.kill('SIGKILL');
    if ('afterMs' in kill) setTimeout(doKill, kill.afterMs);
    else {
      const poll = setInterval(() => {
        if (done) return clearInterval(poll);
        if (fs.readdirSync(to).some((n) => n.startsWith(STAGING_PREFIX))) {
          clearInterval(poll);
          setTimeout(doKill, kill.afterStagingMs);
        }
      }, 2);
    }
  });
}

// The same tests with a required replica (PL-5.1): its catalog then holds every export the primary's log holds.
describe.each([
  { variant: '', replica: false },
  { variant: ', with a required replica (PL-5.1)', replica: true },
])('[PL-9] [PL-2.2] crash safety of the export$variant', ({ replica }) => {
  /** After a re-run: the replica in step, its copy of the log holding the same exports. */
  const replicaInStep = (k: KioskDir): void => {
    if (!k.replica) return;
    expectInStep(k, k.replica);
    expect(replicaCatalog<{ entry: string }>(k.replica, `SELECT entry FROM viewing_log WHERE entry LIKE '%"type":"export"%' ORDER BY seq`).length).toBe(loggedExports(k).length);
  };
  it('[PL-9] [Q-1] SIGKILL at ≥ 20 random moments: no folder on the target validates unless it is the complete, signed and logged package; the staging folder is refused (export.incomplete); a re-run completes', async () => {
    const { carrier } = await paddedPackage(120);
    const k = kioskWithPeople(replica);
    expect(k.ctl(['import', carrier]).code).toBe(0);
    const [part] = k.query<{ sha256: string }>('SELECT sha256 FROM parts');
    const pem = k.ctl(['device', 'pubkey']).stdout;

    const probe = scratch('carrier-out-');
    const t0 = Date.now();
    expect(await runExport(k, probe, { afterMs: 600_000 })).toBe(0);
    const full = Date.now() - t0;
    let killed = 0;
    let attempts = 0;
    for (let i = 0; killed < 22 && i < 60; i++) {
      attempts++;
      const to = scratch('carrier-out-');
      const outcome = i % 2 === 0 ? await runExport(k, to, { afterMs: Math.floor(Math.random() * full) }) : await runExport(k, to, { afterStagingMs: Math.floor(Math.random() * 600) });
      if (outcome === 'killed') killed++;
      assertTarget(k, to, pem, part!.sha256);
      // A re-run removes the staging folder and completes.
      const again = k.json<{ package: string }>(['export', ...ARGS, '--to', to]);
      expect(again.code, again.stderr).toBe(0);
      expect(fs.readdirSync(to).filter((n) => n.startsWith(STAGING_PREFIX))).toEqual([]);
      expect(k.ctl(['check', again.json.package]).code).toBe(0);
      assertTarget(k, to, pem, part!.sha256);
    }
    expect(k.ctl(['log', 'verify']).code).toBe(0);
    assertReceipts(k);
    replicaInStep(k);
    console.log(`export crash test: ${killed} of ${attempts} exports were killed mid-run (full run ${full} ms)`);
    expect(killed).toBeGreaterThanOrEqual(20);
  }, 1_800_000);

  it('[PL-9] [Q-1] [DC-6] killed at each named step (KIOSK_CRASH_AT): what check accepts is signed and logged, the staging folder is refused (export.incomplete); the next owner leaves a whole receipt for every logged export and no .part; log verify passes; a re-run completes', () => {
    const k = kioskWithPeople(replica);
    expect(k.ctl(['import', copyOfDemo('pl')]).code).toBe(0);
    const [part] = k.query<{ sha256: string }>('SELECT sha256 FROM parts');
    const pem = k.ctl(['device', 'pubkey']).stdout;
    const points = CRASH_POINTS.filter((p) => p.startsWith('export.'));
    expect(points).toContain('export.after-receipt-json');
    for (const point of points) {
      const to = scratch('carrier-out-');
      const before = loggedExports(k).length;
      const run = spawnSync(KIOSKCTL, ['export', ...ARGS, '--to', to, '--json'], { env: { ...process.env, ...k.env, KIOSK_CRASH_AT: point }, encoding: 'utf8', input: PEOPLE.input });
      expect(run.signal, `${point}: ${run.stderr}`).toBe('SIGKILL');
      // Killed where named: the log holds the export from export.after-log on, the final name exists from export.after-rename on.
      const at = points.indexOf(point);
      expect(loggedExports(k).length, point).toBe(before + (at >= points.indexOf('export.after-log') ? 1 : 0));
      const renamed = at >= points.indexOf('export.after-rename');
      expect(fs.readdirSync(to).map((n) => n.startsWith(STAGING_PREFIX)), point).toEqual([!renamed]);
      assertTarget(k, to, pem, part!.sha256);
      if (renamed) expect(k.ctl(['check', to]).code, point).toBe(0);

      // The next owner (here a checkpoint) finishes the receipts; read-only commands before it could not.
      expect(k.ctl(['log', 'checkpoint']).code, point).toBe(0);
      assertReceipts(k);
      expect(k.ctl(['log', 'verify']).code, point).toBe(0);

      const again = k.json<{ package: string }>(['export', ...ARGS, '--to', to]);
      expect(again.code, `${point}: ${again.stderr}`).toBe(0);
      expect(fs.readdirSync(to).filter((n) => n.startsWith(STAGING_PREFIX))).toEqual([]);
      expect(k.ctl(['check', again.json.package]).code).toBe(0);
      assertTarget(k, to, pem, part!.sha256);
      assertReceipts(k);
      replicaInStep(k);
    }
    expect(k.ctl(['log', 'verify']).code).toBe(0);
  }, 600_000);

  it('[DC-6] a receipt whose HTML and PDF went missing is drawn again from its JSON, in its language, by the next owner', () => {
    const k = kioskWithPeople(replica);
    expect(k.ctl(['import', copyOfDemo('pl')]).code).toBe(0);
    const out = k.json<{ receipt: { json: string; html: string; pdf: string } }>(['export', ...ARGS, '--to', scratch('carrier-out-'), '--lang', 'uk']);
    expect(out.code, out.stderr).toBe(0);
    const html = fs.readFileSync(out.json.receipt.html, 'utf8');
    fs.rmSync(out.json.receipt.html);
    fs.rmSync(out.json.receipt.pdf);
    expect(k.ctl(['list']).code).toBe(0);
    expect(fs.existsSync(out.json.receipt.html), 'a read-only command writes nothing').toBe(false);
    expect(k.ctl(['log', 'checkpoint']).code).toBe(0);
    expect(fs.readFileSync(out.json.receipt.html, 'utf8')).toBe(html);
    expect(html).toContain('Підтвердження експорту');
    assertReceipts(k);
  }, 120_000);
});
