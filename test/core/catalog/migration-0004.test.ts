// Migration 0004 adds the per-account lockout table to an existing catalog
// without touching what is in it, and lockouts written on the migrated file
// are there when it is opened again.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS, openDatabase, schemaVersion } from '../../../app/core/catalog';
import { SqliteLockoutStore } from '../../../app/core/auth';
import { scratch } from '../../helpers/paths';

describe('catalog migration 0004 (auth lockouts)', () => {
  it('[PL-8.1] upgrades a version-3 catalog in place, keeping its rows, and a lockout written after it persists across a reopen', () => {
    const file = path.join(scratch(), 'c.sqlite');
    const old = new Database(file);
    migrate(old, MIGRATIONS, 3);
    expect(schemaVersion(old)).toBe(3);
    old.exec(`INSERT INTO cases (jurisdiction, signature, created_at) VALUES ('PL', 'KM 123/24', 'now')`);
    expect(old.prepare("SELECT name FROM sqlite_master WHERE name = 'auth_lockouts'").get()).toBeUndefined();
    old.close();

    const db = openDatabase(file);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(4);
    expect(db.prepare('SELECT signature FROM cases').all()).toEqual([{ signature: 'KM 123/24' }]);
    const cols = (db.prepare('PRAGMA table_info(auth_lockouts)').all() as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(['account_id', 'known', 'failures', 'lockouts', 'locked_until', 'updated_at']);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'auth_lockouts_unknown'").get()).toBeDefined();
    new SqliteLockoutStore(db).put('anna', { failures: 5, lockouts: 2, lockedUntil: 1_700_000_000_000 }, true, 1);
    expect(() => db.prepare("INSERT INTO auth_lockouts VALUES ('x', 2, 0, 0, NULL, 0)").run()).toThrow(/CHECK/);
    db.close();

    const again = openDatabase(file);
    expect(new SqliteLockoutStore(again).get('anna')).toEqual({ failures: 5, lockouts: 2, lockedUntil: 1_700_000_000_000 });
    again.close();
  });

  it('is registered as version 4 after the TIS outbox', () => {
    expect(MIGRATIONS.find((m) => m.version === 4)?.name).toBe('auth-lockouts');
  });
});
