// The ordered registry of migrations. A database newer than this code is
// refused rather than guessed at (Signal Desktop's habit).
import type Database from 'better-sqlite3';
import { KioskError } from '../../errors';
import type { Migration } from './types';
import { m0001Catalog } from './0001-catalog';
import { m0002ViewingLog } from './0002-viewing-log';
import { m0003TisOutbox } from './0003-tis-outbox';
import { m0004AuthLockouts } from './0004-auth-lockouts';
import { m0005TisWaiting } from './0005-tis-waiting';

export const MIGRATIONS: readonly Migration[] = [m0001Catalog, m0002ViewingLog, m0003TisOutbox, m0004AuthLockouts, m0005TisWaiting];

export const LATEST_VERSION = MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Apply pending migrations, each in its own transaction with its version bump. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS, upTo = Infinity): number {
  const latest = migrations.reduce((v, m) => Math.max(v, m.version), 0);
  const current = schemaVersion(db);
  if (current > latest) {
    throw new KioskError(
      'environment',
      `catalog schema version ${current} is newer than this software understands (${latest}); refusing to open it`,
    );
  }
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current || m.version > upTo) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return schemaVersion(db);
}

export type { Migration } from './types';
