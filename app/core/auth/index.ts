// Clerk and admin authentication: scrypt secrets under a policy, lockout, logged attempts.
export { Auth, LOCKOUT_MS, MAX_FAILURES } from './auth';
export type { AuthEventType, AuthFailureReason, AuthOptions, AuthVerdict, AuthenticatedAccount } from './auth';
export { parseAccounts } from './accounts';
export type { Account } from './accounts';
export { DEFAULT_SCRYPT, hashPin, parsePinHash, verifyPin } from './pin-hash';
export type { HashPolicy, ParsedPinHash, ScryptParams } from './pin-hash';
export { ADMIN_PASSWORD_MIN, CLERK_PIN, CLERK_PIN_MIN, checkSecretPolicy, currentPolicy, hashPolicyProblem } from './policy';
export type { Role } from './policy';
export { makeAccountPinHash } from './config-hash';
export { createKioskAuth } from './kiosk-auth';
