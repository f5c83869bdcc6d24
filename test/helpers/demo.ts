// The demo carrier made once by test/global-setup.ts, and copies of it that a
// test may change.
import fs from 'node:fs';
import path from 'node:path';
import { REPO, scratch } from './paths';

export const DEMO_CARRIER = path.join(REPO, 'test', '.tmp', 'demo-carrier-v2');
export const DEMO_PACKAGES = { pl: 'KM-123-24', versions: 'KM-45-25', ua: 'UA-757-12345-25' } as const;
export const DEMO_MARKER = 'COURT-KIOSK-DEMO-PLAINTEXT-MARKER';

/** A private copy of the demo carrier (or one package of it). */
export function copyOfDemo(pkg?: keyof typeof DEMO_PACKAGES): string {
  const dir = scratch('carrier-');
  if (pkg) fs.cpSync(path.join(DEMO_CARRIER, DEMO_PACKAGES[pkg]), path.join(dir, DEMO_PACKAGES[pkg]), { recursive: true });
  else fs.cpSync(DEMO_CARRIER, dir, { recursive: true });
  return dir;
}
