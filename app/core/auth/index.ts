// Clerk and admin authentication: scrypt secrets under a policy, lockouts kept
// in the catalog with a rising back-off, logged attempts.
export { Auth, LOCKOUT_MS, MAX_FAILURES, MAX_LOCKOUT_MS, lockoutMs } from './auth';
export type { AuthEventType, AuthFailureReason, AuthOptions, AuthVerdict, AuthenticatedAccount } from './auth';
export { parseAccounts } from './accounts';
export type { Account } from './accounts';
export { DEFAULT_SCRYPT, hashPin, parsePinHash, verifyPin } from './pin-hash';
export type { HashPolicy, ParsedPinHash, ScryptParams } from './pin-hash';
export { ADMIN_PASSWORD_MIN, CLERK_PIN, CLERK_PIN_MIN, checkSecretPolicy, currentPolicy, hashPolicyProblem } from './policy';
export { LOCKOUT_SCHEMA_SQL, MemoryLockoutStore, SqliteLockoutStore, UNKNOWN_IDS_KEPT } from './lockouts';
export type { LockoutState, LockoutStore } from './lockouts';
export type { Role } from './policy';
export { makeAccountPinHash } from './config-hash';
export { createKioskAuth } from './kiosk-auth';
