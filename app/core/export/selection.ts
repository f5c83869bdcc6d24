// Which recordings an export takes, read from the catalog, and the refusals
// that depend only on the catalog (PL-9, PL-5.2, PL-2.2): an unknown case, a
// purged recording, a held or incomplete one outside a backup, a catalog row
// whose keyed hash no longer matches.
import crypto from 'node:crypto';
import { recordingMacInput } from '../catalog';
import { KioskError } from '../errors';
import type { Kiosk } from '../kiosk';
import { problem, type Problem } from '../../shared/problem';
import { parseHolds } from '../../shared/holds';
import { recordingColumns, type RecordingRow as CatalogRecordingRow } from '../catalog/rows';

export type ExportPurpose = 'supervisory' | 'transfer' | 'backup';
export const EXPORT_PURPOSES: readonly ExportPurpose[] = ['supervisory', 'transfer', 'backup'];

export interface CaseRow {
  id: number;
  jurisdiction: 'PL' | 'UA';
  signature: string;
  court: string | null;
  case_number: string | null;
  proceedings_number: string | null;
  extra_json: string;
}

export type RecordingRow = CatalogRecordingRow;

export interface StoredFileRow {
  /** Path in the package it was imported from (`data/…`). */
  name: string;
  object_id: string | null;
  sha256: string;
  size: number;
  wrapped_key: Buffer | null;
}

export interface AttachmentRow {
  kind: string;
  title: string | null;
  file: StoredFileRow;
  signature: StoredFileRow | null;
}

export interface SelectedRecording {
  readonly row: RecordingRow;
  readonly parts: StoredFileRow[];
  readonly attachments: AttachmentRow[];
  readonly annotations: Array<{ at_sec: number; text: string }>;
}

export interface Selection {
  readonly case: CaseRow;
  readonly recordings: SelectedRecording[];
}

export interface SelectOptions {
  readonly caseSignature: string;
  readonly identifier?: string;
  readonly version?: number;
  /** Default true: an exported version n brings the versions it supersedes with it (PL-3.7). */
  readonly withChain?: boolean;
  readonly purpose: ExportPurpose;
}

