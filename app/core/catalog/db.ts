// Opening the catalog: real SQLite on disk, WAL with synchronous=FULL so an
// acknowledged write survives a power cut (Q-1, DC-6).
import Database from 'better-sqlite3';
import { migrate } from './migrations';

export type CatalogDb = Database.Database;

export function openDatabase(file: string, opts: { readonly?: boolean; migrate?: boolean } = {}): CatalogDb {
  const db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
  }
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (opts.migrate ?? !opts.readonly) migrate(db);
  return db;
}
