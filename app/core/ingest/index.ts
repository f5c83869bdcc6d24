// Import: one pipeline (validate in layers, copy once, commit once) for
// carriers, plain folders and the TIS.
export { importPath, checkPath, type ImportResult, type CheckOptions } from './import-path';
export { validatePackage, type PackageCheck, type PartCheck } from './validate-package';
export { ingestPackage } from './ingest-package';
export { importPlainFolder, UNASSIGNED_CASE } from './plain-folder';
export { openCarrierFile, type CarrierFile } from './carrier-read';
export { type ImportProgress, type ProgressListener } from './progress';
export { type IngestContext, type ImportedRecording, type PackageOutcome, type ProtocolVerifier } from './context';
export { ingestContextFor, trustedDevicesOf } from './kiosk-context';
export { requireSource, sourceRefusal, IMPORT_SOURCE_RULE, type ImportSource } from './import-sources';
