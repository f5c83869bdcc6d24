// Issue 9, acceptance 4: an export killed at random moments never leaves a
// folder on the target that `kioskctl check` accepts unless it is the complete
// package, and a re-run completes. The export is the real kioskctl in a child
// process, killed with SIGKILL.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STAGING_PREFIX } from '../../../app/core/export';
import { paddedPackage } from '../../helpers/demo';
import { KioskDir } from '../../helpers/kiosk-dir';
import { KIOSKCTL, scratch } from '../../helpers/paths';

const ARGS = ['--case', 'KM 123/24', '--purpose', 'backup', '--recipient', 'Kancelaria, sejf 2', '--operator', 'Anna Informatyk'];

function runExport(k: KioskDir, to: string, kill: { afterMs: number } | { afterStagingMs: number }): Promise<'killed' | number> {
  return new Promise((resolve) => {
    const child = spawn(KIOSKCTL, ['export', ...ARGS, '--to', to, '--json'], { env: { ...process.env, ...k.env }, stdio: 'ignore' });
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

describe('[PL-9] [PL-2.2] crash safety of the export', () => {
  it('SIGKILL at ≥ 10 random moments: no folder on the target validates unless it is the complete, signed package; a re-run completes', async () => {
    const { carrier } = await paddedPackage(120);
    const k = new KioskDir();
    expect(k.ctl(['import', carrier]).code).toBe(0);
    const [part] = k.query<{ sha256: string }>('SELECT sha256 FROM parts');
    const pem = k.ctl(['device', 'pubkey']).stdout;

    /** A folder `check` accepts must be the whole package: our recording's bytes, signed by this device. */
    const assertNoFalseComplete = (to: string) => {
      for (const name of fs.readdirSync(to)) {
        const dir = path.join(to, name);
        if (k.ctl(['check', dir]).code !== 0) continue;
        expect(fs.readFileSync(path.join(dir, 'manifest-sha256.txt'), 'utf8')).toContain(part!.sha256);
        const sig = path.join(dir, 'tagsignature-ed25519.sig');
        expect(fs.existsSync(sig), `${name} validates but has no signature`).toBe(true);
        expect(crypto.verify(null, fs.readFileSync(path.join(dir, 'tagmanifest-sha256.txt')), pem, fs.readFileSync(sig)), name).toBe(true);
      }
    };

    const probe = scratch('carrier-out-');
    const t0 = Date.now();
    expect(await runExport(k, probe, { afterMs: 600_000 })).toBe(0);
    const full = Date.now() - t0;
    let killed = 0;
    let attempts = 0;
    for (let i = 0; killed < 12 && i < 40; i++) {
      attempts++;
      const to = scratch('carrier-out-');
      const outcome = i % 2 === 0 ? await runExport(k, to, { afterMs: Math.floor(Math.random() * full) }) : await runExport(k, to, { afterStagingMs: Math.floor(Math.random() * 600) });
      if (outcome === 'killed') killed++;
      assertNoFalseComplete(to);
      // A re-run removes the staging folder and completes.
      const again = k.json<{ package: string }>(['export', ...ARGS, '--to', to]);
      expect(again.code, again.stderr).toBe(0);
      expect(fs.readdirSync(to).filter((n) => n.startsWith(STAGING_PREFIX))).toEqual([]);
      expect(k.ctl(['check', again.json.package]).code).toBe(0);
      assertNoFalseComplete(to);
    }
    expect(k.ctl(['log', 'verify']).code).toBe(0);
    console.log(`export crash test: ${killed} of ${attempts} exports were killed mid-run (full run ${full} ms)`);
    expect(killed).toBeGreaterThanOrEqual(10);
  }, 900_000);
});
