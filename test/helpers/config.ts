// Kiosk configurations for tests: the PL example with other limits.
import fs from 'node:fs';
import path from 'node:path';
import { REPO, scratch } from './paths';

export interface Limits {
  readonly idleWarningSec: number;
  readonly idleTimeoutSec: number;
  readonly maxSessionMin: number;
}

/** Writes the PL example configuration with `limits` into a scratch folder; returns the file. */
export function plConfigWithLimits(limits: Limits, example = 'court-kiosk-pl.json'): string {
  const doc = JSON.parse(fs.readFileSync(path.join(REPO, 'kiosk-config', example), 'utf8')) as Record<string, unknown>;
  delete doc.$schema;
  const file = path.join(scratch(), 'test-config.json');
  fs.writeFileSync(file, JSON.stringify({ ...doc, limits }));
  return file;
}
