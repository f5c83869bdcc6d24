// Migration 0003 adds the TIS viewing-report outbox to an existing catalog
// without touching what is in it, and the outbox works on the migrated file.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS, openDatabase, schemaVersion } from '../../../app/core/catalog';
import { TisOutbox } from '../../../app/core/tis';
import { scratch } from '../../helpers/paths';

describe('catalog migration 0003 (TIS outbox)', () => {
  it('[PL-6.1] upgrades a version-2 catalog in place, keeping its rows, and the outbox persists across a reopen', () => {
    const file = path.join(scratch(), 'c.sqlite');
    const old = new Database(file);
    migrate(old, MIGRATIONS, 2);
    expect(schemaVersion(old)).toBe(2);
    old.exec(`INSERT INTO cases (jurisdiction, signature, created_at) VALUES ('UA', '757/12345/25-ц', 'now')`);
    expect(old.prepare("SELECT name FROM sqlite_master WHERE name = 'tis_outbox'").get()).toBeUndefined();
    old.close();

    const db = openDatabase(file);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(3);
    expect(db.prepare('SELECT signature FROM cases').all()).toEqual([{ signature: '757/12345/25-ц' }]);
    const cols = (db.prepare('PRAGMA table_info(tis_outbox)').all() as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(expect.arrayContaining(['case_signature', 'report_id', 'body', 'idempotency_key', 'next_attempt_at', 'delivered_at', 'remote_id']));
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'tis_outbox_pending'").get()).toBeDefined();
    const entry = new TisOutbox(db).enqueue({ caseSignature: '757/12345/25-ц', reportId: 'vr-1', body: Buffer.from('{"r":1}') });
    db.close();

    const again = openDatabase(file);
    const listed = new TisOutbox(again).list();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ reportId: 'vr-1', idempotencyKey: entry.idempotencyKey, deliveredAt: null, bodyBytes: 7 });
    again.close();
  });

  it('is registered as version 3 after the viewing log', () => {
    expect(MIGRATIONS.find((m) => m.version === 3)?.name).toBe('tis-outbox');
  });
});
