// Migration 0005 adds the queue of recordings waiting on the TIS (UA-1) to an
// existing catalog without touching what is in it.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS, openDatabase, schemaVersion } from '../../../app/core/catalog';
import { TisWaitingQueue } from '../../../app/core/tis';
import { scratch } from '../../helpers/paths';

describe('catalog migration 0005 (TIS waiting queue)', () => {
  it('[UA-1] upgrades a version-4 catalog in place, and a waiting recording persists across a reopen', () => {
    const file = path.join(scratch(), 'c.sqlite');
    const old = new Database(file);
    migrate(old, MIGRATIONS, 4);
    old.exec(`INSERT INTO cases (jurisdiction, signature, created_at) VALUES ('UA', '757/12345/25-ц', 'now')`);
    old.close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(5);
    expect(db.prepare('SELECT signature FROM cases').all()).toEqual([{ signature: '757/12345/25-ц' }]);
    new TisWaitingQueue(db).wait({ caseSignature: '757/12345/25-ц', identifier: 'VKZ-1', version: 0, url: 'https://tis/x', operator: null, retryAfterSec: 30 });
    db.close();
    const again = openDatabase(file);
    expect(new TisWaitingQueue(again).waiting()).toEqual([expect.objectContaining({ identifier: 'VKZ-1', attempts: 1 })]);
    again.close();
    expect(MIGRATIONS.find((m) => m.version === 5)?.name).toBe('tis-waiting');
  });
});
