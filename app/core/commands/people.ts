// People, not names: a data-changing command that records who acted (export,
// purge, complete, release, fetch) names a kiosk-config account and proves it
// with that account's PIN or password, checked by the same Auth as the PIN pad
// (so wrong secrets count toward the same lockout, and every attempt is
// logged). Export, purge and the device key's moves need a second, different person. Every refusal is
// a `command.refused` log entry and exit 1; what the command records is the
// account's id and name from kiosk-config, never a typed name.
import { z } from 'zod';
import type { Auth, AuthenticatedAccount, Role } from '../auth';
import { KioskError } from '../errors';
import type { Kiosk } from '../kiosk';
import { problem } from '../../shared/problem';

export const CredentialSchema = z.object({ accountId: z.string().max(64), secret: z.string().max(128) }).strict();
export type Credential = z.infer<typeof CredentialSchema>;

export interface PeopleRule {
  /** Roles the acting account may have. */
  readonly roles: readonly Role[];
  /** A second, different account must approve (export, purge). */
  readonly approver: boolean;
}

export const PEOPLE_RULES = {
  export: { roles: ['admin'], approver: true },
  purge: { roles: ['admin'], approver: true },
  complete: { roles: ['clerk', 'admin'], approver: false },
  release: { roles: ['clerk', 'admin'], approver: false },
  fetch: { roles: ['admin'], approver: false },
  'device.key.export': { roles: ['admin'], approver: true },
  'device.rekey': { roles: ['admin'], approver: true },
  'device.key.restore': { roles: ['admin'], approver: true },
} as const satisfies Record<string, PeopleRule>;

export type PeopleCommand = keyof typeof PEOPLE_RULES;

export type PeopleRefusal = 'no-account' | 'no-approver' | 'same-person' | 'account-failed' | 'approver-failed' | 'role';

export interface People {
  readonly account: AuthenticatedAccount;
  readonly approver: AuthenticatedAccount | null;
}

/** How an account is written where a name used to be typed: the name from kiosk-config and the id. */
export const personLabel = (a: AuthenticatedAccount): string => `${a.name} (${a.id})`;

/** The account as log entries carry it. */
export const personEntry = (a: AuthenticatedAccount): { id: string; name: string; role: Role } => ({ id: a.id, name: a.name, role: a.role });

export async function authenticatePeople(
  kiosk: Kiosk,
  auth: Auth,
  command: PeopleCommand,
  account: Credential | null,
  approver: Credential | null,
): Promise<People> {
  const rule: PeopleRule = PEOPLE_RULES[command];
  const refuse = (reason: PeopleRefusal, message: string, field: string, extra: Record<string, unknown> = {}): never => {
    kiosk.log.append('command.refused', {
      command, reason, account: account?.accountId.slice(0, 64) ?? null, approver: approver?.accountId.slice(0, 64) ?? null, ...extra,
    });
    throw new KioskError('refused', message, [problem('kioskctl', `command.people.${reason}`, message, field)]);
  };
  if (!account || !account.accountId.trim()) return refuse('no-account', `${command} needs --account ID: who acts is an authenticated account, never a typed name`, '--account');
  if (rule.approver && (!approver || !approver.accountId.trim())) return refuse('no-approver', `${command} needs a second person: --approver ID, a different account`, '--approver');
  if (rule.approver && approver && approver.accountId.trim() === account.accountId.trim())
    return refuse('same-person', `${command} needs two different people: --approver cannot be --account`, '--approver');
  const context = { purpose: `kioskctl ${command}` };
  const a = await auth.attempt(account.accountId, account.secret, context);
  if (!a.ok) return refuse('account-failed', `the PIN or password of ${account.accountId} was not accepted (${a.reason})`, '--account', { failure: a.reason });
  if (!rule.roles.includes(a.account.role))
    return refuse('role', `${a.account.id} is a ${a.account.role}; ${command} is for ${rule.roles.join(' or ')}`, '--account');
  if (!rule.approver || !approver) return { account: a.account, approver: null };
  const b = await auth.attempt(approver.accountId, approver.secret, context);
  if (!b.ok) return refuse('approver-failed', `the PIN or password of ${approver.accountId} was not accepted (${b.reason})`, '--approver', { failure: b.reason });
  return { account: a.account, approver: b.account };
}