export function label(r: { identifier: string | null; version: number; id?: number }): string {
  return `${r.identifier ?? `(incomplete recording #${r.id ?? '?'})`} version ${r.version}`;
}

function refuse(message: string, rule: string, field?: string): never {
  throw new KioskError('refused', message, [problem('export', rule, message, field)]);
}

export function selectForExport(kiosk: Kiosk, opts: SelectOptions): Selection {
  const db = kiosk.db;
  const c = db
    .prepare('SELECT id, jurisdiction, signature, court, case_number, proceedings_number, extra_json FROM cases WHERE signature = ? OR case_number = ? ORDER BY signature = ? DESC LIMIT 1')
    .get(opts.caseSignature, opts.caseSignature, opts.caseSignature) as CaseRow | undefined;
  if (!c) refuse(`unknown case ${opts.caseSignature}: nothing was written`, 'export.case.unknown', 'case');
  const all = db
    .prepare(
      `SELECT ${recordingColumns()} FROM recordings WHERE case_id = ? ORDER BY identifier, version, id`,
    )
    .all(c.id) as RecordingRow[];
  let chosen: RecordingRow[];
  if (opts.identifier === undefined) {
    if (opts.version !== undefined) refuse('--version needs --identifier', 'export.usage.version');
    chosen = all;
  } else {
    const id = opts.identifier;
    const ofId = all.filter((r) => r.identifier === id);
    if (ofId.length === 0) refuse(`case ${c.signature} has no recording ${id}: nothing was written`, 'export.recording.unknown', 'identifier');
    if (opts.version === undefined) chosen = ofId;
    else {
      const start = ofId.find((r) => r.version === opts.version);
      if (!start) refuse(`case ${c.signature} has no ${id} version ${opts.version}: nothing was written`, 'export.recording.unknown', 'version');
      chosen = [start];
      if (opts.withChain ?? true) {
        // Follow `supersedes` down to the original, as far as this device holds it.
        const seen = new Set<number>([start.id]);
        let cur: RecordingRow | undefined = start;
        while (cur && cur.supersedes_identifier !== null && cur.supersedes_version !== null) {
          const sid: string = cur.supersedes_identifier;
          const sv: number = cur.supersedes_version;
          cur = all.find((r) => r.identifier === sid && r.version === sv);
          if (!cur || seen.has(cur.id)) break;
          seen.add(cur.id);
          chosen.unshift(cur);
        }
      }
    }
  }
  if (chosen.length === 0) refuse(`case ${c.signature} has no recordings: nothing was written`, 'export.case.empty', 'case');

  const problems: Problem[] = [];
  for (const r of chosen) {
    if (r.purged_at !== null) {
      problems.push(problem('export', 'export.recording.purged', `${label(r)} was purged on ${r.purged_at} after transfer to the archive; it cannot be exported`, label(r)));
    } else if (r.status !== 'complete' && opts.purpose !== 'backup') {
      const words = parseHolds(r.hold_reason).map((h) => h.words).join('; ');
      const why = r.status === 'held' ? `is held (${words || 'no reason recorded'})` : `is incomplete (${words || 'metadata missing'})`;
      problems.push(problem('export', `export.recording.${r.status}`, `${label(r)} ${why}; only --purpose backup copies it`, label(r)));
    }
  }
  if (problems.length) throw new KioskError('refused', `export refused: ${problems.map((p) => p.message).join('; ')}; nothing was written`, problems);

  const partsOf = db.prepare(
    `SELECT p.name, p.object_id, p.sha256, p.size, o.wrapped_key FROM parts p LEFT JOIN objects o ON o.id = p.object_id WHERE p.recording_id = ? ORDER BY p.seq`,
  );
  const attOf = db.prepare(
    `SELECT a.kind, a.title, a.name, a.object_id, a.sha256, a.size, o.wrapped_key,
            a.signature_name, a.signature_object_id, a.signature_sha256, a.signature_size, so.wrapped_key AS signature_wrapped_key
       FROM attachments a LEFT JOIN objects o ON o.id = a.object_id LEFT JOIN objects so ON so.id = a.signature_object_id
      WHERE a.recording_id = ? ORDER BY a.seq`,
  );
  const annOf = db.prepare('SELECT at_sec, text FROM annotations WHERE recording_id = ? ORDER BY seq');
  return {
    case: c,
    recordings: chosen.map((row) => {
      checkRowMac(kiosk, row);
      const atts = attOf.all(row.id) as Array<{
        kind: string; title: string | null; name: string; object_id: string | null; sha256: string; size: number; wrapped_key: Buffer | null;
        signature_name: string | null; signature_object_id: string | null; signature_sha256: string | null; signature_size: number | null; signature_wrapped_key: Buffer | null;
      }>;
      return {
        row,
        parts: partsOf.all(row.id) as StoredFileRow[],
        attachments: atts.map((a) => ({
          kind: a.kind,
          title: a.title,
          file: { name: a.name, object_id: a.object_id, sha256: a.sha256, size: a.size, wrapped_key: a.wrapped_key },
          signature:
            a.signature_name !== null && a.signature_sha256 !== null && a.signature_size !== null
              ? { name: a.signature_name, object_id: a.signature_object_id, sha256: a.signature_sha256, size: a.signature_size, wrapped_key: a.signature_wrapped_key }
              : null,
        })),
        annotations: annOf.all(row.id) as Array<{ at_sec: number; text: string }>,
      };
    }),
  };
}

/** A catalog row changed behind the kiosk's back is not exported (Q-3): its metadata would go out unvouched. */
function checkRowMac(kiosk: Kiosk, row: RecordingRow): void {
  const input = recordingMacInput(kiosk.db, row.id);
  const expected = input ? kiosk.rowMac(input) : null;
  if (!expected || !row.row_mac || expected.length !== row.row_mac.length || !crypto.timingSafeEqual(expected, row.row_mac)) {
    const message = `${label(row)}: its catalog row fails its keyed hash (changed outside the kiosk); export stopped, nothing was written`;
    kiosk.integrityEvent(`recording ${row.identifier ?? `#${row.id}`} v${row.version}`, row.id, 'catalog-row-mac', 'export');
    throw new KioskError('integrity', message, [problem('catalog', 'export.integrity.row-mac', message, label(row))]);
  }
}
