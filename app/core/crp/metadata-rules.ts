// Layer 3 of validation: the metadata rules of the regulation and of the UA
// notice, each its own rule id, so a clerk reads which rule and which field.
// Outcomes: a Problem rejects the package; a hold keeps the recording
// for a clerk (UA-5, PL-4.1) — never filed by guess.
import { type Problem, problem } from '../../shared/problem';
import { parsePlDate, parsePlDuration } from '../../shared/pl3-format';
import type { CrpRecording, RecordingsFile } from './schema';

export const UA_CASE_NUMBER = /^\d{1,4}\/\d{1,7}\/\d{2}(-[а-яієїґ]{1,2})?$/u;
export const UA_PROCEEDINGS_NUMBER = /^\d{1,2}(-[а-яієїґ]{1,2})?\/\d{1,4}\/\d{1,7}\/\d{2}$/u;
export const UA_PROTOCOL_TITLE = 'Протокол судового засідання підсистеми ВКЗ';
/** PL-3.1: an unambiguous alphanumeric string; we allow the separators devices use. */
export const IDENTIFIER = /^[\p{L}\p{N}][\p{L}\p{N}._\-/]{0,127}$/u;

export interface RecordingVerdict {
  /** Index in recordings.json. */
  readonly index: number;
  /** PL-4.1: identifier, date or duration missing → incomplete until a clerk completes it. */
  readonly incomplete: readonly ('identifier' | 'date' | 'duration')[];
  /** Reasons to hold the recording for a clerk (UA-5 routing, unsigned protocol…). */
  readonly holds: readonly string[];
  readonly dateIso: string | null;
  readonly durationSec: number | null;
}

export interface MetadataReport {
  readonly problems: Problem[];
  readonly recordings: RecordingVerdict[];
}

const FILE = 'recordings.json';

export function checkMetadata(doc: RecordingsFile): MetadataReport {
  const problems: Problem[] = [];
  const caseHolds: string[] = [];
  const c = doc.case;

  if (c.jurisdiction === 'UA') {
    if (c.caseNumber === null || c.caseNumber === '') caseHolds.push('ua.case-number.missing');
    else if (!UA_CASE_NUMBER.test(c.caseNumber)) caseHolds.push('ua.case-number.malformed');
    if (c.proceedingsNumber !== null && c.proceedingsNumber !== '' && !UA_PROCEEDINGS_NUMBER.test(c.proceedingsNumber))
      caseHolds.push('ua.proceedings-number.malformed');
  }

  const seen = new Map<string, number>();
  const verdicts = doc.recordings.map((r, i): RecordingVerdict => {
    const at = (f: string) => `recordings[${i}].${f}`;
    const incomplete: ('identifier' | 'date' | 'duration')[] = [];
    const holds = [...caseHolds];

    if (r.identifier === null) incomplete.push('identifier');
    else if (!IDENTIFIER.test(r.identifier))
      problems.push(problem(FILE, 'pl3.identifier.format', `identifier "${r.identifier}" is not an alphanumeric identifier (PL-3.1)`, at('identifier')));

    let dateIso: string | null = null;
    if (r.date === null) incomplete.push('date');
    else {
      const d = parsePlDate(r.date);
      if (!d) problems.push(problem(FILE, 'pl3.date.format', `date "${r.date}" is not YYYY-MM-DDhh:mm:ss (PL-3.4)`, at('date')));
      else dateIso = d.iso;
    }

    let durationSec: number | null = null;
    if (r.duration === null) incomplete.push('duration');
    else {
      durationSec = parsePlDuration(r.duration);
      if (durationSec === null) problems.push(problem(FILE, 'pl3.duration.format', `duration "${r.duration}" is not mm:ss or hh:mm:ss (PL-3.5)`, at('duration')));
    }

    if (r.grouping !== null && r.grouping !== c.signature && r.grouping !== c.caseNumber)
      problems.push(problem(FILE, 'pl3.grouping.mismatch', `grouping "${r.grouping}" does not name this package's case "${c.signature}" (PL-3.6)`, at('grouping')));

    checkVersion(r, i, problems);

    if (r.identifier !== null) {
      const key = `${r.identifier}\u0000${r.version}`;
      const prev = seen.get(key);
      if (prev !== undefined)
        problems.push(problem(FILE, 'pl3.version.duplicate', `identifier "${r.identifier}" version ${r.version} appears twice (recordings[${prev}] and [${i}])`, at('version')));
      else seen.set(key, i);
    }

    r.parts.forEach((p, j) => {
      if (!p.path.startsWith('data/')) problems.push(problem(FILE, 'crp.part.path', `part "${p.path}" is not under data/`, `recordings[${i}].parts[${j}].path`));
      else if (!/\.mp4$/i.test(p.path)) problems.push(problem(FILE, 'crp.part.type', `part "${p.path}" is not an .mp4 file`, `recordings[${i}].parts[${j}].path`));
    });
    const partPaths = r.parts.map((p) => p.path);
    if (new Set(partPaths).size !== partPaths.length) problems.push(problem(FILE, 'ua2.parts.duplicate', 'the same file is listed twice as a part (UA-2)', at('parts')));

    r.annotations.forEach((a, j) => {
      if (parsePlDuration(a.at) === null)
        problems.push(problem(FILE, 'crp.annotation.at', `annotation time "${a.at}" is not mm:ss or hh:mm:ss`, `recordings[${i}].annotations[${j}].at`));
    });

    r.attachments.forEach((a, j) => {
      const f = `recordings[${i}].attachments[${j}]`;
      if (!a.path.startsWith('data/')) problems.push(problem(FILE, 'crp.attachment.path', `attachment "${a.path}" is not under data/`, `${f}.path`));
      if (a.signature && !a.signature.startsWith('data/')) problems.push(problem(FILE, 'crp.attachment.path', `signature "${a.signature}" is not under data/`, `${f}.signature`));
      if (c.jurisdiction === 'UA' && a.kind === 'protocol' && a.title !== UA_PROTOCOL_TITLE)
        holds.push('ua6.protocol-title');
    });

    return { index: i, incomplete, holds, dateIso, durationSec };
  });

  // PL-3.7: a later version names an original that is in this package or already stored;
  // the "already stored" half is checked at ingest against the catalog.
  return { problems, recordings: verdicts };
}

function checkVersion(r: CrpRecording, i: number, problems: Problem[]): void {
  const at = `recordings[${i}].supersedes`;
  if (r.version === 0 && r.supersedes !== null)
    problems.push(problem(FILE, 'pl3.version.original-supersedes', 'version 0 is the original and cannot supersede anything (PL-3.7)', at));
  if (r.version > 0) {
    if (r.supersedes === null) problems.push(problem(FILE, 'pl3.version.supersedes-missing', `version ${r.version} must name the identifier and version it changes (PL-3.7)`, at));
    else {
      // A changed version may carry a new identifier from the device; when it
      // keeps the same one, the chain must point backwards.
      if (r.supersedes.identifier === r.identifier && r.supersedes.version >= r.version)
        problems.push(problem(FILE, 'pl3.version.supersedes-order', `version ${r.version} cannot supersede version ${r.supersedes.version} (PL-3.7)`, at));
    }
  }
}
