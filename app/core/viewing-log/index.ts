// The viewing log (DC-6): tamper-evident record of every viewing.
export { VIEWING_LOG_SCHEMA_SQL, ViewingLog, hmacSha256 } from './log-store';
export type { LogEntry, VerifyOptions, VerifyResult, ViewingLogOptions } from './log-store';
export {
  CheckpointError,
  ed25519Signer,
  generateEd25519Signer,
  parseCheckpointBody,
  parseVerifierKey,
  signCheckpoint,
  verifierKey,
  verifyCheckpoint,
  verifyDeviceCheckpoint,
} from './checkpoint';
export type { Checkpoint, CheckpointSigner } from './checkpoint';
export { EMPTY_ROOT, leafHash, nodeHash, verifyConsistency, verifyInclusion } from './merkle';
