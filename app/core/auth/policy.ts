// What a secret must look like. Clerks type a PIN on the kiosk's touch keypad:
// 6–12 digits (a 4-digit PIN falls to its 10,000 guesses in a few hours of
// CPU once a config is copied). Admins hold the keys to provisioning and log
// export, and type on a keyboard at a clerk station: a password of at least
// 10 characters (any characters, at most 128).
//
// The policy binds every account in kiosk-config: `kioskctl pin-hash` refuses
// a shorter secret and records the policy in the hash, `kioskctl config check`
// (and every start) refuses a hash that does not record a policy at least this
// strict, and sign-in refuses a typed secret below its hash's policy. The
// demo's accounts (PIN 1234) come only with `--demo`, never from kiosk-config,
// and are the one exemption.
import type { Problem } from '../../shared/problem';
import { problem } from '../../shared/problem';
import { parsePinHash, type HashPolicy, type SecretRole } from './pin-hash';

export type Role = SecretRole;

export const CLERK_PIN_MIN = 6;
export const CLERK_PIN_MAX = 12;
/** A clerk PIN under the policy: 6 to 12 digits. */
export const CLERK_PIN = new RegExp(`^[0-9]{${CLERK_PIN_MIN},${CLERK_PIN_MAX}}$`);
/** What the PIN pad takes at all: digits, 4 to 12 (the demo's 1234 included); the account's hash decides the rest. */
export const PIN_PAD_ENTRY = new RegExp(`^[0-9]{4,${CLERK_PIN_MAX}}$`);
export const ADMIN_PASSWORD_MIN = 10;
export const SECRET_MAX = 128;

/** The policy in force for a role: what `kioskctl pin-hash` records in the hash. */
export function currentPolicy(role: Role): HashPolicy {
  return { role, min: role === 'clerk' ? CLERK_PIN_MIN : ADMIN_PASSWORD_MIN };
}

const RULE: Readonly<Record<Role, string>> = { clerk: 'auth.pin.policy', admin: 'auth.password.policy' };
const WHAT: Readonly<Record<Role, string>> = {
  clerk: `a clerk PIN is ${CLERK_PIN_MIN} to ${CLERK_PIN_MAX} digits`,
  admin: `an admin password is ${ADMIN_PASSWORD_MIN} to ${SECRET_MAX} characters`,
};

/** Problems with a secret for `role`; empty when it is acceptable. Never echoes the secret. */
export function checkSecretPolicy(role: Role, secret: string, file = 'kiosk-config'): Problem[] {
  switch (role) {
    case 'clerk':
      return CLERK_PIN.test(secret) ? [] : [problem(file, RULE.clerk, WHAT.clerk, 'pin')];
    case 'admin': {
      const length = [...secret].length;
      return length >= ADMIN_PASSWORD_MIN && length <= SECRET_MAX ? [] : [problem(file, RULE.admin, WHAT.admin, 'password')];
    }
    default: {
      const never: never = role;
      throw new Error(`unknown role ${String(never)}`);
    }
  }
}

/**
 * Why an account's stored hash does not meet the policy for its role, or null
 * when it does (or when the hash is malformed, which the schema reports).
 * A hash says nothing about its secret's length, so only the policy it
 * records can be checked: a hash without one is refused, and must be made
 * again with `kioskctl pin-hash`.
 */
export function hashPolicyProblem(role: Role, pinHash: string): { rule: string; message: string } | null {
  const parsed = parsePinHash(pinHash);
  if (!parsed) return null;
  const again = `make it again with \`kioskctl pin-hash --role ${role}\``;
  const p = parsed.policy;
  if (!p) return { rule: RULE[role], message: `${WHAT[role]}, and this hash does not record the policy it was made under; ${again}` };
  if (p.role !== role) return { rule: RULE[role], message: `this hash was made for an ${p.role === 'admin' ? 'admin password' : 'clerk PIN'}, not for a ${role}; ${again}` };
  const need = currentPolicy(role).min;
  if (p.min < need) return { rule: RULE[role], message: `${WHAT[role]}; this hash was made when ${p.min} were enough; ${again}` };
  return null;
}

/**
 * Whether a typed secret may be checked against an account's hash at all:
 * the PIN pad's format for a clerk, and no shorter than the policy the hash
 * records. A secret that fails is refused as malformed, and counts.
 */
export function acceptableEntry(role: Role, pinHash: string, secret: string): boolean {
  if (secret.length === 0 || secret.length > SECRET_MAX) return false;
  if (role === 'clerk' && !PIN_PAD_ENTRY.test(secret)) return false;
  const p = parsePinHash(pinHash)?.policy;
  return !p || [...secret].length >= p.min;
}
