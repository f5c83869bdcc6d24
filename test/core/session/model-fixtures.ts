// Shared by the session tests: the model's sample events, the abstraction of
// a snapshot the graph traversal works on, and in-memory-but-real deps.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SimulatedClock } from 'xstate';
import { VIEWING_LOG_SCHEMA_SQL, ViewingLog, generateEd25519Signer, hmacSha256 } from '../../../app/core/viewing-log';
import type { SnapshotFrom } from 'xstate';
import { Auth, hashPin, type Account, type ScryptParams } from '../../../app/core/auth';
import type { SessionEvent } from '../../../app/core/session/events';
import { sessionMachine, type SessionConfig } from '../../../app/core/session/machine';

const sessionMachineForKeys = () => sessionMachine;
import type { SessionCatalog, SessionLog, SessionLogType, SessionVerifier } from '../../../app/core/session/service';
import type { IntegrityVerdict, RecordingRef, SessionCase } from '../../../app/shared/session-contract';

export type Snapshot = SnapshotFrom<typeof sessionMachine>;

export const FAST: ScryptParams = { ln: 10, r: 8, p: 1 };

/** Distinct durations, so a pending timer can be told apart by its delay. */
export const CONFIG: SessionConfig = { idleWarningSec: 20, idleTimeoutSec: 45, maxSessionMin: 90 };
export const MINUTES = 1;

export const CASE_QUERY = '757/12345/25-ц';
export const MISSING_QUERY = '757/99999/25-ц';
export const CASE_A: SessionCase = {
  signature: '757/12345/25-ц',
  caseNumber: '2/757/1234/25',
  recordings: [
    { identifier: 'VKZ-2025-0001', version: 0, title: 'Засідання, частина 1', date: '2025-02-0709:00:00', durationSec: 1800 },
    { identifier: 'VKZ-2025-0002', version: 1, title: 'Засідання, частина 2', date: '2025-02-0709:30:00', durationSec: 900 },
    // PL-3.7: the version 1 replaced; shown only with a reason (not chosen by the model's samples).
    {
      identifier: 'VKZ-2025-0002', version: 0, title: 'Засідання, частина 2 (первинна)', date: '2025-02-0709:30:00', durationSec: 900,
      supersededBy: { identifier: 'VKZ-2025-0002', version: 1 },
    },
  ],
};
export const SUPERSEDED: RecordingRef = { identifier: 'VKZ-2025-0002', version: 0 };
export const CHOSEN: RecordingRef[] = CASE_A.recordings.filter((r) => !r.supersededBy).map((r) => ({ identifier: r.identifier, version: r.version }));

export const PINS = { clerk: 'clerk-1', pin: '2468', wrong: '1111', lockedAccount: 'clerk-3' } as const;

export const CLERK = { id: 'clerk-1', name: 'Олена Петренко', role: 'clerk' as const };

/**
 * One sample per event type, or several where the machine branches on the
 * payload. Effect answers and timers are samples too: the model walks them
 * like any event, and the replay makes the real parts produce them.
 */
