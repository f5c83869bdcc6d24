// Write side of the catalog for imports. Callers run these inside one
// transaction per package (Q-1: the whole package or nothing).
import type { CatalogDb } from './db';
import type { RecordingStatus, Jurisdiction } from '../../shared/api-contract';

export interface CaseInput {
  readonly jurisdiction: Jurisdiction;
  readonly signature: string;
  readonly court: string | null;
  readonly caseNumber: string | null;
  readonly proceedingsNumber: string | null;
  readonly extra: Record<string, unknown>;
}

export function upsertCase(db: CatalogDb, c: CaseInput, now: string): number {
  const found = db.prepare('SELECT id FROM cases WHERE signature = ?').get(c.signature) as { id: number } | undefined;
  if (found) {
    // Fill what an earlier import did not know; never overwrite what it did.
    db.prepare(
      `UPDATE cases SET court = coalesce(court, @court), case_number = coalesce(case_number, @caseNumber),
              proceedings_number = coalesce(proceedings_number, @proceedingsNumber) WHERE id = @id`,
    ).run({ id: found.id, court: c.court, caseNumber: c.caseNumber, proceedingsNumber: c.proceedingsNumber });
    return found.id;
  }
  return Number(
    db
      .prepare(
        `INSERT INTO cases (jurisdiction, signature, court, case_number, proceedings_number, extra_json, created_at)
         VALUES (@jurisdiction, @signature, @court, @caseNumber, @proceedingsNumber, @extra, @now)`,
      )
      .run({ ...c, extra: JSON.stringify(c.extra), now }).lastInsertRowid,
  );
}

export interface ImportInput {
  readonly sourceKind: 'carrier' | 'plain-folder' | 'tis' | 'demo';
  readonly sourceRef: string;
  readonly packageSha256: string | null;
  readonly operator: string | null;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly outcome: 'imported' | 'unchanged' | 'rejected' | 'partial';
  readonly provenance: Record<string, unknown>;
  readonly report: unknown;
}

export function insertImport(db: CatalogDb, i: ImportInput): number {
  return Number(
    db
      .prepare(
        `INSERT INTO imports (source_kind, source_ref, package_sha256, operator, started_at, finished_at, outcome, provenance_json, report_json)
         VALUES (@sourceKind, @sourceRef, @packageSha256, @operator, @startedAt, @finishedAt, @outcome, @provenance, @report)`,
      )
      .run({ ...i, provenance: JSON.stringify(i.provenance), report: JSON.stringify(i.report) }).lastInsertRowid,
  );
}

export function insertObject(db: CatalogDb, o: { id: string; sha256: string; size: number; wrappedKey: Buffer }, now: string): void {
  db.prepare('INSERT OR IGNORE INTO objects (id, sha256, size, wrapped_key, created_at) VALUES (?, ?, ?, ?, ?)').run(o.id, o.sha256, o.size, o.wrappedKey, now);
}

export interface PartInput {
  readonly seq: number;
  readonly name: string;
  readonly objectId: string;
  readonly sha256: string;
  readonly size: number;
  readonly media: unknown;
}

export interface AttachmentInput {
  readonly seq: number;
  readonly kind: string;
  readonly title: string | null;
  readonly name: string;
  readonly objectId: string;
  readonly sha256: string;
  readonly size: number;
  readonly signature: { name: string; objectId: string; sha256: string; size: number; verdict: unknown } | null;
}

export interface RecordingInput {
  readonly caseId: number;
  readonly importId: number;
  readonly identifier: string | null;
  readonly version: number;
  readonly supersedes: { identifier: string; version: number } | null;
  readonly creator: { name: string | null; court: string | null };
  readonly title: string | null;
  readonly date: string | null;
  readonly durationSec: number | null;
  readonly grouping: string | null;
  readonly status: RecordingStatus;
  readonly holdReason: string | null;
  readonly flags: readonly string[];
  readonly envelopeSheet: string | null;
  readonly extra: Record<string, unknown>;
  readonly parts: readonly PartInput[];
  readonly attachments: readonly AttachmentInput[];
  readonly annotations: ReadonlyArray<{ atSec: number; text: string }>;
}

export function insertRecording(db: CatalogDb, r: RecordingInput, now: string): number {
  const id = Number(
    db
      .prepare(
        `INSERT INTO recordings (case_id, identifier, version, supersedes_identifier, supersedes_version, creator_name, creator_court,
           title, date, duration_sec, grouping, status, hold_reason, flags_json, envelope_sheet, extra_json, import_id, created_at)
         VALUES (@caseId, @identifier, @version, @supIdent, @supVersion, @creatorName, @creatorCourt, @title, @date, @durationSec,
           @grouping, @status, @holdReason, @flags, @envelopeSheet, @extra, @importId, @now)`,
      )
      .run({
        caseId: r.caseId,
        identifier: r.identifier,
        version: r.version,
        supIdent: r.supersedes?.identifier ?? null,
        supVersion: r.supersedes?.version ?? null,
        creatorName: r.creator.name,
        creatorCourt: r.creator.court,
        title: r.title,
        date: r.date,
        durationSec: r.durationSec,
        grouping: r.grouping,
        status: r.status,
        holdReason: r.holdReason,
        flags: JSON.stringify(r.flags),
        envelopeSheet: r.envelopeSheet,
        extra: JSON.stringify(r.extra),
        importId: r.importId,
        now,
      }).lastInsertRowid,
  );
  const part = db.prepare('INSERT INTO parts (recording_id, seq, name, object_id, sha256, size, media_json) VALUES (?, ?, ?, ?, ?, ?, ?)');
  for (const p of r.parts) part.run(id, p.seq, p.name, p.objectId, p.sha256, p.size, JSON.stringify(p.media));
  const att = db.prepare(
    `INSERT INTO attachments (recording_id, seq, kind, title, name, object_id, sha256, size, signature_name, signature_object_id,
       signature_sha256, signature_size, signature_verdict_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const a of r.attachments)
    att.run(id, a.seq, a.kind, a.title, a.name, a.objectId, a.sha256, a.size, a.signature?.name ?? null, a.signature?.objectId ?? null,
      a.signature?.sha256 ?? null, a.signature?.size ?? null, a.signature ? JSON.stringify(a.signature.verdict) : null);
  const ann = db.prepare('INSERT INTO annotations (recording_id, seq, at_sec, text) VALUES (?, ?, ?, ?)');
  r.annotations.forEach((a, i) => ann.run(id, i, a.atSec, a.text));
  return id;
}

/** The stored identity of a recording, to decide "unchanged" vs "conflict" on re-import. */
export function findRecording(db: CatalogDb, identifier: string, version: number): { id: number; partHashes: string[]; purged: boolean } | null {
  const r = db.prepare('SELECT id, purged_at FROM recordings WHERE identifier = ? AND version = ?').get(identifier, version) as { id: number; purged_at: string | null } | undefined;
  if (!r) return null;
  const hashes = (db.prepare('SELECT sha256 FROM parts WHERE recording_id = ? ORDER BY seq').all(r.id) as { sha256: string }[]).map((x) => x.sha256);
  return { id: r.id, partHashes: hashes, purged: r.purged_at !== null };
}

export function recordIntegrityEvent(db: CatalogDb, e: { subject: string; recordingId: number | null; reason: string; context: string }, now: string): void {
  db.prepare('INSERT INTO integrity_events (at, subject, recording_id, reason, context) VALUES (?, ?, ?, ?, ?)').run(now, e.subject, e.recordingId, e.reason, e.context);
}
