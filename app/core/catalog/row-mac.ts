// each recording's catalog rows (metadata, hashes, parts, attachments,
// annotations) are covered by a keyed hash. The same function builds the MAC
// input at write time and at verification, from what is in the database, so an
// edit made with the sqlite3 tool changes the input and is detected and named.
import { canonicalJson } from '../../shared/canonical-json';
import type { CatalogDb } from './db';
import { recordingColumns, type RecordingRow } from './rows';

export type MacFn = (data: Buffer) => Buffer;

type RecRow = Omit<RecordingRow, 'row_mac'>;

export function recordingMacInput(db: CatalogDb, recordingId: number): Buffer | null {
  const r = db
    .prepare(
`SELECT ${recordingColumns(undefined, { withMac: false })} FROM recordings WHERE id = ?`,
    )
    .get(recordingId) as RecRow | undefined;
  if (!r) return null;
  const c = db.prepare('SELECT jurisdiction, signature, court, case_number, proceedings_number FROM cases WHERE id = ?').get(r.case_id);
  const parts = db.prepare('SELECT seq, name, object_id, sha256, size, media_json FROM parts WHERE recording_id = ? ORDER BY seq').all(recordingId);
  const attachments = db
    .prepare(
      `SELECT seq, kind, title, name, object_id, sha256, size, signature_name, signature_object_id, signature_sha256, signature_size, signature_verdict_json
         FROM attachments WHERE recording_id = ? ORDER BY seq`,
    )
    .all(recordingId);
  const annotations = db.prepare('SELECT seq, at_sec, text FROM annotations WHERE recording_id = ? ORDER BY seq').all(recordingId);
  const objects = db
    .prepare(
      `SELECT o.id, o.sha256, o.size, hex(o.wrapped_key) AS wk FROM objects o
        WHERE o.id IN (SELECT object_id FROM parts WHERE recording_id = @id
                       UNION SELECT object_id FROM attachments WHERE recording_id = @id
                       UNION SELECT signature_object_id FROM attachments WHERE recording_id = @id)
        ORDER BY o.id`,
    )
    .all({ id: recordingId });
  const { case_id: _c, ...rest } = r;
  return Buffer.from(canonicalJson({ v: 1, recording: rest, case: c, parts, attachments, annotations, objects }));
}

export function sealRecording(db: CatalogDb, recordingId: number, mac: MacFn): void {
  const input = recordingMacInput(db, recordingId);
  if (!input) throw new Error(`no recording ${recordingId}`);
  db.prepare('UPDATE recordings SET row_mac = ? WHERE id = ?').run(mac(input), recordingId);
}

export interface RowMacProblem {
  readonly recordingId: number;
  readonly identifier: string | null;
  readonly version: number;
  readonly problem: string;
}

export function verifyRowMacs(db: CatalogDb, mac: MacFn): RowMacProblem[] {
  const rows = db.prepare('SELECT id, identifier, version, row_mac FROM recordings ORDER BY id').all() as Array<{
    id: number;
    identifier: string | null;
    version: number;
    row_mac: Buffer | null;
  }>;
  const out: RowMacProblem[] = [];
  for (const r of rows) {
    const input = recordingMacInput(db, r.id);
    const expect = input ? mac(input) : null;
    if (!r.row_mac || !expect || r.row_mac.length !== expect.length || !expect.equals(r.row_mac))
      out.push({ recordingId: r.id, identifier: r.identifier, version: r.version, problem: 'catalog row changed outside the kiosk (keyed hash mismatch)' });
  }
  return out;
}
