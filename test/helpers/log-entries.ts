// The viewing log's entries of one type, read straight from a data directory's
// catalog (read-only, beside a running service): what browser tests check
// after driving the screens.
import path from 'node:path';
import Database from 'better-sqlite3';

export function logEntries(dataDir: string, type: string): Array<Record<string, unknown>> {
  const db = new Database(path.join(dataDir, 'catalog.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT entry FROM viewing_log ORDER BY seq').pluck().all() as string[])
      .map((e) => JSON.parse(e) as { type: string; data: Record<string, unknown> })
      .filter((e) => e.type === type)
      .map((e) => e.data);
  } finally {
    db.close();
  }
}