export const SAMPLE_EVENTS: SessionEvent[] = [
  { type: 'clerk.pin', accountId: PINS.clerk, pin: PINS.pin },
  { type: 'clerk.end', accountId: PINS.clerk, pin: PINS.pin },
  { type: 'auth.verdict', ok: true, account: CLERK },
  { type: 'auth.verdict', ok: false, reason: 'wrong-pin' },
  { type: 'auth.verdict', ok: false, reason: 'locked', retryAfterSec: 300 },
  { type: 'compose.case', query: CASE_QUERY },
  { type: 'catalog.case', query: CASE_QUERY, found: CASE_A },
  { type: 'catalog.case', query: CASE_QUERY, found: null },
  { type: 'compose.recordings', recordings: CHOSEN },
  { type: 'compose.viewer', name: 'Іван Іваненко', documentType: 'passport', documentLast4: '1234', purpose: 'Ознайомлення з матеріалами справи' },
  { type: 'compose.time', minutes: MINUTES },
  {
    type: 'verify.result',
    results: CHOSEN.map((r) => ({ ...r, ok: true, sha256: 'a'.repeat(64) })),
  },
  {
    type: 'verify.result',
    results: CHOSEN.map((r, i) => ({ ...r, ok: i !== 1, ...(i === 1 ? { problem: 'chunk 3: hash mismatch' } : { sha256: 'a'.repeat(64) }) })),
  },
  { type: 'viewer.play', mediaTime: 0 },
  { type: 'viewer.pause', mediaTime: 4 },
  { type: 'viewer.seek', mediaTime: 60 },
  { type: 'viewer.rate', rate: 1.5 },
  { type: 'viewer.select', identifier: 'VKZ-2025-0002', version: 1 },
  { type: 'media.progress', mediaTime: 2 },
  { type: 'media.buffering', mediaTime: 3 },
  { type: 'media.resumed', mediaTime: 3 },
  { type: 'media.ended', mediaTime: 5 },
  { type: 'integrity.failed', identifier: 'VKZ-2025-0001', version: 0, problem: 'chunk 7: authentication tag mismatch' },
  { type: 'carrier.inserted', device: '/dev/sdb' },
  { type: 'carrier.removed', device: '/dev/sdb' },
];

/**
 * The traversal's view of a snapshot: the state value and every fact a guard
 * reads, nothing that only grows or does not steer (positions, ranges, rate).
 * Without this the context would make the graph needlessly large.
 */
export function modelKey(s: Snapshot): string {
  const c = s.context;
  return JSON.stringify({
    v: s.value,
    lookupPending: c.lookup === 'pending',
    case: c.case !== null,
    recs: c.recordings.length > 0,
    viewer: c.viewer !== null,
    min: c.minutes !== null,
    endPending: c.endCheck === 'pending',
    // Not read by a guard, but asserted: the summary must show why it ended.
    reason: c.endReason,
  });
}

/** A stable name for a transition of the machine: source node, event, position among its candidates. */
export function transitionKey(t: { source: { id: string; transitions: Map<string, unknown[]> }; eventType: string }): string {
  const candidates = t.source.transitions.get(t.eventType) ?? [];
  return `${t.source.id}:${t.eventType}:${candidates.indexOf(t)}`;
}

/** Vertex = abstract state + the transition that led to it, so shortest paths take every transition. */
export function vertexKey(s: Snapshot, event: SessionEvent | undefined, prev: Snapshot | undefined): string {
  if (!event || !prev) return modelKey(s);
  const taken = sessionMachineForKeys().getTransitionData(prev, event).map(transitionKey);
  return `${modelKey(s)} via ${taken.join('+')}`;
}

export interface LogEntry {
  seq: number;
  type: string;
  data: Record<string, unknown>;
}

/** An array-backed viewing log (the SQLite one replaces it in integration). */
export class ArrayLog implements SessionLog {
  readonly entries: LogEntry[] = [];
  constructor(private readonly open: { sessionId: string } | null = null) {}
  append(type: SessionLogType | string, data: Record<string, unknown>): { seq: number } {
    // Entries must be plain data: what is stored is what was meant.
    const copy = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
    const seq = this.entries.length + 1;
    this.entries.push({ seq, type, data: copy });
    return { seq };
  }
  lastOpenSession(): { sessionId: string } | null {
    return this.open;
  }
  types(from = 0): string[] {
    return this.entries.slice(from).map((e) => e.type);
  }
}

/** A verifier whose next answer the test decides (the integrity checker is another part's). */
export class ScriptedVerifier implements SessionVerifier {
  failNext: { identifier: string; problem: string } | null = null;
  calls: RecordingRef[][] = [];
  verify(recordings: RecordingRef[]): Promise<IntegrityVerdict[]> {
    this.calls.push(recordings);
    const fail = this.failNext;
    this.failNext = null;
    return Promise.resolve(
      recordings.map((r) =>
        fail && fail.identifier === r.identifier ? { ...r, ok: false, problem: fail.problem } : { ...r, ok: true, sha256: 'b'.repeat(64) },
      ),
    );
  }
}

