// For `kioskctl` (wired by the integrator): turns a typed secret into the
// `pinHash` string of an account in the config, refusing secrets that break
// the policy for the account's role, and records that policy in the hash so
// `kioskctl config check` can tell a 6-digit PIN's hash from a 4-digit one's.
import { KioskError } from '../errors';
import { DEFAULT_SCRYPT, hashPin, type ScryptParams } from './pin-hash';
import { checkSecretPolicy, currentPolicy, type Role } from './policy';

export async function makeAccountPinHash(role: Role, secret: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const problems = checkSecretPolicy(role, secret, 'kioskctl');
  if (problems.length > 0) {
    throw new KioskError('invalid-input', problems.map((p) => p.message).join('; '), problems);
  }
  return hashPin(secret, params, currentPolicy(role));
}
