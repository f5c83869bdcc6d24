// Integrity checks of the store and the catalog (DC-4, Q-3).
export { verifyStore, type VerifyReport, type RecordingVerdictOut } from './verify-store';
