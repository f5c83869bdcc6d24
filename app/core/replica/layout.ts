// The replica's layout (PL-5.1): the same encrypted objects as the data
// directory, a snapshot of the catalog (which holds the viewing log and its
// checkpoints) and the wrapped signing key, under a marker that names the
// device key it belongs to. It never holds the device key: a replica alone,
// or with the data directory, opens nothing without the key directory.
import fs from 'node:fs';
import path from 'node:path';

export const MARKER = 'court-kiosk-replica.json';
/** In the data directory: the replica this kiosk has seeded, so an unmounted disk is never mistaken for a fresh one. */
export const SEEN = 'replica.json';
/** The newest checkpoint of the viewing log, as a file: the replica as the log's witness (issue 15 b). */
export const CHECKPOINT_FILE = 'checkpoint.note';

export interface ReplicaLayout {
  readonly root: string;
  readonly marker: string;
  readonly objects: string;
  readonly staging: string;
  readonly catalog: string;
  readonly keys: string;
}

export function replicaLayout(root: string): ReplicaLayout {
  const r = path.resolve(root);
  return {
    root: r,
    marker: path.join(r, MARKER),
    objects: path.join(r, 'objects'),
    staging: path.join(r, 'staging'),
    catalog: path.join(r, 'catalog.sqlite'),
    keys: path.join(r, 'keys'),
  };
}

export interface ReplicaMarker {
  readonly format: 1;
  /** The id of the device key whose objects and catalog this replica holds (keys/device-key.id): never the key. */
  readonly keyId: string;
  readonly device: string;
  readonly createdAt: string;
}

export function readMarker(file: string): ReplicaMarker | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const m = JSON.parse(text) as Partial<ReplicaMarker>;
  if (m.format !== 1 || typeof m.keyId !== 'string' || typeof m.device !== 'string') {
    throw new Error(`${file}: not a court-kiosk replica marker (rule replica.marker)`);
  }
  return m as ReplicaMarker;
}

/** True when `dir` is the root of a mounted file system (its device differs from its parent's). */
export function isMountPoint(dir: string): boolean {
  try {
    return fs.statSync(dir).dev !== fs.statSync(path.dirname(dir)).dev;
  } catch {
    return false;
  }
}
