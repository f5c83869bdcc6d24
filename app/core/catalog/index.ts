// The catalog: SQLite database, migrations, and queries over cases and recordings.
export { openDatabase, type CatalogDb } from './db';
export { migrate, MIGRATIONS, LATEST_VERSION, schemaVersion, type Migration } from './migrations';
export { listRecordings } from './recordings-query';
export { recordingMacInput, sealRecording, verifyRowMacs, type MacFn, type RowMacProblem } from './row-mac';
export {
  upsertCase, insertImport, insertObject, insertRecording, findRecording, recordIntegrityEvent,
  type CaseInput, type ImportInput, type RecordingInput, type PartInput, type AttachmentInput,
} from './record-writer';
export type { RecordingRow, ImportRow } from './rows';
