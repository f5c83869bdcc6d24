// Carriers (USB drives, SD cards, discs): finding packages on them and
// checking them safely. Import validation layer 1 lives here; the crp/1
// profile and recordings.json are checked by the layers above.
export {
  validateBag,
  type BagReport,
  type BagFileInfo,
  type ValidateBagOptions,
  type DigestAlgorithm,
  ALGORITHMS,
  DEFAULT_MAX_MANIFEST_ENTRIES,
  DEFAULT_MAX_LINE_BYTES,
} from './bagit';
export { BagWriter, type PayloadWritten, type FinishOptions } from './bagit';
export {
  findPackages,
  scanCarrier,
  type FoundPackage,
  type PackageKind,
  type RefusedFolder,
  type CarrierScan,
  type ScanOptions,
  DEFAULT_MAX_DEPTH,
} from './find-packages';
export { STAGING_PREFIX, isIncompleteExport, incompleteExportProblem } from './incomplete-export';
export { parseSha256Sums, SHA256SUMS, type Sha256Sums, type Sha256SumsEntry, type Sha256SumsOptions } from './sha256sums';
export { DEFAULT_READ_TIMEOUT_MS } from './safe-fs';
