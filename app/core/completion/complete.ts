// PL-4.1 and UA-5: a record the device or the source left short is held with
// a list of reasons (shared/holds.ts). A clerk or an administrator resolves a
// reason by supplying what is missing: identifier, date, duration (PL-4.1),
// the case it belongs to (a plain folder's recordings, a missing or malformed
// ЄУН); or releases a reason nothing can be supplied for (a protocol's
// signature or title) with a note. Each step is a completion row and a log
// entry naming the account; the record becomes complete only when no reason
// is left. A plain-folder recording is found by its provisional id until it
// has an identifier.
import { parsePlDate, parsePlDuration } from '../../shared/pl3-format';
import { HOLD_RESOLUTION, encodeHolds, holdReason, parseHolds, statusOfHolds, type HoldReason, type HoldRule } from '../../shared/holds';
import { IDENTIFIER, UA_CASE_NUMBER } from '../crp/metadata-rules';
import { sealRecording, upsertCase } from '../catalog';
import { KioskError } from '../errors';
import type { Kiosk } from '../kiosk';
import { problem } from '../../shared/problem';
import { UNASSIGNED_CASE } from '../ingest/plain-folder';

/** Who resolves: an authenticated account (clerk or administrator), recorded by id and name. */
export interface Resolver {
  readonly id: string;
  readonly name: string;
}

export interface CompletionInput {
  /** The recording's identifier, or its provisional id (`sha256:…`) while it has none. */
  readonly ref: string;
  readonly version: number;
  readonly identifier?: string;
  readonly date?: string;
  readonly duration?: string;
  /** The case it belongs to (PL-3.6 grouping; for a UA record its ЄУН). */
  readonly caseSignature?: string;
  readonly by: Resolver;
}

export interface CompletionResult {
  readonly identifier: string | null;
  readonly version: number;
  readonly status: 'complete' | 'incomplete' | 'held';
  readonly completed: Array<{ field: string; old: string | null; new: string }>;
  /** Reasons this step resolved, and those still open. */
  readonly resolved: HoldReason[];
  readonly holds: HoldReason[];
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
  signature: string;
  jurisdiction: 'PL' | 'UA';
  court: string | null;
}

const label = (by: Resolver): string => `${by.name} (${by.id})`;

function findRow(kiosk: Kiosk, ref: string, version: number): Row {
  const row = kiosk.db
    .prepare(
      `SELECT r.id, r.identifier, r.date, r.duration_sec, r.status, r.hold_reason, r.grouping, r.case_id, c.signature, c.jurisdiction, c.court
         FROM recordings r JOIN cases c ON c.id = r.case_id
        WHERE r.version = @v AND r.purged_at IS NULL AND (r.identifier = @ref OR (r.identifier IS NULL AND json_extract(r.extra_json, '$.provisionalId') = @ref))`,
    )
    .get({ v: version, ref }) as Row | undefined;
  if (!row) throw new KioskError('not-found', `no recording ${ref} version ${version}`);
  return row;
}

/** The open reasons of a row; a record still filed under the plain folders' placeholder case waits for one, whatever older rows say. */
function openReasons(row: Row): HoldReason[] {
  const reasons = parseHolds(row.hold_reason);
  if (row.signature === UNASSIGNED_CASE && !reasons.some((r) => r.rule === 'case.unassigned')) reasons.push(holdReason('case.unassigned'));
  return reasons;
}

/** Writes the remaining reasons and the status they give, seals the row; returns the status. */
function storeReasons(kiosk: Kiosk, row: Row, remaining: readonly HoldReason[]): 'complete' | 'incomplete' | 'held' {
  const status = statusOfHolds(remaining);
  kiosk.db.prepare('UPDATE recordings SET status = ?, hold_reason = ? WHERE id = ?').run(status, encodeHolds(remaining), row.id);
  sealRecording(kiosk.db, row.id, kiosk.rowMac);
  return status;
}

