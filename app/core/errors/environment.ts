// The machine's faults, told apart from the data's: a full disk, an I/O error
// or a permission refused is the kiosk's environment (exit 2, rule `env.*`,
// naming the path), never a carrier's bad hash or a BagIt rule.
import { problem } from '../../shared/problem';
import { KioskError } from './index';

const RULES: Readonly<Record<string, { rule: string; what: string }>> = {
  ENOSPC: { rule: 'env.no-space', what: 'no space left on the device' },
  EDQUOT: { rule: 'env.no-space', what: 'disk quota exceeded' },
  EIO: { rule: 'env.io', what: 'input/output error' },
  EACCES: { rule: 'env.permission', what: 'permission denied' },
  EPERM: { rule: 'env.permission', what: 'operation not permitted' },
  EROFS: { rule: 'env.read-only', what: 'read-only file system' },
  EMFILE: { rule: 'env.too-many-files', what: 'too many open files' },
  SQLITE_FULL: { rule: 'env.no-space', what: 'the catalog database is full (no space left on the device)' },
  SQLITE_IOERR: { rule: 'env.io', what: 'the catalog database had an input/output error' },
  SQLITE_READONLY: { rule: 'env.read-only', what: 'the catalog database is read-only' },
  SQLITE_CANTOPEN: { rule: 'env.permission', what: 'the catalog database cannot be opened' },
};

function codeOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null || !('code' in e)) return undefined;
  const c = (e as { code: unknown }).code;
  if (typeof c !== 'string') return undefined;
  // better-sqlite3 reports extended codes (SQLITE_IOERR_WRITE, SQLITE_FULL…): the family names the rule.
  return Object.keys(RULES).find((k) => c === k || c.startsWith(`${k}_`));
}

/** The environment rule of an error, if it is one (ENOSPC, EIO, EACCES, SQLITE_FULL…). */
export function environmentRule(e: unknown): string | undefined {
  const c = codeOf(e);
  return c === undefined ? undefined : RULES[c]!.rule;
}

/** The error as an environment KioskError when it is one (already mapped, or a system error such as ENOSPC); else undefined. */
export function asEnvironmentError(e: unknown): KioskError | undefined {
  if (e instanceof KioskError) return e.code === 'environment' ? e : undefined;
  return environmentError(e);
}

/** A KioskError('environment') for a system error, naming the path; undefined for anything else. */
export function environmentError(e: unknown, fallbackPath?: string): KioskError | undefined {
  const c = codeOf(e);
  if (c === undefined) return undefined;
  const r = RULES[c]!;
  const where = (e as { path?: unknown }).path;
  const file = typeof where === 'string' ? where : (fallbackPath ?? '(data directory)');
  return new KioskError('environment', `${file}: ${r.what}`, [problem(file, r.rule, r.what)]);
}
