// BagIt (RFC 8493) for carriers: the strict validator (import layer 1) and
// the streaming writer (export, demo carriers).
export {
  validateBag,
  type BagReport,
  type BagFileInfo,
  type ValidateBagOptions,
  type DigestAlgorithm,
  DEFAULT_MAX_MANIFEST_ENTRIES,
  DEFAULT_MAX_LINE_BYTES,
} from './validate';
export { ALGORITHMS } from './algorithms';
export { BagWriter, type PayloadWritten, type FinishOptions } from './writer';
