// Two-person rule for an export started on the administrator screen: an
// administrator and a second, different person (clerk or administrator) each
// enter their own PIN before the first byte is written. Every refusal (the
// same person twice, a wrong PIN, a locked or unknown account, a first person
// who is not an administrator) is an entry of the viewing log, as is the approval.
import type { Auth, AuthenticatedAccount } from '../auth';
import { KioskError } from '../errors';
import type { Kiosk } from '../kiosk';
import { problem } from '../../shared/problem';

export interface PinEntry {
  readonly accountId: string;
  readonly pin: string;
}

export interface TwoPersonApproval {
  readonly admin: AuthenticatedAccount;
  readonly second: AuthenticatedAccount;
  readonly at: string;
}

export type ApprovalRefusal = 'same-person' | 'first-not-admin' | 'first-failed' | 'second-failed';

export { createKioskAuth } from '../auth';

export async function approveTwoPersons(
  kiosk: Kiosk,
  auth: Auth,
  first: PinEntry,
  second: PinEntry,
  context: Record<string, unknown> = {},
): Promise<TwoPersonApproval> {
  const refuse = (reason: ApprovalRefusal, message: string, extra: Record<string, unknown> = {}): never => {
    kiosk.log.append('export.approval.refused', { ...context, reason, first: first.accountId.slice(0, 64), second: second.accountId.slice(0, 64), ...extra });
    throw new KioskError('refused', message, [problem('export', `export.approval.${reason}`, message)]);
  };
  if (first.accountId.trim() === second.accountId.trim()) {
    refuse('same-person', 'an export needs two different people: the same account cannot approve twice');
  }
  const ctx = { ...context, purpose: 'export-approval' };
  const a = await auth.attempt(first.accountId, first.pin, ctx);
  if (!a.ok) refuse('first-failed', `the administrator's PIN was not accepted (${a.reason})`, { failure: a.reason });
  const admin = (a as Extract<typeof a, { ok: true }>).account;
  if (admin.role !== 'admin') refuse('first-not-admin', `${admin.id} is not an administrator; the first approver of an export must be`);
  const b = await auth.attempt(second.accountId, second.pin, ctx);
  if (!b.ok) refuse('second-failed', `the second person's PIN was not accepted (${b.reason})`, { failure: b.reason });
  const other = (b as Extract<typeof b, { ok: true }>).account;
  // Two account ids can never be one person here, but ids differing only by spacing were caught above.
  if (other.id === admin.id) refuse('same-person', 'an export needs two different people: the same account cannot approve twice');
  const at = new Date().toISOString();
  kiosk.log.append('export.approval', { ...context, admin: admin.id, second: other.id, secondRole: other.role });
  return { admin, second: other, at };
}
