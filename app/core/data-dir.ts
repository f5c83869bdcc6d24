// Where the kiosk keeps its catalog, objects, the wrapped signing key and the
// id of its device key. Default: the XDG data directory; KIOSK_DATA_DIR or
// --data-dir override it. Created 0700: the objects are encrypted, but nobody
// but the kiosk's user has business there. The device key itself is never
// here: it is in the key directory, sealed by the machine (keys/key-store.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KioskError } from './errors';
import { problem } from '../shared/problem';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'court-kiosk');
}

export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(flag ?? env.KIOSK_DATA_DIR ?? defaultDataDir(env));
}

export interface DataLayout {
  readonly root: string;
  readonly catalog: string;
  readonly objects: string;
  readonly staging: string;
  /** The signing key (wrapped by the device key) and the device key's id; never the device key. */
  readonly keys: string;
  readonly exports: string;
  /** Files found in the store that the catalog does not know, moved aside by the owner's sweep. */
  readonly quarantine: string;
  /** Space held back so the viewing log can still record a session's end when the disk fills (space/ballast.ts). */
  readonly ballast: string;
}

export function dataLayout(root: string): DataLayout {
  return {
    root,
    catalog: path.join(root, 'catalog.sqlite'),
    objects: path.join(root, 'objects'),
    staging: path.join(root, 'staging'),
    keys: path.join(root, 'keys'),
    exports: path.join(root, 'exports'),
    quarantine: path.join(root, 'quarantine'),
    ballast: path.join(root, 'space.ballast'),
  };
}

export function ensureDataDir(root: string): DataLayout {
  const l = dataLayout(root);
  for (const d of [l.root, l.objects, l.staging, l.keys]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
  return l;
}

/** The layout of a data directory that must already exist (read-only commands create nothing). */
export function existingDataDir(root: string): DataLayout {
  const l = dataLayout(root);
  if (!fs.existsSync(l.catalog)) {
    throw new KioskError('environment', `${root} is not a kiosk data directory (no catalog.sqlite); nothing to read`, [
      problem(l.catalog, 'env.no-data-dir', 'no catalog in the data directory'),
    ]);
  }
  return l;
}
