// What the administrator screen shows at a glance (issue 7): recent imports,
// recordings held or incomplete awaiting a clerk (UA-5, PL-4.1), recent
// integrity events and the TIS outbox. Read-only queries over the catalog.
import { spaceState } from '../space';
import { HOLD_RESOLUTION, holdReason, parseHolds } from '../../shared/holds';
import { UNASSIGNED_CASE } from '../ingest/plain-folder';
import type {
  AdminCase,
  AdminImport,
  AdminIntegrityEvent,
  AdminOutboxItem,
  AdminOverview,
  AdminPendingRecording,
  CompletionField,
} from '../../shared/admin-contract';
import type { Kiosk } from '../kiosk';
import { repairedCount } from '../replica';
import type { WitnessState } from '../witness';
import { TisOutbox } from '../tis/outbox';
import type { ImportRow as CatalogImportRow } from '../catalog/rows';

export interface OverviewLimits {
  readonly imports?: number;
  readonly integrity?: number;
  readonly outbox?: number;
}

type ImportRow = Omit<CatalogImportRow, 'provenance_json'>;

interface PendingRow {
  identifier: string | null;
  provisional: string | null;
  version: number;
  status: 'incomplete' | 'held';
  hold_reason: string | null;
  title: string | null;
  date: string | null;
  duration_sec: number | null;
  grouping: string | null;
  signature: string | null;
}

function countOf(report: unknown, key: 'files' | 'problems'): number {
  if (typeof report !== 'object' || report === null) return 0;
  const v = (report as Record<string, unknown>)[key];
  return Array.isArray(v) ? v.length : 0;
}

export function recentImports(kiosk: Kiosk, limit = 20): AdminImport[] {
  const rows = kiosk.db
    .prepare('SELECT id, source_kind, source_ref, operator, started_at, finished_at, outcome, report_json FROM imports ORDER BY id DESC LIMIT ?')
    .all(limit) as ImportRow[];
  return rows.map((r) => {
    let report: unknown = null;
    try {
      report = JSON.parse(r.report_json);
    } catch {
      // A report that does not parse still lists the import; its counts show 0.
    }
    return {
      id: r.id,
      source: r.source_kind,
      ref: r.source_ref,
      operator: r.operator,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      outcome: r.outcome,
      files: countOf(report, 'files'),
      problems: countOf(report, 'problems'),
    };
  });
}

/** Unpurged recordings not complete: never shown to a viewer until a clerk acts. */
export function pendingRecordings(kiosk: Kiosk): AdminPendingRecording[] {
  const rows = kiosk.db
    .prepare(
      `SELECT r.identifier, json_extract(r.extra_json, '$.provisionalId') AS provisional, r.version, r.status, r.hold_reason,
              r.title, r.date, r.duration_sec, r.grouping, c.signature
         FROM recordings r LEFT JOIN cases c ON c.id = r.case_id
        WHERE r.status IN ('incomplete', 'held') AND r.purged_at IS NULL
        ORDER BY r.id DESC`,
    )
    .all() as PendingRow[];
  return rows.flatMap((r) => {
    const ref = r.identifier ?? r.provisional;
    if (ref === null) return [];
    const holds = parseHolds(r.hold_reason);
    if (r.signature === UNASSIGNED_CASE && !holds.some((h) => h.rule === 'case.unassigned')) holds.push(holdReason('case.unassigned'));
    const missing: CompletionField[] = [];
    if (r.identifier === null) missing.push('identifier');
    if (r.date === null) missing.push('date');
    if (r.duration_sec === null) missing.push('duration');
    if (r.grouping === null || holds.some((h) => HOLD_RESOLUTION[h.rule] === 'case')) missing.push('caseSignature');
    return [
      {
        ref,
        identifier: r.identifier,
        version: r.version,
        status: r.status,
        holds,
        title: r.title,
        date: r.date,
        durationSec: r.duration_sec,
        caseSignature: r.signature,
        missing,
      },
    ];
  });
}

export function recentIntegrityEvents(kiosk: Kiosk, limit = 50): AdminIntegrityEvent[] {
  return kiosk.db
    .prepare('SELECT id, at, subject, reason, context FROM integrity_events ORDER BY id DESC LIMIT ?')
    .all(limit) as AdminIntegrityEvent[];
}

/** Undelivered items first, then the most recently delivered. */
export function outboxItems(kiosk: Kiosk, limit = 50): AdminOutboxItem[] {
  const all = new TisOutbox(kiosk.db).list();
  const pending = all.filter((e) => e.deliveredAt === null);
  const delivered = all.filter((e) => e.deliveredAt !== null).reverse();
  return [...pending, ...delivered].slice(0, limit).map((e) => ({
    caseSignature: e.caseSignature,
    reportId: e.reportId,
    bytes: e.bodyBytes,
    enqueuedAt: e.enqueuedAt,
    attempts: e.attempts,
    lastError: e.lastError,
    nextAttemptAt: e.nextAttemptAt,
    deliveredAt: e.deliveredAt,
  }));
}

export function exportableCases(kiosk: Kiosk): AdminCase[] {
  return kiosk.db
    .prepare(
      `SELECT c.signature, c.case_number AS caseNumber, count(r.id) AS recordings
         FROM cases c JOIN recordings r ON r.case_id = c.id AND r.purged_at IS NULL
        GROUP BY c.id ORDER BY c.signature`,
    )
    .all() as AdminCase[];
}

export function adminOverview(kiosk: Kiosk, admin: { id: string; name: string }, limits: OverviewLimits = {}, witness: WitnessState | null = null): AdminOverview {
  return {
    admin: { id: admin.id, name: admin.name },
    imports: recentImports(kiosk, limits.imports),
    pending: pendingRecordings(kiosk),
    integrity: recentIntegrityEvents(kiosk, limits.integrity),
    outbox: outboxItems(kiosk, limits.outbox),
    cases: exportableCases(kiosk),
    log: {
      size: kiosk.log.size,
      alarm: witness?.alarm ?? null,
      checking: witness?.checking ?? false,
      witnesses: (witness?.witnesses ?? []).map((w) => ({ ...w })),
    },
    storage: (({ freeBytes, reserveBytes, low }) => ({ freeBytes, reserveBytes, low }))(spaceState(kiosk.layout.root, kiosk.config.storage.reserveBytes)),
    deviceKey: (({ kind, by, warning }) => ({ sealedBy: kind, by, warning }))(kiosk.keyStatus()),
    replica: kiosk.replica ? kiosk.replica.status(kiosk.db, repairedCount(kiosk.db)) : null,
  };
}
