// What "the replica is in step with the primary" means to a test (PL-5.1):
// both stores hold exactly the catalog's live objects, the replica's catalog
// snapshot opens, passes integrity_check and lists the same recordings, and no
// scratch is left on it.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { KioskDir } from './kiosk-dir';

export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

export const objectIdsUnder = (root: string): string[] => filesUnder(path.join(root, 'objects')).map((f) => path.basename(f)).sort();

export function replicaCatalog<T>(replica: string, sql: string): T[] {
  const db = new Database(path.join(replica, 'catalog.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const RECORDINGS = 'SELECT r.identifier, r.version FROM recordings r ORDER BY r.identifier, r.version';
const LIVE = 'SELECT id FROM objects WHERE wrapped_key IS NOT NULL ORDER BY id';

export function expectInStep(k: KioskDir, replica: string): void {
  const live = k.query<{ id: string }>(LIVE).map((r) => r.id);
  expect(objectIdsUnder(k.dir)).toEqual(live);
  expect(objectIdsUnder(replica)).toEqual(live);
  expect(replicaCatalog(replica, RECORDINGS)).toEqual(k.query(RECORDINGS));
  expect(replicaCatalog<{ integrity_check: string }>(replica, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  expect(filesUnder(path.join(replica, 'staging'))).toEqual([]);
}

export const RECORDINGS_SQL = RECORDINGS;
