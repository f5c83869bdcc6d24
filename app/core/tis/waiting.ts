// UA-1: a recording whose part the TIS is still processing (409 with
// Retry-After) waits here, durably, until its next attempt; the kiosk
// service's TIS scheduler fetches its case again when that time comes, so a
// restart loses no waiting recording and nobody has to run `fetch` again.
import type { Database } from 'better-sqlite3';

/** One migration (0004): the durable queue of recordings waiting on the TIS. */
export const WAITING_SCHEMA_SQL = `
CREATE TABLE tis_waiting (
  id               INTEGER PRIMARY KEY,
  case_signature   TEXT    NOT NULL,
  identifier       TEXT,
  version          INTEGER NOT NULL,
  url              TEXT    NOT NULL,
  operator         TEXT,
  first_seen_at    TEXT    NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 1,
  next_attempt_at  TEXT    NOT NULL,
  last_error       TEXT,
  done_at          TEXT,
  outcome          TEXT
);
CREATE UNIQUE INDEX tis_waiting_one ON tis_waiting (case_signature, coalesce(identifier, ''), version) WHERE done_at IS NULL;
CREATE INDEX tis_waiting_due ON tis_waiting (next_attempt_at) WHERE done_at IS NULL;
`;

export interface WaitingRecording {
  readonly caseSignature: string;
  readonly identifier: string | null;
  readonly version: number;
  readonly url: string;
  readonly operator: string | null;
  readonly firstSeenAt: string;
  readonly attempts: number;
  /** When the scheduler fetches it again (the TIS's Retry-After from the last answer). */
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly doneAt: string | null;
  readonly outcome: string | null;
}

interface Row {
  case_signature: string;
  identifier: string | null;
  version: number;
  url: string;
  operator: string | null;
  first_seen_at: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  done_at: string | null;
  outcome: string | null;
}

const toEntry = (r: Row): WaitingRecording => ({
  caseSignature: r.case_signature, identifier: r.identifier, version: r.version, url: r.url, operator: r.operator, firstSeenAt: r.first_seen_at,
  attempts: r.attempts, nextAttemptAt: r.next_attempt_at, lastError: r.last_error, doneAt: r.done_at, outcome: r.outcome,
});

export class TisWaitingQueue {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records (or re-schedules) a recording the TIS answered 'processing' for, `retryAfterSec` from now. */
  wait(r: { caseSignature: string; identifier: string | null; version: number; url: string; operator: string | null; retryAfterSec: number; error?: string }): void {
    const now = this.now();
    const next = new Date(now.getTime() + Math.max(1, r.retryAfterSec) * 1000).toISOString();
    const open = this.open(r.caseSignature, r.identifier, r.version);
    if (open) {
      this.db.prepare('UPDATE tis_waiting SET attempts = attempts + 1, next_attempt_at = ?, url = ?, last_error = ? WHERE id = ?').run(next, r.url, r.error ?? null, open.id);
      return;
    }
    this.db
      .prepare('INSERT INTO tis_waiting (case_signature, identifier, version, url, operator, first_seen_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(r.caseSignature, r.identifier, r.version, r.url, r.operator, now.toISOString(), next);
  }

  /** Ends the wait of a recording: imported, already stored, or refused (with why). */
  finish(caseSignature: string, identifier: string | null, version: number, outcome: 'imported' | 'unchanged' | 'refused', error?: string): void {
    const open = this.open(caseSignature, identifier, version);
    if (open) this.db.prepare('UPDATE tis_waiting SET done_at = ?, outcome = ?, last_error = ? WHERE id = ?').run(this.now().toISOString(), outcome, error ?? null, open.id);
  }

  /** Cases with a recording due for another attempt now. */
  dueCases(): Array<{ caseSignature: string; operator: string | null }> {
    return this.db
      .prepare('SELECT case_signature AS caseSignature, max(operator) AS operator FROM tis_waiting WHERE done_at IS NULL AND next_attempt_at <= ? GROUP BY case_signature ORDER BY min(next_attempt_at)')
      .all(this.now().toISOString()) as Array<{ caseSignature: string; operator: string | null }>;
  }

  /** Still waiting, soonest first. */
  waiting(): WaitingRecording[] {
    return (this.db.prepare('SELECT * FROM tis_waiting WHERE done_at IS NULL ORDER BY next_attempt_at, id').all() as Row[]).map(toEntry);
  }

  /** Recent ends of waits (for the screen). */
  recent(limit = 20): WaitingRecording[] {
    return (this.db.prepare('SELECT * FROM tis_waiting WHERE done_at IS NOT NULL ORDER BY done_at DESC LIMIT ?').all(limit) as Row[]).map(toEntry);
  }

  private open(caseSignature: string, identifier: string | null, version: number): { id: number } | undefined {
    return this.db
      .prepare("SELECT id FROM tis_waiting WHERE done_at IS NULL AND case_signature = ? AND coalesce(identifier, '') = coalesce(?, '') AND version = ?")
      .get(caseSignature, identifier, version) as { id: number } | undefined;
  }
}
