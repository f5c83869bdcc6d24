// What a secret must look like before it is hashed into the config.
// Clerks type a PIN on the kiosk's touch keypad: 4–12 digits. Admins hold the
// keys to provisioning and log export, and type on a keyboard at a clerk
// station: a password of at least 10 characters (any characters, at most 128).
import type { Problem } from '../../shared/problem';
import { problem } from '../../shared/problem';

export type Role = 'clerk' | 'admin';

export const CLERK_PIN = /^[0-9]{4,12}$/;
export const ADMIN_PASSWORD_MIN = 10;
export const SECRET_MAX = 128;

/** Problems with a secret for `role`; empty when it is acceptable. Never echoes the secret. */
export function checkSecretPolicy(role: Role, secret: string, file = 'kiosk-config'): Problem[] {
  switch (role) {
    case 'clerk':
      return CLERK_PIN.test(secret)
        ? []
        : [problem(file, 'auth.pin.policy', 'a clerk PIN is 4 to 12 digits', 'pin')];
    case 'admin': {
      const length = [...secret].length;
      return length >= ADMIN_PASSWORD_MIN && length <= SECRET_MAX
        ? []
        : [problem(file, 'auth.password.policy', `an admin password is ${ADMIN_PASSWORD_MIN} to ${SECRET_MAX} characters`, 'password')];
    }
    default: {
      const never: never = role;
      throw new Error(`unknown role ${String(never)}`);
    }
  }
}
