// Clerk and admin authentication on the kiosk: scrypt-hashed secrets,
// lockout after repeated failures with a back-off that rises with each
// lockout, kept per account where a restart cannot forget it (lockouts.ts),
// timed on the monotonic clock so a wall clock set back cannot stretch it,
// every attempt reported.
import { DEFAULT_SCRYPT, parsePinHash, verifyPin } from './pin-hash';
import type { Account } from './accounts';
import type { Role } from './policy';
import { acceptableEntry, SECRET_MAX } from './policy';
import { MemoryLockoutStore, UNKNOWN_IDS_KEPT, type LockoutState, type LockoutStore } from './lockouts';

export const MAX_FAILURES = 5;
/** The first lockout; each further one without a success in between doubles it… */
export const LOCKOUT_MS = 5 * 60 * 1000;
/** …up to an hour: 5 guesses an hour at most, while a clerk who forgot the PIN waits no longer than that. */
export const MAX_LOCKOUT_MS = 60 * 60 * 1000;

/** How long the `n`th lockout (1, 2, …) since the last success lasts: 5, 10, 20, 40, 60, 60… minutes. */
export function lockoutMs(n: number): number {
  return Math.min(LOCKOUT_MS * 2 ** Math.max(0, Math.min(n - 1, 30)), MAX_LOCKOUT_MS);
}

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
  /** Milliseconds since the epoch; a SimulatedClock's `now` in tests. Lockouts are stored in this time. */
  readonly now?: () => number;
  /**
   * Monotonic milliseconds (performance.now by default; `now` when only that is
   * given, as a SimulatedClock in tests): a lockout lasts its minutes of real
   * time whatever the wall clock does meanwhile.
   */
  readonly monotonic?: () => number;
  /** Receives every attempt's outcome. Data never holds the secret. */
  readonly onEvent?: (type: AuthEventType, data: Record<string, unknown>) => void;
  /** Where failures and lockouts are kept: the catalog on a kiosk (createKioskAuth); memory by default. */
  readonly lockouts?: LockoutStore;
}