export const memoryCatalog: SessionCatalog = {
  findCase: (query) => (query === CASE_A.signature || query === CASE_A.caseNumber ? CASE_A : null),
};

let accountsCache: Promise<Account[]> | null = null;
export function testAccounts(): Promise<Account[]> {
  accountsCache ??= (async () => [
    { id: 'clerk-1', name: CLERK.name, role: 'clerk' as const, pinHash: await hashPin(PINS.pin, FAST) },
    { id: 'clerk-3', name: 'Locked Clerk', role: 'clerk' as const, pinHash: await hashPin('8642', FAST) },
    { id: 'admin', name: 'Court IT', role: 'admin' as const, pinHash: await hashPin('correct horse battery', FAST) },
  ])();
  return accountsCache;
}

/**
 * SimulatedClock that remembers what it was asked to schedule, so a test can
 * make one particular timer elapse: by moving time to its due moment when it
 * is the next one due, or, when the model asks for a timer that real time
 * would reach only after an earlier one, by firing it alone. The model
 * abstracts from durations; the duration tests check them on plain time.
 */
export class SteppingClock extends SimulatedClock {
  private readonly scheduled = new Map<number, { due: number; delay: number; fn: () => void }>();
  override setTimeout(fn: () => void, timeout: number): number {
    const id = super.setTimeout(fn, timeout);
    this.scheduled.set(id, { due: this.now() + timeout, delay: timeout, fn });
    return id;
  }
  override clearTimeout(id: number): void {
    this.scheduled.delete(id);
    super.clearTimeout(id);
  }
  pendingDelays(): number[] {
    return [...this.scheduled.values()].map((t) => t.delay);
  }
  /** Makes the pending timer with this delay elapse. Returns false when there is none. */
  elapse(delay: number): boolean {
    const entries = [...this.scheduled.entries()].filter(([, t]) => t.delay === delay);
    const [id, timer] = entries[entries.length - 1] ?? [];
    if (id === undefined || !timer) return false;
    const earliest = Math.min(...[...this.scheduled.values()].map((t) => t.due));
    if (timer.due <= earliest) {
      this.set(timer.due);
    } else {
      this.clearTimeout(id);
      timer.fn();
    }
    this.scheduled.delete(id);
    return true;
  }
}

export async function makeAuth(clock: SimulatedClock, log: ArrayLog): Promise<Auth> {
  return new Auth({ accounts: await testAccounts(), now: () => clock.now(), onEvent: (type, data) => log.append(type, data) });
}

/**
 * The real viewing log on an on-disk SQLite database (WAL, synchronous=FULL),
 * behind the session's log interface. Every entry the tests look at is read
 * back from the database after it was appended, so the model-based paths
 * check what the viewing log really holds.
 */
export class SqliteLog extends ArrayLog {
  readonly file: string;
  private readonly vl: ViewingLog;
  constructor() {
    super(null);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-mbt-log-'));
    this.file = path.join(dir, 'log.sqlite');
    const db = new Database(this.file);
    db.exec(VIEWING_LOG_SCHEMA_SQL);
    const signer = generateEd25519Signer('court-kiosk-MBT');
    this.vl = new ViewingLog({ db, signer, mac: hmacSha256(crypto.randomBytes(32)), origin: 'court-kiosk/MBT' });
  }
  override append(type: SessionLogType | string, data: Record<string, unknown>): { seq: number } {
    const { seq } = this.vl.append(type, data);
    const [stored] = this.vl.entries(seq, seq + 1);
    if (!stored) throw new Error(`entry ${seq} not found after append`);
    this.entries.push({ seq: seq + 1, type: stored.type, data: stored.data });
    return { seq: seq + 1 };
  }
  override lastOpenSession(): { sessionId: string } | null {
    const last = [...this.entries].reverse().find((e) => e.type.startsWith('session.'));
    return last?.type === 'session.opened' ? { sessionId: String(last.data.sessionId) } : null;
  }
  verify(): boolean {
    return this.vl.verify().ok;
  }
}
