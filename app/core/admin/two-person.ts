// The two-person rule for exports (issue 9, PL-9): an administrator and a
// second, different clerk or administrator each prove who they are before an
// export starts. Every refusal is written to the viewing log (DC-6), so the
// court can see who tried to take data off the kiosk, and when.
import type { AuthenticatedAccount, AuthVerdict } from '../auth';
import { TWO_PERSON_RULES, type ExportPerson } from '../../shared/admin-contract';
import { problem, type Problem } from '../../shared/problem';

export interface TwoPersonAuth {
  attempt(accountId: string, secret: string, context?: Record<string, unknown>): Promise<AuthVerdict>;
}

export interface TwoPersonLog {
  append(type: string, data: Record<string, unknown>): { seq: number };
}

export type TwoPersonVerdict =
  | { readonly ok: true; readonly approvers: readonly [AuthenticatedAccount, AuthenticatedAccount]; readonly logSeq: number }
  | { readonly ok: false; readonly problem: Problem; readonly logSeq: number };

const FILE = 'admin/export';

/**
 * Checks both people. The same account twice is refused before any PIN is
 * tried (no lockout counter burnt on a procedural mistake); the first must be
 * an administrator. `context` (case, target, signed-in admin) goes into every
 * log entry, never a secret.
 */
export async function approveTwoPersons(
  auth: TwoPersonAuth,
  log: TwoPersonLog,
  first: ExportPerson,
  second: ExportPerson,
  context: Record<string, unknown> = {},
): Promise<TwoPersonVerdict> {
  const who = { first: first.accountId.slice(0, 64), second: second.accountId.slice(0, 64) };
  const refuse = (p: Problem): TwoPersonVerdict => {
    const { seq } = log.append('export.refused', { ...context, ...who, rule: p.rule, field: p.field ?? null, reason: p.message });
    return { ok: false, problem: p, logSeq: seq };
  };
  if (first.accountId.trim().toLowerCase() === second.accountId.trim().toLowerCase()) {
    return refuse(problem(FILE, TWO_PERSON_RULES.same, 'the export needs two different people; the same account was given twice', 'second.accountId'));
  }
  const check = async (p: ExportPerson, field: 'first' | 'second'): Promise<AuthenticatedAccount | Problem> => {
    const v = await auth.attempt(p.accountId, p.secret, { ...context, purpose: 'export', approver: field });
    if (v.ok) return v.account;
    if (v.reason === 'locked') return problem(FILE, TWO_PERSON_RULES.locked, `account locked after repeated failures; retry in ${v.retryAfterSec ?? 0} s`, `${field}.accountId`);
    // One message for unknown account and wrong PIN: the screen must not reveal which ids exist.
    return problem(FILE, TWO_PERSON_RULES.auth, 'account or PIN not accepted', `${field}.secret`);
  };
  const a = await check(first, 'first');
  if ('rule' in a) return refuse(a);
  if (a.role !== 'admin') return refuse(problem(FILE, TWO_PERSON_RULES.role, 'the first person must be an administrator', 'first.accountId'));
  const b = await check(second, 'second');
  if ('rule' in b) return refuse(b);
  const { seq } = log.append('export.approved', { ...context, approvers: [a, b].map((x) => ({ id: x.id, name: x.name, role: x.role })) });
  return { ok: true, approvers: [a, b], logSeq: seq };
}
