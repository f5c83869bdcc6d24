// Accounts as they come from the kiosk config: parsed once, here.
import { z } from 'zod';
import { KioskError } from '../errors';
import { problem } from '../../shared/problem';
import { parsePinHash } from './pin-hash';
import { hashPolicyProblem, type Role } from './policy';

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly pinHash: string;
}

const accountSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, dot, dash, underscore; 1–64'),
    name: z.string().trim().min(1).max(120),
    role: z.enum(['clerk', 'admin']),
    pinHash: z.string().refine((s) => parsePinHash(s) !== null, 'not a $scrypt$ln=…,r=…,p=…$salt$hash string'),
  })
  .strict()
  // The same secret policy as the config schema: the hash must record it (policy.ts).
  .superRefine((a, ctx) => {
    const p = hashPolicyProblem(a.role, a.pinHash);
    if (p) ctx.addIssue({ code: 'custom', path: ['pinHash'], message: p.message, params: { rule: p.rule } });
  });

/** Parses the `accounts` array of the config; throws a KioskError naming each bad field. */
export function parseAccounts(input: unknown, file = 'kiosk-config'): Account[] {
  const parsed = z.array(accountSchema).safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const own = i.code === 'custom' ? (i.params as { rule?: unknown } | undefined)?.rule : undefined;
      return problem(file, typeof own === 'string' ? own : 'auth.account.invalid', i.message, ['accounts', ...i.path.map(String)].join('.'));
    });
    throw new KioskError('config', `${file}: invalid accounts`, problems);
  }
  const seen = new Set<string>();
  for (const a of parsed.data) {
    if (seen.has(a.id)) {
      throw new KioskError('config', `${file}: account id ${a.id} appears twice`, [
        problem(file, 'auth.account.duplicate', `account id ${a.id} appears twice`, 'accounts'),
      ]);
    }
    seen.add(a.id);
  }
  return parsed.data;
}
