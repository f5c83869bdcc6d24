// The catalog: SQLite database, migrations, and queries over cases and recordings.
export { openDatabase, type CatalogDb } from './db';
export { migrate, MIGRATIONS, LATEST_VERSION, schemaVersion, type Migration } from './migrations';
export { listRecordings } from './recordings-query';
