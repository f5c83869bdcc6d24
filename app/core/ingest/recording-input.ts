// The one mapping from a crp/1 recording (from a carrier's recordings.json or
// a TIS listing made into the same shape) to catalog rows, so both sources
// store exactly the same fields the same way.
import type { AttachmentInput, CaseInput, RecordingInput } from '../catalog';
import type { CrpCase, CrpRecording, RecordingVerdict } from '../crp';
import { parsePlDuration } from '../../shared/pl3-format';
import { encodeHolds, holdReason, parseHolds, type HoldReason } from '../../shared/holds';

export interface StoredRef {
  readonly objectId: string;
  readonly sha256: string;
  readonly size: number;
}

const CASE_KEYS = ['jurisdiction', 'signature', 'court', 'caseNumber', 'proceedingsNumber'];
const RECORDING_KEYS = ['identifier', 'creator', 'title', 'date', 'duration', 'grouping', 'version', 'supersedes', 'parts', 'annotations', 'attachments', 'envelopeSheet'];

/** Fields the profile does not know: kept and shown to administrators (FORMATS.md). */
export function extraOf(o: Record<string, unknown>, known: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !known.includes(k)));
}

export function caseInput(c: CrpCase): CaseInput {
  return {
    jurisdiction: c.jurisdiction, signature: c.signature, court: c.court, caseNumber: c.caseNumber ?? null, proceedingsNumber: c.proceedingsNumber ?? null,
    extra: extraOf(c, CASE_KEYS),
  };
}

export function statusOf(verdict: RecordingVerdict, holds: readonly string[]): RecordingInput['status'] {
  return verdict.incomplete.length ? 'incomplete' : holds.length ? 'held' : 'complete';
}

/**
 * The structured reasons (shared/holds.ts) a recording is stored with: one per
 * PL-4.1 field the device did not record, one per hold of the metadata or
 * protocol rules ("rule" or "rule: detail").
 */
export function holdReasonsAtImport(incomplete: readonly ('identifier' | 'date' | 'duration')[], holds: readonly string[]): HoldReason[] {
  return [...incomplete.map((f) => holdReason(`pl41.${f}.missing`)), ...holds.flatMap((h) => parseHolds(h))];
}

export function recordingInput(args: {
  readonly rec: CrpRecording;
  readonly verdict: RecordingVerdict;
  readonly caseId: number;
  readonly importId: number;
  readonly stored: (path: string) => StoredRef;
  readonly media: (path: string, seq: number) => unknown;
  readonly signatureVerdict: (attachmentPath: string) => unknown;
  readonly flags: readonly string[];
  readonly holds: readonly string[];
}): RecordingInput {
  const { rec, verdict, holds } = args;
  const attachments: AttachmentInput[] = rec.attachments.map((a, seq) => {
    const s = args.stored(a.path);
    const sig = a.signature ? args.stored(a.signature) : null;
    return {
      seq, kind: a.kind, title: a.title ?? null, name: a.path, objectId: s.objectId, sha256: s.sha256, size: s.size,
      signature: sig && a.signature ? { name: a.signature, objectId: sig.objectId, sha256: sig.sha256, size: sig.size, verdict: args.signatureVerdict(a.path) ?? null } : null,
    };
  });
  return {
    caseId: args.caseId, importId: args.importId, identifier: rec.identifier, version: rec.version,
    supersedes: rec.supersedes ? { identifier: rec.supersedes.identifier, version: rec.supersedes.version } : null,
    creator: { name: rec.creator.name, court: rec.creator.court }, title: rec.title, date: verdict.dateIso, durationSec: verdict.durationSec, grouping: rec.grouping,
    status: statusOf(verdict, holds),
    holdReason: encodeHolds(holdReasonsAtImport(verdict.incomplete, holds)),
    flags: [...args.flags], envelopeSheet: rec.envelopeSheet === null ? null : String(rec.envelopeSheet),
    extra: extraOf(rec, RECORDING_KEYS),
    parts: rec.parts.map((p, seq) => {
      const s = args.stored(p.path);
      return { seq, name: p.path, objectId: s.objectId, sha256: s.sha256, size: s.size, media: args.media(p.path, seq) };
    }),
    attachments,
    annotations: rec.annotations.map((a) => ({ atSec: parsePlDuration(a.at) ?? 0, text: a.text })),
  };
}
