// Clerk and admin authentication on the kiosk: scrypt-hashed secrets,
// lockout after repeated failures, every attempt reported.
import { DEFAULT_SCRYPT, parsePinHash, verifyPin } from './pin-hash';
import type { Account } from './accounts';
import type { Role } from './policy';
import { CLERK_PIN, SECRET_MAX } from './policy';

export const MAX_FAILURES = 5;
export const LOCKOUT_MS = 5 * 60 * 1000;

export type AuthEventType = 'auth.success' | 'auth.failure' | 'auth.lockout';
/** `fault`: the attempt could not be logged (disk full, I/O error), so it is refused. */
export type AuthFailureReason = 'wrong-pin' | 'unknown-account' | 'locked' | 'malformed' | 'fault';

export interface AuthenticatedAccount {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
}

export type AuthVerdict =
  | { readonly ok: true; readonly account: AuthenticatedAccount }
  | { readonly ok: false; readonly reason: AuthFailureReason; readonly retryAfterSec?: number };

export interface AuthOptions {
  readonly accounts: readonly Account[];
  /**
   * Monotonic milliseconds (performance.now by default; a SimulatedClock's
   * `now` in tests): a lockout lasts its 300 s of real time whatever the wall
   * clock does meanwhile.
   */
  readonly now?: () => number;
  /** Receives every attempt's outcome. Data never holds the secret. */
  readonly onEvent?: (type: AuthEventType, data: Record<string, unknown>) => void;
}

interface FailureState {
  count: number;
  lockedUntil: number | null;
}

// Verified against for unknown ids and malformed secrets, so they cost as
// much time as a real check and do not reveal which ids exist.
function decoyHash(like: string | undefined): string {
  const params = (like ? parsePinHash(like)?.params : undefined) ?? DEFAULT_SCRYPT;
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${'A'.repeat(22)}==$${'A'.repeat(43)}=`;
}

export class Auth {
  private readonly accounts: ReadonlyMap<string, Account>;
  private readonly now: () => number;
  private readonly onEvent: (type: AuthEventType, data: Record<string, unknown>) => void;
  private readonly failures = new Map<string, FailureState>();
  private readonly decoy: string;

  constructor(options: AuthOptions) {
    this.accounts = new Map(options.accounts.map((a) => [a.id, a]));
    this.now = options.now ?? (() => performance.now());
    this.onEvent = options.onEvent ?? (() => undefined);
    this.decoy = decoyHash(options.accounts[0]?.pinHash);
  }

  /** Seconds until `accountId` may try again; 0 when not locked. */
  lockedFor(accountId: string): number {
    const until = this.failures.get(accountId)?.lockedUntil ?? null;
    if (until === null) return 0;
    const left = until - this.now();
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  /**
   * Checks `secret` for `accountId`. `context` (e.g. purpose, session id) is
   * added to the logged event. Never throws for a wrong or malformed secret.
   */
  async attempt(accountId: string, secret: string, context: Record<string, unknown> = {}): Promise<AuthVerdict> {
    const base = { ...context, accountId: accountId.slice(0, 64) };
    const lockedFor = this.lockedFor(accountId);
    if (lockedFor > 0) {
      this.onEvent('auth.failure', { ...base, reason: 'locked', retryAfterSec: lockedFor });
      return { ok: false, reason: 'locked', retryAfterSec: lockedFor };
    }
    this.expireLock(accountId);

    const account = this.accounts.get(accountId);
    const wellFormed = secret.length > 0 && secret.length <= SECRET_MAX && (account?.role !== 'clerk' || CLERK_PIN.test(secret));
    // Always pay for one scrypt, whatever the outcome, so timing says nothing.
    const matches = await verifyPin(account && wellFormed ? account.pinHash : this.decoy, secret.slice(0, SECRET_MAX));

    if (account && wellFormed && matches) {
      this.failures.delete(accountId);
      const who = { id: account.id, name: account.name, role: account.role };
      this.onEvent('auth.success', { ...base, role: account.role });
      return { ok: true, account: who };
    }
    const reason: AuthFailureReason = !account ? 'unknown-account' : !wellFormed ? 'malformed' : 'wrong-pin';
    return this.fail(accountId, reason, base);
  }

  private expireLock(accountId: string): void {
    const state = this.failures.get(accountId);
    if (state?.lockedUntil !== null && state?.lockedUntil !== undefined && state.lockedUntil <= this.now()) {
      this.failures.delete(accountId);
    }
  }

  private fail(accountId: string, reason: AuthFailureReason, base: Record<string, unknown>): AuthVerdict {
    // Concurrent attempts may have locked the account while we hashed.
    const already = this.lockedFor(accountId);
    if (already > 0) {
      this.onEvent('auth.failure', { ...base, reason: 'locked', retryAfterSec: already });
      return { ok: false, reason: 'locked', retryAfterSec: already };
    }
    const state = this.failures.get(accountId) ?? { count: 0, lockedUntil: null };
    state.count += 1;
    // Bound the map: unknown ids typed at the keypad must not grow it forever.
    if (!this.failures.has(accountId) && this.failures.size >= 1000) this.failures.clear();
    this.failures.set(accountId, state);
    this.onEvent('auth.failure', { ...base, reason, consecutiveFailures: state.count });
    if (state.count >= MAX_FAILURES) {
      state.lockedUntil = this.now() + LOCKOUT_MS;
      const retryAfterSec = LOCKOUT_MS / 1000;
      // The log says until when on the wall clock; the lock itself runs on the monotonic one.
      this.onEvent('auth.lockout', { ...base, lockedUntil: new Date(Date.now() + LOCKOUT_MS).toISOString(), retryAfterSec });
      return { ok: false, reason: 'locked', retryAfterSec };
    }
    return { ok: false, reason };
  }
}
