// `--demo` on a first start: when the catalog is empty, write the demo carrier
// into the data directory and import it through the real pipeline, so a
// newcomer sees real recordings. Demo mode alone also trusts the demo carrier's
// own test signer for the UA protocol; a configured kiosk never does.
import fs from 'node:fs';
import path from 'node:path';
import { importPath, ingestContextFor, type ImportResult } from '../ingest';
import type { Kiosk } from '../kiosk';
import { verifyDetachedCms } from '../signature/cms';
import { configRelative } from '../config';
import { writeDemoCarrier } from './demo-carrier';
import { hashPin } from '../auth';
import type { Account } from '../auth/accounts';

export async function seedDemo(kiosk: Kiosk, notice: (s: string) => void): Promise<ImportResult | null> {
  const count = (kiosk.db.prepare('SELECT count(*) AS n FROM recordings').get() as { n: number }).n;
  if (count > 0) return null;
  // KIOSK_DEMO_CARRIER names a demo carrier already written (tests, CI), so
  // a first start does not have to encode the demo media again.
  const dir = process.env.KIOSK_DEMO_CARRIER ?? path.join(kiosk.layout.root, 'demo-carrier');
  if (!fs.existsSync(path.join(dir, 'UA-757-12345-25', 'tagmanifest-sha256.txt'))) {
    notice(`demo: writing a demo carrier with real media (ffmpeg) into ${dir}`);
    fs.rmSync(dir, { recursive: true, force: true });
    await writeDemoCarrier(dir);
  }
  const trusted = [
    ...kiosk.config.trustedSigners.map((s) => fs.readFileSync(configRelative(kiosk.configFile, s.certFile), 'utf8')),
    fs.readFileSync(path.join(dir, 'DEMO-SIGNER-CERT.pem'), 'utf8'),
  ];
  const ctx = { ...ingestContextFor(kiosk, { operator: 'demo' }), protocols: { verify: (c: Buffer, s: Buffer) => verifyDetachedCms(c, s, trusted) } };
  const r = await importPath(ctx, dir, 'demo');
  notice(`demo: imported ${r.imported.length} recordings${r.problems.length ? `, ${r.problems.length} problems` : ''}`);
  return r;
}

/**
 * Demo mode only: a clerk (PIN 1234) and an administrator, said aloud on
 * stderr. Never in a configured kiosk. They are the one exemption from the
 * secret policy (auth/policy.ts: 6-digit PINs, 10-character passwords): their
 * hashes record no policy, which kiosk-config refuses, so they can reach the
 * kiosk only here, through `--demo`, and every browser test can sign in with
 * a PIN it can type quickly.
 */
export async function demoAccounts(notice: (s: string) => void): Promise<Account[]> {
  notice('demo accounts: clerk "demo-clerk" PIN 1234; administrator "demo-admin" password demo-admin-2026');
  return [
    { id: 'demo-clerk', name: 'Anna Demo', role: 'clerk', pinHash: await hashPin('1234') },
    { id: 'demo-admin', name: 'Piotr Demo (IT)', role: 'admin', pinHash: await hashPin('demo-admin-2026') },
  ];
}
