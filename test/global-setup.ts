// Runs once before all tests: builds the renderer bundle the shells serve and
// a small demo carrier with real media (ffmpeg), cached in test/.tmp so the
// many tests that import it do not re-encode video.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_CACHE = path.join(REPO, 'test', '.tmp', 'demo-carrier-v4');

// Every process this run starts inherits the marker, so the teardown finds
// exactly this run's web shells, never those of another run beside it.
const RUN_MARK = `KIOSK_TEST_RUN=${process.pid}-${Date.now()}`;
process.env.KIOSK_TEST_RUN = RUN_MARK.slice('KIOSK_TEST_RUN='.length);

// Every scratch folder of this run, made by a test, a helper, kioskctl or
// ffmpeg, lies in one folder of its own: TMPDIR, which os.tmpdir() and the
// child processes read, points there. The teardown removes it whole, so a run
// leaves nothing in /tmp (runs used to leave gigabytes: padded packages,
// thousands of model-test logs, until a disk filled). Set once, at import:
// both projects share it, and the workers inherit it.
const TMP_ROOT = (process.env.KIOSK_TEST_TMPDIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'ck-run-')));
// Like /tmp itself: the appliance tests' unprivileged users must pass through
// to the folders made for them (each mkdtemp folder inside keeps its own 0700).
fs.chmodSync(TMP_ROOT, 0o1777);
process.env.TMPDIR = TMP_ROOT;
// Run as root, the kiosk seals its device key with systemd-creds (app/core/keys/sealing.ts).
// The run is its own "machine": a host secret of its own, made by systemd-creds on first use
// inside the scratch root, so no test makes or reads the real /var/lib/systemd/credential.secret.
// (A path, not a secret: systemd-creds reads $SYSTEMD_CREDENTIAL_SECRET for the host secret's file.)
process.env.SYSTEMD_CREDENTIAL_SECRET ??= path.join(TMP_ROOT, 'credential.secret');

/**
 * Removes this run's scratch root. A file system still mounted under it (a
 * loop-mounted carrier a test could not unmount) is left alone and named:
 * removing through a mount would delete the mounted files instead.
 */
function removeScratchRoot(): void {
  const mounts = fs
    .readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' ') ?? '')
    .filter((m) => m === TMP_ROOT || m.startsWith(TMP_ROOT + path.sep));
  if (mounts.length > 0) {
    console.error(`scratch root ${TMP_ROOT} kept: still mounted under it: ${mounts.join(', ')}`);
    return;
  }
  try {
    fs.rmSync(TMP_ROOT, { recursive: true, force: true, maxRetries: 3 });
  } catch (e) {
    console.error(`scratch root ${TMP_ROOT} not fully removed: ${(e as Error).message}`);
  }
}

/** Web-shell processes this run started that are still running. */
function liveWebShells(): Array<{ pid: number; cmd: string }> {
  const found: Array<{ pid: number; cmd: string }> = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    let cmd: string;
    try {
      cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue;
    }
    if (!cmd.includes(path.join('shells', 'web', 'main.ts')) && !cmd.includes(path.join('dist', 'web', 'main.mjs'))) continue;
    let environ: string[];
    try {
      environ = fs.readFileSync(`/proc/${d}/environ`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (environ.includes(RUN_MARK)) found.push({ pid: Number(d), cmd });
  }
  return found;
}

/**
 * After all tests: no web shell a test started may still be running. Each
 * one found is killed and the run fails, naming it (a kiosk that leaves
 * orphans serving the catalogue is a bug, whether in the product or a test).
 */
async function teardown(): Promise<void> {
  // A shell whose parent was just stopped gets a moment to exit on its own.
  for (let i = 0; i < 30 && liveWebShells().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  const left = liveWebShells();
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (left.length) {
    // vitest reports an error thrown here but still exits 0; the exit code is what CI reads.
    process.exitCode = 1;
    process.on('exit', () => (process.exitCode = 1));
  }
  if (left.length) throw new Error(`web shells left running after the tests (killed now): ${left.map((p) => `${p.pid} ${p.cmd}`).join('; ')}`);
}

/** Teardown runs once per project; the scratch root goes with the last of them. */
let projects = 0;

export default async function setup(): Promise<() => Promise<void>> {
  projects += 1;
  execFileSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs'), '--renderer-only'], { stdio: 'inherit' });
  if (!fs.existsSync(path.join(DEMO_CACHE, '.complete'))) {
    fs.rmSync(DEMO_CACHE, { recursive: true, force: true });
    const { writeDemoCarrier } = await import('../app/core/demo/demo-carrier');
    await writeDemoCarrier(DEMO_CACHE, { longSeconds: 40, shortSeconds: 8 });
    fs.writeFileSync(path.join(DEMO_CACHE, '.complete'), '');
  }
  return async () => {
    try {
      await teardown();
    } finally {
      projects -= 1;
      if (projects === 0) removeScratchRoot();
    }
  };
}
