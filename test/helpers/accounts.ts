// kiosk-config accounts for tests, with known secrets and cheap scrypt
// parameters: two administrators and a clerk. `signed()` gives the flags and
// the stdin a kioskctl command needs to act as them (--secret-stdin).
import { currentPolicy, hashPin } from '../../app/core/auth';

export const SECRETS = {
  'anna-it': 'anna-it-password-2026',
  'piotr-it': 'piotr-it-password-2026',
  'ewa-clerk': '246813',
} as const;

export type TestAccountId = keyof typeof SECRETS;

const CHEAP = { ln: 4, r: 8, p: 1 };

export const TEST_ACCOUNTS = [
  { id: 'anna-it', name: 'Anna Informatyk', role: 'admin', pinHash: await hashPin(SECRETS['anna-it'], CHEAP, currentPolicy('admin')) },
  { id: 'piotr-it', name: 'Piotr Nowak (IT)', role: 'admin', pinHash: await hashPin(SECRETS['piotr-it'], CHEAP, currentPolicy('admin')) },
  { id: 'ewa-clerk', name: 'Ewa Sekretarz', role: 'clerk', pinHash: await hashPin(SECRETS['ewa-clerk'], CHEAP, currentPolicy('clerk')) },
] as const;

/** `--account A [--approver B] --secret-stdin` and the stdin that proves them. */
export function signed(account: TestAccountId, approver?: TestAccountId): { args: string[]; input: string } {
  return {
    args: ['--account', account, ...(approver ? ['--approver', approver] : []), '--secret-stdin'],
    input: [SECRETS[account], ...(approver ? [SECRETS[approver]] : [])].join('\n') + '\n',
  };
}
