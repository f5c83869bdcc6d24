import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase, migrate, LATEST_VERSION, MIGRATIONS, schemaVersion } from '../../../app/core/catalog';
import { scratch } from '../../helpers/paths';

function tables(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}

describe('catalog migrations', () => {
  it('[Q-1] opens the catalog on disk in WAL mode with synchronous=FULL', () => {
    const db = openDatabase(path.join(scratch(), 'c.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    db.close();
  });

  it('numbers migrations 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('[PL-3.7] migration 0001 creates the catalog with every PL-3 field', () => {
    const db = new Database(path.join(scratch(), 'c.sqlite'));
    migrate(db, MIGRATIONS, 1);
    expect(schemaVersion(db)).toBe(1);
    expect(tables(db)).toEqual(
      expect.arrayContaining(['cases', 'recordings', 'parts', 'attachments', 'annotations', 'objects', 'imports', 'completions', 'deletions', 'integrity_events']),
    );
    const cols = (db.prepare('PRAGMA table_info(recordings)').all() as { name: string }[]).map((c) => c.name);
    for (const c of ['identifier', 'creator_name', 'creator_court', 'title', 'date', 'duration_sec', 'grouping', 'version', 'supersedes_identifier', 'supersedes_version'])
      expect(cols).toContain(c);
    // Versions never replace one another: the same identifier may exist at versions 0 and 1, never twice at one version.
    db.exec(`INSERT INTO cases (jurisdiction, signature, created_at) VALUES ('PL', 'KM 1/24', 'now');
             INSERT INTO imports (source_kind, source_ref, started_at, outcome, report_json) VALUES ('demo', 'x', 'now', 'imported', '{}');`);
    const ins = db.prepare(`INSERT INTO recordings (case_id, identifier, version, status, import_id, created_at) VALUES (1, 'R1', ?, 'complete', 1, 'now')`);
    ins.run(0);
    ins.run(1);
    expect(() => ins.run(1)).toThrow(/UNIQUE/);
    db.close();
  });

  it('refuses a database from the future', () => {
    const file = path.join(scratch(), 'c.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer than this software/);
  });

  it('rolls a failing migration back whole', () => {
    const db = new Database(path.join(scratch(), 'c.sqlite'));
    const bad = [
      ...MIGRATIONS,
      {
        version: LATEST_VERSION + 1,
        name: 'broken',
        up(d: Database.Database) {
          d.exec('CREATE TABLE half_done (x)');
          throw new Error('boom');
        },
      },
    ];
    expect(() => migrate(db, bad)).toThrow('boom');
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    expect(tables(db)).not.toContain('half_done');
    db.close();
  });
});
