// For `kioskctl` (wired by the integrator): turns a typed secret into the
// `pinHash` string of an account in the config, refusing secrets that break
// the policy for the account's role.
import { KioskError } from '../errors';
import { DEFAULT_SCRYPT, hashPin, type ScryptParams } from './pin-hash';
import { checkSecretPolicy, type Role } from './policy';

export async function makeAccountPinHash(role: Role, secret: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const problems = checkSecretPolicy(role, secret, 'kioskctl');
  if (problems.length > 0) {
    throw new KioskError('invalid-input', problems.map((p) => p.message).join('; '), problems);
  }
  return hashPin(secret, params);
}
