// The installed application's root (where package.json, dist/ and
// kiosk-config/ sit), found by walking up from a module, so source files and
// bundles at different depths agree.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function appRootFrom(moduleUrlOrDir: string): string {
  let dir = moduleUrlOrDir.startsWith('file:') ? path.dirname(fileURLToPath(moduleUrlOrDir)) : moduleUrlOrDir;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'kiosk-config'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the application root above ${moduleUrlOrDir}`);
    dir = up;
  }
}

/** The installed application's version (package.json), as `kioskctl status` reports it. */
export function appVersion(root: string): string {
  try {
    const v = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' ? v : 'unknown';
  } catch {
    return 'unknown';
  }
}