export function completeRecording(kiosk: Kiosk, input: CompletionInput, now = new Date()): CompletionResult {
  const db = kiosk.db;
  const operator = label(input.by);
  const row = findRow(kiosk, input.ref, input.version);
  const changes: Array<{ field: string; column: string; old: string | null; new: string; value: string | number }> = [];
  const solved = new Set<HoldRule>();
  if (input.identifier !== undefined) {
    if (!IDENTIFIER.test(input.identifier))
      throw new KioskError('invalid-input', `identifier "${input.identifier}" is not alphanumeric (PL-3.1)`, [problem('--identifier', 'pl3.identifier.format', 'not an alphanumeric identifier', 'identifier')]);
    if (row.identifier !== null && row.identifier !== input.identifier)
      throw new KioskError('refused', `${row.identifier} already has an identifier from the device; it is not replaced`);
    changes.push({ field: 'identifier', column: 'identifier', old: row.identifier, new: input.identifier, value: input.identifier });
    solved.add('pl41.identifier.missing');
  }
  if (input.date !== undefined) {
    const d = parsePlDate(input.date);
    if (!d) throw new KioskError('invalid-input', `date "${input.date}" is not YYYY-MM-DDhh:mm:ss (PL-3.4)`, [problem('--date', 'pl3.date.format', 'not YYYY-MM-DDhh:mm:ss', 'date')]);
    changes.push({ field: 'date', column: 'date', old: row.date, new: d.iso, value: d.iso });
    solved.add('pl41.date.missing');
  }
  if (input.duration !== undefined) {
    const s = parsePlDuration(input.duration);
    if (s === null) throw new KioskError('invalid-input', `duration "${input.duration}" is not mm:ss or hh:mm:ss (PL-3.5)`, [problem('--duration', 'pl3.duration.format', 'not mm:ss or hh:mm:ss', 'duration')]);
    changes.push({ field: 'duration', column: 'duration_sec', old: row.duration_sec === null ? null : String(row.duration_sec), new: input.duration, value: s });
    solved.add('pl41.duration.missing');
  }
  const caseSig = input.caseSignature?.trim();
  if (input.caseSignature !== undefined) {
    if (!caseSig || caseSig === UNASSIGNED_CASE)
      throw new KioskError('invalid-input', 'the case signature must not be empty', [problem('--case', 'pl3.grouping.empty', 'a case signature or ЄУН', 'caseSignature')]);
    // UA-5: a record is filed under a well-formed ЄУН only, never by guess.
    if (row.jurisdiction === 'UA' && !UA_CASE_NUMBER.test(caseSig))
      throw new KioskError('invalid-input', `"${caseSig}" is not a case number (ЄУН) like 757/12345/25-ц (UA-5)`, [problem('--case', 'ua.case-number.malformed', 'not a ЄУН', 'caseSignature')]);
    solved.add('case.unassigned').add('ua.case-number.missing').add('ua.case-number.malformed');
  }
  if (changes.length === 0 && caseSig === undefined) throw new KioskError('usage', 'nothing to complete: give --identifier, --date, --duration or --case');
  const at = now.toISOString();
  const before = openReasons(row);
  const resolved = before.filter((r) => solved.has(r.rule));
  const remaining = before.filter((r) => !solved.has(r.rule));
  let status = row.status;
  db.transaction(() => {
    const log = db.prepare('INSERT INTO completions (recording_id, field, old_value, new_value, operator, at) VALUES (?, ?, ?, ?, ?, ?)');
    for (const c of changes) {
      db.prepare(`UPDATE recordings SET ${c.column} = ? WHERE id = ?`).run(c.value, row.id);
      log.run(row.id, c.field, c.old, c.new, operator, at);
    }
    if (caseSig !== undefined) {
      const ua = row.jurisdiction === 'UA';
      const caseId = upsertCase(db, { jurisdiction: row.jurisdiction, signature: caseSig, court: row.court ?? kiosk.config.organisation.name, caseNumber: ua ? caseSig : null, proceedingsNumber: null, extra: {} }, at);
      db.prepare('UPDATE recordings SET case_id = ?, grouping = ? WHERE id = ?').run(caseId, caseSig, row.id);
      log.run(row.id, 'grouping', row.grouping, caseSig, operator, at);
    }
    status = storeReasons(kiosk, row, remaining);
    // In the same transaction: never completed-but-unlogged.
    const final = db.prepare('SELECT identifier FROM recordings WHERE id = ?').get(row.id) as { identifier: string | null };
    kiosk.log.append('completion', {
      recording: { ref: input.ref, identifier: final.identifier, version: input.version }, operator, account: { id: input.by.id, name: input.by.name },
      fields: changes.map(({ field, old, new: n }) => ({ field, old, new: n })), case: caseSig ?? null, status,
      resolved: resolved.map((r) => r.rule), open: remaining.map((r) => r.rule),
    });
  })();
  const final = db.prepare('SELECT identifier FROM recordings WHERE id = ?').get(row.id) as { identifier: string | null };
  return { identifier: final.identifier, version: input.version, status, completed: changes.map(({ field, old, new: n }) => ({ field, old, new: n })), resolved, holds: remaining };
}

export interface ReleaseInput {
  readonly ref: string;
  readonly version: number;
  /** The reason released: one that nothing can be supplied for (a protocol's signature or title, a proceedings number). */
  readonly rule: string;
  /** Why the person releases it, in words; logged. */
  readonly note: string;
  readonly by: Resolver;
}

/** Releases one reason of a held record with a note; the record is complete once nothing else holds it. */
export function releaseHold(kiosk: Kiosk, input: ReleaseInput, now = new Date()): CompletionResult {
  const row = findRow(kiosk, input.ref, input.version);
  const note = input.note.trim();
  if (!note) throw new KioskError('usage', 'a release needs --note TEXT: why the record may be shown despite this reason', [problem('--note', 'hold.release.note', 'a note is required', 'note')]);
  const before = openReasons(row);
  const target = before.find((r) => r.rule === input.rule);
  if (!target) throw new KioskError('refused', `${input.ref} v${input.version} is not held for ${input.rule}`, [problem('--rule', 'hold.release.not-held', 'no such open reason', 'rule')]);
  if (HOLD_RESOLUTION[target.rule] !== 'release')
    throw new KioskError('refused', `${target.words}: supply it (kioskctl complete), it cannot be released`, [problem('--rule', 'hold.release.supply', `resolved by supplying the ${HOLD_RESOLUTION[target.rule]}`, 'rule')]);
  const remaining = before.filter((r) => r !== target);
  const operator = label(input.by);
  const at = now.toISOString();
  let status = row.status;
  kiosk.db.transaction(() => {
    kiosk.db.prepare('INSERT INTO completions (recording_id, field, old_value, new_value, operator, at) VALUES (?, ?, ?, ?, ?, ?)').run(row.id, `release:${target.rule}`, target.words, note, operator, at);
    status = storeReasons(kiosk, row, remaining);
    kiosk.log.append('hold.released', {
      recording: { ref: input.ref, identifier: row.identifier, version: input.version }, operator, account: { id: input.by.id, name: input.by.name },
      rule: target.rule, words: target.words, note, status, open: remaining.map((r) => r.rule),
    });
  })();
  return { identifier: row.identifier, version: input.version, status, completed: [], resolved: [target], holds: remaining };
}
