// Durable outbox of viewing reports for the TIS (PL-6.1). A report is stored
// with its Idempotency-Key before the first attempt, so every retry - after a
// crash, a kiosk restart or a TIS restart - repeats the same key and the TIS
// files it once (same key -> same id).
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { ViewingReportAck } from './client';
import { TisError } from './errors';

/** One migration: the integrator adds it to the numbered migrations. */
export const OUTBOX_SCHEMA_SQL = `
CREATE TABLE tis_outbox (
  id               INTEGER PRIMARY KEY,
  case_signature   TEXT    NOT NULL,
  report_id        TEXT    NOT NULL UNIQUE,
  body             BLOB    NOT NULL,
  body_sha256      TEXT    NOT NULL,
  idempotency_key  TEXT    NOT NULL UNIQUE,
  enqueued_at      TEXT    NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  last_attempt_at  TEXT,
  next_attempt_at  TEXT    NOT NULL,
  last_error       TEXT,
  remote_id        TEXT,
  delivered_at     TEXT
);
CREATE INDEX tis_outbox_pending ON tis_outbox (next_attempt_at) WHERE delivered_at IS NULL;
`;

export interface OutboxEntry {
  readonly caseSignature: string;
  readonly reportId: string;
  readonly bodySha256: string;
  readonly bodyBytes: number;
  readonly idempotencyKey: string;
  readonly enqueuedAt: string;
  readonly attempts: number;
  readonly lastAttemptAt: string | null;
  readonly nextAttemptAt: string | null;
  readonly lastError: string | null;
  /** The TIS's id for the report, once acknowledged. */
  readonly remoteId: string | null;
  readonly deliveredAt: string | null;
}

export interface DeliveryRun {
  readonly delivered: number;
  readonly failed: number;
  /** Still waiting after this run (failed now or not yet due). */
  readonly pending: number;
}

export interface ReportPoster {
  postViewingReport(signature: string, report: Buffer, idempotencyKey: string): Promise<ViewingReportAck>;
}

export interface OutboxOptions {
  now?: () => Date;
  /** First retry delay; doubles per failed attempt up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** [0, 1): each delay is shortened by up to half, random/2 of it (jitter), so kiosks that failed together do not retry together. */
  random?: () => number;
}

interface Row {
  case_signature: string;
  report_id: string;
  body: Buffer;
  body_sha256: string;
  idempotency_key: string;
  enqueued_at: string;
  attempts: number;
  last_attempt_at: string | null;
  next_attempt_at: string;
  last_error: string | null;
  remote_id: string | null;
  delivered_at: string | null;
}

export class TisOutbox {
  private readonly now: () => Date;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly random: () => number;
  private running: Promise<DeliveryRun> | null = null;

  constructor(
    private readonly db: Database,
    opts: OutboxOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.backoffMs = opts.backoffMs ?? 30_000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 3_600_000;
    this.random = opts.random ?? Math.random;
  }

  /**
   * Stores a report for delivery. The key is derived from the report's id and
   * bytes, so enqueuing the same report twice is one entry; the same id with
   * other bytes is refused.
   */
  enqueue(input: { caseSignature: string; reportId: string; body: Buffer }): OutboxEntry {
    const bodySha256 = createHash('sha256').update(input.body).digest('hex');
    const key = `vr-${createHash('sha256').update(`${input.caseSignature}\n${input.reportId}\n${bodySha256}`).digest('hex')}`;
    const at = this.now().toISOString();
    return this.db.transaction(() => {
      const existing = this.row(input.reportId);
      if (existing) {
        if (existing.body_sha256 !== bodySha256 || existing.case_signature !== input.caseSignature) {
          throw new TisError('tis.report.key', `outbox:${input.reportId}`, 'a different viewing report with this id is already queued');
        }
        return toEntry(existing);
      }
      this.db
        .prepare(
          `INSERT INTO tis_outbox (case_signature, report_id, body, body_sha256, idempotency_key, enqueued_at, next_attempt_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(input.caseSignature, input.reportId, input.body, bodySha256, key, at, at);
      return toEntry(this.row(input.reportId) as Row);
    })();
  }

  /** POSTs every due report once; a run in progress is joined, not duplicated. */
  deliverPending(client: ReportPoster): Promise<DeliveryRun> {
    this.running ??= this.run(client).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  list(): OutboxEntry[] {
    return (this.db.prepare('SELECT * FROM tis_outbox ORDER BY id').all() as Row[]).map(toEntry);
  }

  private async run(client: ReportPoster): Promise<DeliveryRun> {
    const due = this.db
      .prepare('SELECT * FROM tis_outbox WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY id')
      .all(this.now().toISOString()) as Row[];
    let delivered = 0;
    let failed = 0;
    for (const r of due) {
      try {
        const ack = await client.postViewingReport(r.case_signature, r.body, r.idempotency_key);
        const at = this.now().toISOString();
        this.db
          .prepare(
            `UPDATE tis_outbox SET remote_id = ?, delivered_at = ?, attempts = attempts + 1, last_attempt_at = ?, last_error = NULL
             WHERE report_id = ?`,
          )
          .run(ack.id, at, at, r.report_id);
        delivered += 1;
      } catch (e) {
        const now = this.now();
        const attempts = r.attempts + 1;
        const delay = Math.round(Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (attempts - 1)) * (1 - this.random() / 2));
        const msg = e instanceof TisError ? `${e.rule}: ${e.message}` : e instanceof Error ? e.message : String(e);
        this.db
          .prepare('UPDATE tis_outbox SET attempts = ?, last_attempt_at = ?, next_attempt_at = ?, last_error = ? WHERE report_id = ?')
          .run(attempts, now.toISOString(), new Date(now.getTime() + delay).toISOString(), msg.slice(0, 1000), r.report_id);
        failed += 1;
      }
    }
    const pending = (this.db.prepare('SELECT count(*) AS n FROM tis_outbox WHERE delivered_at IS NULL').get() as { n: number }).n;
    return { delivered, failed, pending };
  }

  private row(reportId: string): Row | undefined {
    return this.db.prepare('SELECT * FROM tis_outbox WHERE report_id = ?').get(reportId) as Row | undefined;
  }
}

function toEntry(r: Row): OutboxEntry {
  return {
    caseSignature: r.case_signature,
    reportId: r.report_id,
    bodySha256: r.body_sha256,
    bodyBytes: r.body.length,
    idempotencyKey: r.idempotency_key,
    enqueuedAt: r.enqueued_at,
    attempts: r.attempts,
    lastAttemptAt: r.last_attempt_at,
    nextAttemptAt: r.delivered_at ? null : r.next_attempt_at,
    lastError: r.last_error,
    remoteId: r.remote_id,
    deliveredAt: r.delivered_at,
  };
}
