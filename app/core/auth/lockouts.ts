// Failed sign-ins and lockouts, per account. On a kiosk they live in the
// catalog (table auth_lockouts, migration 0004), so a restart, a crash or a
// pulled plug does not hand a guesser a fresh five tries. Rows are kept per
// account and never flushed wholesale: ids typed at the keypad that no account
// has are kept too (so an unknown id behaves like a known one), but only the
// most recent UNKNOWN_IDS_KEPT of them, the oldest dropped one by one, and
// never a real account's row (a flood of made-up ids once cleared everything).
import type { Database } from 'better-sqlite3';

/** Owned here, applied by catalog migration 0004. */
export const LOCKOUT_SCHEMA_SQL = `
CREATE TABLE auth_lockouts (
  account_id    TEXT    PRIMARY KEY,
  known         INTEGER NOT NULL CHECK (known IN (0, 1)),
  failures      INTEGER NOT NULL CHECK (failures >= 0),
  lockouts      INTEGER NOT NULL CHECK (lockouts >= 0),
  locked_until  INTEGER,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX auth_lockouts_unknown ON auth_lockouts (updated_at) WHERE known = 0;
`;

export const UNKNOWN_IDS_KEPT = 1000;

export interface LockoutState {
  /** Consecutive failures since the last success or the last lockout's end. */
  readonly failures: number;
  /** Lockouts since the last success: the step of the rising back-off. */
  readonly lockouts: number;
  /** Milliseconds since the epoch; null when not locked. */
  readonly lockedUntil: number | null;
}

export interface LockoutStore {
  get(accountId: string): LockoutState | undefined;
  /** `known`: the id is one of the kiosk's accounts (its row is never evicted). */
  put(accountId: string, state: LockoutState, known: boolean, now: number): void;
  /** A success: the account starts from nothing. */
  clear(accountId: string): void;
}

/** For an Auth without a catalog (tests, a read-only kiosk): the same rules, forgotten at exit. */
export class MemoryLockoutStore implements LockoutStore {
  private readonly rows = new Map<string, { state: LockoutState; known: boolean }>();

  get(accountId: string): LockoutState | undefined {
    return this.rows.get(accountId)?.state;
  }

  put(accountId: string, state: LockoutState, known: boolean, _now?: number): void {
    // Re-inserting moves the id to the end: the Map's order is oldest-updated first.
    this.rows.delete(accountId);
    this.rows.set(accountId, { state, known });
    if (known) return;
    let unknown = 0;
    for (const r of this.rows.values()) if (!r.known) unknown++;
    for (const [id, r] of this.rows) {
      if (unknown <= UNKNOWN_IDS_KEPT) break;
      if (r.known) continue;
      this.rows.delete(id);
      unknown--;
    }
  }

  clear(accountId: string): void {
    this.rows.delete(accountId);
  }
}

interface Row {
  failures: number;
  lockouts: number;
  locked_until: number | null;
}

/** In the catalog; every change is committed (WAL, synchronous=FULL) before the verdict is told. */
export class SqliteLockoutStore implements LockoutStore {
  private readonly select;
  private readonly upsert;
  private readonly remove;
  private readonly evict;
  private readonly putTx: (accountId: string, s: LockoutState, known: boolean, now: number) => void;

  constructor(db: Database) {
    this.select = db.prepare<[string], Row>('SELECT failures, lockouts, locked_until FROM auth_lockouts WHERE account_id = ?');
    this.upsert = db.prepare<[string, number, number, number, number | null, number]>(
      `INSERT INTO auth_lockouts (account_id, known, failures, lockouts, locked_until, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id) DO UPDATE SET known = excluded.known, failures = excluded.failures, lockouts = excluded.lockouts,
         locked_until = excluded.locked_until, updated_at = excluded.updated_at`,
    );
    this.remove = db.prepare<[string]>('DELETE FROM auth_lockouts WHERE account_id = ?');
    // Only unknown ids are ever evicted, and only beyond the newest UNKNOWN_IDS_KEPT.
    this.evict = db.prepare<[number]>(
      `DELETE FROM auth_lockouts WHERE known = 0 AND account_id NOT IN
         (SELECT account_id FROM auth_lockouts WHERE known = 0 ORDER BY updated_at DESC, rowid DESC LIMIT ?)`,
    );
    this.putTx = db.transaction((accountId: string, s: LockoutState, known: boolean, now: number) => {
      this.upsert.run(accountId, known ? 1 : 0, s.failures, s.lockouts, s.lockedUntil, now);
      if (!known) this.evict.run(UNKNOWN_IDS_KEPT);
    });
  }

  get(accountId: string): LockoutState | undefined {
    const r = this.select.get(accountId);
    return r ? { failures: r.failures, lockouts: r.lockouts, lockedUntil: r.locked_until } : undefined;
  }

  put(accountId: string, state: LockoutState, known: boolean, now: number): void {
    this.putTx(accountId, state, known, now);
  }

  clear(accountId: string): void {
    this.remove.run(accountId);
  }
}
