// PL-4.1: identifier, date and duration come from the device, or a clerk
// supplies them right after the action. Each field supplied is recorded with
// who supplied it and when; the recording becomes complete once all three are
// known. A plain-folder recording is found by its provisional id until then.
import { parsePlDate, parsePlDuration } from '../../shared/pl3-format';
import { IDENTIFIER } from '../crp/metadata-rules';
import { sealRecording, upsertCase } from '../catalog';
import { KioskError } from '../errors';
import type { Kiosk } from '../kiosk';
import { problem } from '../../shared/problem';

export interface CompletionInput {
  /** The recording's identifier, or its provisional id (`sha256:…`) while it has none. */
  readonly ref: string;
  readonly version: number;
  readonly identifier?: string;
  readonly date?: string;
  readonly duration?: string;
  /** Files a plain-folder recording under a case (its PL-3.6 grouping). */
  readonly caseSignature?: string;
  readonly operator: string;
}

export interface CompletionResult {
  readonly identifier: string | null;
  readonly version: number;
  readonly status: 'complete' | 'incomplete' | 'held';
  readonly completed: Array<{ field: string; old: string | null; new: string }>;
}

interface Row {
  id: number;
  identifier: string | null;
  date: string | null;
  duration_sec: number | null;
  status: 'complete' | 'incomplete' | 'held';
  hold_reason: string | null;
  grouping: string | null;
  case_id: number;
}

export function completeRecording(kiosk: Kiosk, input: CompletionInput, now = new Date()): CompletionResult {
  const db = kiosk.db;
  if (!input.operator.trim()) throw new KioskError('usage', '--operator is required: who completed the metadata is recorded (PL-4.1)');
  const row = db
    .prepare(
      `SELECT id, identifier, date, duration_sec, status, hold_reason, grouping, case_id FROM recordings
        WHERE version = @v AND purged_at IS NULL AND (identifier = @ref OR (identifier IS NULL AND json_extract(extra_json, '$.provisionalId') = @ref))`,
    )
    .get({ v: input.version, ref: input.ref }) as Row | undefined;
  if (!row) throw new KioskError('not-found', `no recording ${input.ref} version ${input.version}`);
  const changes: Array<{ field: string; column: string; old: string | null; new: string; value: string | number }> = [];
  if (input.identifier !== undefined) {
    if (!IDENTIFIER.test(input.identifier))
      throw new KioskError('invalid-input', `identifier "${input.identifier}" is not alphanumeric (PL-3.1)`, [problem('--identifier', 'pl3.identifier.format', 'not an alphanumeric identifier', 'identifier')]);
    if (row.identifier !== null && row.identifier !== input.identifier)
      throw new KioskError('refused', `${row.identifier} already has an identifier from the device; it is not replaced`);
    changes.push({ field: 'identifier', column: 'identifier', old: row.identifier, new: input.identifier, value: input.identifier });
  }
  if (input.date !== undefined) {
    const d = parsePlDate(input.date);
    if (!d) throw new KioskError('invalid-input', `date "${input.date}" is not YYYY-MM-DDhh:mm:ss (PL-3.4)`, [problem('--date', 'pl3.date.format', 'not YYYY-MM-DDhh:mm:ss', 'date')]);
    changes.push({ field: 'date', column: 'date', old: row.date, new: d.iso, value: d.iso });
  }
  if (input.duration !== undefined) {
    const s = parsePlDuration(input.duration);
    if (s === null) throw new KioskError('invalid-input', `duration "${input.duration}" is not mm:ss or hh:mm:ss (PL-3.5)`, [problem('--duration', 'pl3.duration.format', 'not mm:ss or hh:mm:ss', 'duration')]);
    changes.push({ field: 'duration', column: 'duration_sec', old: row.duration_sec === null ? null : String(row.duration_sec), new: input.duration, value: s });
  }
  if (changes.length === 0 && !input.caseSignature) throw new KioskError('usage', 'nothing to complete: give --identifier, --date, --duration or --case');
  const at = now.toISOString();
  let status = row.status;
  db.transaction(() => {
    const log = db.prepare('INSERT INTO completions (recording_id, field, old_value, new_value, operator, at) VALUES (?, ?, ?, ?, ?, ?)');
    for (const c of changes) {
      db.prepare(`UPDATE recordings SET ${c.column} = ? WHERE id = ?`).run(c.value, row.id);
      log.run(row.id, c.field, c.old, c.new, input.operator, at);
    }
    if (input.caseSignature) {
      const caseId = upsertCase(db, { jurisdiction: kiosk.config.jurisdiction, signature: input.caseSignature, court: kiosk.config.organisation.name, caseNumber: null, proceedingsNumber: null, extra: {} }, at);
      db.prepare('UPDATE recordings SET case_id = ?, grouping = ? WHERE id = ?').run(caseId, input.caseSignature, row.id);
      log.run(row.id, 'grouping', row.grouping, input.caseSignature, input.operator, at);
    }
    const now = db.prepare('SELECT identifier, date, duration_sec, status, hold_reason FROM recordings WHERE id = ?').get(row.id) as Row;
    if (now.status === 'incomplete' && now.identifier !== null && now.date !== null && now.duration_sec !== null) {
      status = 'complete';
      db.prepare("UPDATE recordings SET status = 'complete', hold_reason = NULL WHERE id = ?").run(row.id);
    }
    sealRecording(db, row.id, kiosk.rowMac);
  })();
  const final = db.prepare('SELECT identifier FROM recordings WHERE id = ?').get(row.id) as { identifier: string | null };
  kiosk.log.append('completion', {
    recording: { ref: input.ref, identifier: final.identifier, version: input.version }, operator: input.operator,
    fields: changes.map(({ field, old, new: n }) => ({ field, old, new: n })), case: input.caseSignature ?? null, status,
  });
  return { identifier: final.identifier, version: input.version, status, completed: changes.map(({ field, old, new: n }) => ({ field, old, new: n })) };
}
