// Read-side queries over recordings, shaped for `kioskctl list` and the UI.
import type { CatalogDb } from './db';
import type { RecordingSummary, Jurisdiction } from '../../shared/api-contract';
import { recordingColumns, type RecordingRow } from './rows';

type Row = RecordingRow & {
  jurisdiction: Jurisdiction;
  signature: string;
  court: string | null;
  case_number: string | null;
  proceedings_number: string | null;
  parts: number;
};

export function listRecordings(db: CatalogDb, opts: { caseSignature?: string } = {}): RecordingSummary[] {
  const rows = db
    .prepare(
      `SELECT ${recordingColumns('r')},
              c.jurisdiction, c.signature, c.court, c.case_number, c.proceedings_number,
              (SELECT count(*) FROM parts p WHERE p.recording_id = r.id) AS parts
         FROM recordings r JOIN cases c ON c.id = r.case_id
        WHERE r.purged_at IS NULL AND (@sig IS NULL OR c.signature = @sig OR c.case_number = @sig)
        ORDER BY c.signature, r.date, r.identifier, r.version`,
    )
    .all({ sig: opts.caseSignature ?? null }) as Row[];
  return rows.map((r) => ({
    identifier: r.identifier,
    version: r.version,
    case: {
      jurisdiction: r.jurisdiction,
      signature: r.signature,
      court: r.court,
      caseNumber: r.case_number,
      proceedingsNumber: r.proceedings_number,
    },
    title: r.title,
    date: r.date,
    durationSec: r.duration_sec,
    status: r.status,
    flags: JSON.parse(r.flags_json) as string[],
    parts: r.parts,
    supersedes:
      r.supersedes_identifier !== null && r.supersedes_version !== null
        ? { identifier: r.supersedes_identifier, version: r.supersedes_version }
        : null,
    creator: { name: r.creator_name, court: r.creator_court },
  }));
}
