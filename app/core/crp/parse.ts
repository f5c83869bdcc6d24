// Reading recordings.json: UTF-8 without BOM (FORMATS.md), bounded size
// (crp.json.size) and nesting depth (crp.json.depth), then the schema. Every
// failure is a Problem naming the file, the field and the rule.
import { type Problem, problem } from '../../shared/problem';
import { MAX_JSON_DEPTH, jsonDepthAbove } from '../../shared/json-limits';
import { recordingsFileSchema, KNOWN_CASE_KEYS, KNOWN_RECORDING_KEYS, type RecordingsFile } from './schema';

export const MAX_RECORDINGS_JSON_BYTES = 8 << 20;
const FILE = 'recordings.json';

function fieldOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '') || '(root)';
}

export type ParseResult = { ok: true; doc: RecordingsFile; unknownFields: string[] } | { ok: false; problems: Problem[] };

/** The size limit's problem, also for a caller that refuses the file before reading it. */
export const recordingsJsonTooLarge = (): Problem => problem(FILE, 'crp.json.size', `larger than ${MAX_RECORDINGS_JSON_BYTES} bytes`);

export function parseRecordingsJson(bytes: Uint8Array): ParseResult {
  if (bytes.length > MAX_RECORDINGS_JSON_BYTES) return { ok: false, problems: [recordingsJsonTooLarge()] };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { ok: false, problems: [problem(FILE, 'crp.recordings-json.bom', 'starts with a byte-order mark; the profile requires UTF-8 without BOM')] };
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))
    return { ok: false, problems: [problem(FILE, 'crp.recordings-json.encoding', 'is UTF-16; the profile requires UTF-8')] };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problems: [problem(FILE, 'crp.recordings-json.encoding', 'is not valid UTF-8')] };
  }
  const deep = jsonDepthAbove(text);
  if (deep !== null)
    return { ok: false, problems: [problem(FILE, 'crp.json.depth', `nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels; it was not parsed`)] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [problem(FILE, 'crp.recordings-json.syntax', `is not valid JSON: ${(e as Error).message}`)] };
  }
  const r = recordingsFileSchema.safeParse(json);
  if (!r.success)
    return {
      ok: false,
      problems: r.error.issues.map((i) => problem(FILE, `crp.recordings-json.${i.code}`, `${fieldOf(i.path)}: ${i.message}`, fieldOf(i.path))),
    };
  const unknownFields: string[] = [];
  for (const k of Object.keys(r.data.case)) if (!KNOWN_CASE_KEYS.has(k)) unknownFields.push(`case.${k}`);
  r.data.recordings.forEach((rec, i) => {
    for (const k of Object.keys(rec)) if (!KNOWN_RECORDING_KEYS.has(k)) unknownFields.push(`recordings[${i}].${k}`);
  });
  for (const k of Object.keys(r.data)) if (!['profile', 'case', 'recordings'].includes(k)) unknownFields.push(k);
  return { ok: true, doc: r.data, unknownFields };
}
