// The catalog's rows as SQLite returns them (column names as in the
// migrations), so each query states the columns it takes with Pick<> instead
// of redeclaring them.
import type { RecordingStatus } from '../../shared/api-contract';

export interface RecordingRow {
  id: number;
  case_id: number;
  identifier: string | null;
  version: number;
  supersedes_identifier: string | null;
  supersedes_version: number | null;
  creator_name: string | null;
  creator_court: string | null;
  title: string | null;
  date: string | null;
  duration_sec: number | null;
  grouping: string | null;
  status: RecordingStatus;
  hold_reason: string | null;
  flags_json: string;
  envelope_sheet: string | null;
  extra_json: string;
  import_id: number;
  row_mac: Buffer | null;
  purged_at: string | null;
}

/**
 * The recording columns covered by the row MAC: every column but row_mac
 * itself. One list, so a column added by a migration is read (and sealed) by
 * every query at once; the MAC input is built from exactly these (row-mac.ts).
 */
export const RECORDING_MAC_COLUMNS = [
  'id', 'case_id', 'identifier', 'version', 'supersedes_identifier', 'supersedes_version', 'creator_name', 'creator_court', 'title', 'date',
  'duration_sec', 'grouping', 'status', 'hold_reason', 'flags_json', 'envelope_sheet', 'extra_json', 'import_id', 'purged_at',
] as const satisfies ReadonlyArray<Exclude<keyof RecordingRow, 'row_mac'>>;

/**
 * The one SELECT list of a recording row, for every query that reads
 * recordings (row MAC, `list`, export selection, the media library):
 * `recordingColumns('r')` → `r.id, r.case_id, …, r.row_mac`.
 */
export function recordingColumns(alias?: string, opts: { withMac?: boolean } = {}): string {
  const cols: readonly string[] = opts.withMac === false ? RECORDING_MAC_COLUMNS : [...RECORDING_MAC_COLUMNS, 'row_mac'];
  return cols.map((c) => (alias ? `${alias}.${c}` : c)).join(', ');
}

export interface ImportRow {
  id: number;
  source_kind: string;
  source_ref: string;
  operator: string | null;
  started_at: string;
  finished_at: string | null;
  outcome: string;
  report_json: string;
  provenance_json: string;
}