// Verified against for unknown ids and malformed secrets, so they cost as
// much time as a real check and do not reveal which ids exist.
function decoyHash(like: string | undefined): string {
  const params = (like ? parsePinHash(like)?.params : undefined) ?? DEFAULT_SCRYPT;
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${'A'.repeat(22)}==$${'A'.repeat(43)}=`;
}

/** Ids are at most 64 characters; a longer one is kept under a key no account can have. */
function keyOf(accountId: string): string {
  return accountId.length <= 64 ? accountId : `${accountId.slice(0, 64)}…`;
}

const NOTHING: LockoutState = { failures: 0, lockouts: 0, lockedUntil: null };

export class Auth {
  private readonly accounts: ReadonlyMap<string, Account>;
  private readonly now: () => number;
  private readonly monotonic: () => number;
  /**
   * When each lockout seen by this process ends on the monotonic clock, beside
   * the stored wall-clock end it stands for (a new lockout replaces it).
   */
  private readonly deadlines = new Map<string, { readonly wallUntil: number; readonly monoUntil: number }>();
  private readonly onEvent: (type: AuthEventType, data: Record<string, unknown>) => void;
  private readonly store: LockoutStore;
  private readonly decoy: string;
  /** The attempt in progress per account: attempts on one account run one after another. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(options: AuthOptions) {
    this.accounts = new Map(options.accounts.map((a) => [a.id, a]));
    this.now = options.now ?? Date.now;
    this.monotonic = options.monotonic ?? (options.now ? options.now : () => performance.now());
    this.onEvent = options.onEvent ?? (() => undefined);
    this.store = options.lockouts ?? new MemoryLockoutStore();
    this.decoy = decoyHash(options.accounts[0]?.pinHash);
  }

  /** Seconds until `accountId` may try again; 0 when not locked. */
  lockedFor(accountId: string): number {
    const key = keyOf(accountId);
    const left = this.leftMs(key, this.store.get(key));
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  /** Milliseconds of `state`'s lockout still to run, on the monotonic clock. */
  private leftMs(key: string, state: LockoutState | undefined): number {
    if (state?.lockedUntil === null || state?.lockedUntil === undefined) {
      this.deadlines.delete(key);
      return 0;
    }
    let deadline = this.deadlines.get(key);
    if (deadline?.wallUntil !== state.lockedUntil) {
      // Earned before this process started: the stored wall time is all there
      // is, but a clock set back since cannot make it last longer than the
      // lockout itself (nor set forward, shorter than what is left by it).
      const wallLeft = Math.min(Math.max(0, state.lockedUntil - this.now()), lockoutMs(Math.max(1, state.lockouts)));
      deadline = { wallUntil: state.lockedUntil, monoUntil: this.monotonic() + wallLeft };
      this.remember(key, deadline);
    }
    return deadline.monoUntil - this.monotonic();
  }

  private remember(key: string, deadline: { readonly wallUntil: number; readonly monoUntil: number }): void {
    // Bounded like the store: ended lockouts are forgotten first when ids typed at the keypad pile up.
    if (!this.deadlines.has(key) && this.deadlines.size >= 4 * UNKNOWN_IDS_KEPT) {
      const mono = this.monotonic();
      for (const [k, d] of this.deadlines) if (d.monoUntil <= mono) this.deadlines.delete(k);
      if (this.deadlines.size >= 4 * UNKNOWN_IDS_KEPT) this.deadlines.clear();
    }
    this.deadlines.set(key, deadline);
  }

  /**
   * Checks `secret` for `accountId`. `context` (e.g. purpose, session id) is
   * added to the logged event. Never throws for a wrong or malformed secret;
   * rejects when the attempt cannot be recorded (the caller refuses it).
   * Attempts on one account are taken one at a time, so a burst of them
   * cannot all be checked before the first failures lock the account.
   */
  attempt(accountId: string, secret: string, context: Record<string, unknown> = {}): Promise<AuthVerdict> {
    const key = keyOf(accountId);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(() => this.attemptNow(key, accountId, secret, context));
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }

  private async attemptNow(key: string, accountId: string, secret: string, context: Record<string, unknown>): Promise<AuthVerdict> {
    const base = { ...context, accountId: accountId.slice(0, 64) };
    const lockedFor = this.lockedFor(accountId);
    if (lockedFor > 0) {
      this.onEvent('auth.failure', { ...base, reason: 'locked', retryAfterSec: lockedFor });
      return { ok: false, reason: 'locked', retryAfterSec: lockedFor };
    }

    const account = this.accounts.get(accountId);
    const wellFormed = account ? acceptableEntry(account.role, account.pinHash, secret) : secret.length > 0 && secret.length <= SECRET_MAX;
    // Always pay for one scrypt, whatever the outcome, so timing says nothing.
    const matches = await verifyPin(account && wellFormed ? account.pinHash : this.decoy, secret.slice(0, SECRET_MAX));

    if (account && wellFormed && matches) {
      this.store.clear(key);
      this.deadlines.delete(key);
      const who = { id: account.id, name: account.name, role: account.role };
      this.onEvent('auth.success', { ...base, role: account.role });
      return { ok: true, account: who };
    }
    const reason: AuthFailureReason = !account ? 'unknown-account' : !wellFormed ? 'malformed' : 'wrong-pin';
    return this.fail(key, !!account, reason, base);
  }

  private fail(key: string, known: boolean, reason: AuthFailureReason, base: Record<string, unknown>): AuthVerdict {
    const now = this.now();
    const before = this.store.get(key) ?? NOTHING;
    // A lockout that has run out leaves its step behind (the next one is longer) but not its failures.
    const expired = before.lockedUntil !== null && this.leftMs(key, before) <= 0;
    const failures = (expired ? 0 : before.failures) + 1;
    if (failures < MAX_FAILURES) {
      // Recorded (and committed) before the verdict is told: a guesser learns nothing a restart would forget.
      this.store.put(key, { failures, lockouts: before.lockouts, lockedUntil: null }, known, now);
      this.onEvent('auth.failure', { ...base, reason, consecutiveFailures: failures });
      return { ok: false, reason };
    }
    const lockouts = before.lockouts + 1;
    const ms = lockoutMs(lockouts);
    const lockedUntil = now + ms;
    this.store.put(key, { failures, lockouts, lockedUntil }, known, now);
    this.remember(key, { wallUntil: lockedUntil, monoUntil: this.monotonic() + ms });
    this.onEvent('auth.failure', { ...base, reason, consecutiveFailures: failures });
    const retryAfterSec = Math.ceil(ms / 1000);
    this.onEvent('auth.lockout', { ...base, lockedUntil: new Date(lockedUntil).toISOString(), retryAfterSec, lockouts });
    return { ok: false, reason: 'locked', retryAfterSec };
  }
}
