// Paths tests share: the repo root, ../shared beside it, scratch directories.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED = path.resolve(REPO, '..', 'shared');
export const KIOSKCTL = path.join(REPO, 'scripts', 'kioskctl');

export function scratch(prefix = 'kiosk-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
