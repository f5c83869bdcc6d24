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
