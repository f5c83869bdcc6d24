// bag-info.txt (package-info.txt before 0.96), RFC 8493 §2.2.2: `Label: value`
// lines, continuation lines indented, labels repeatable and order kept. In
// 1.0 the form is strict (one whitespace after the colon, no whitespace at
// either end of the label); before 1.0 whitespace around the colon is allowed.
import type { LineEvent } from '../lines';
import type { ProblemSink } from '../problem-sink';
import { quote } from '../names';

export const MAX_BAG_INFO_ENTRIES = 10_000;
/** One value, continuation lines included. */
export const MAX_BAG_INFO_VALUE_CHARS = 64 * 1024;

/** Reserved labels that RFC 8493 says MUST NOT / SHOULD NOT repeat. */
const MUST_NOT_REPEAT = new Set(['payload-oxum']);
const SHOULD_NOT_REPEAT = new Set(['bagging-date', 'bag-size', 'bag-group-identifier', 'bag-count']);

export async function parseBagInfo(
  file: string,
  lines: AsyncIterable<LineEvent>,
  v1: boolean,
  sink: ProblemSink,
): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  let current: [string, string] | null = null;
  let capped = false;
  for await (const ev of lines) {
    const field = `line ${ev.lineNo}`;
    if (ev.kind === 'too-long') {
      sink.error(file, 'bagit.line.too-long', `${file} line ${ev.lineNo} is longer than the limit and was skipped`, field);
      current = null;
      continue;
    }
    let text = ev.text;
    if (ev.lineNo === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
    if (text.trim() === '') {
      sink.warn(file, 'bagit.baginfo.blank-line', `${file} line ${ev.lineNo} is blank`, field);
      current = null;
      continue;
    }
    if (/^[ \t]/.test(text)) {
      if (!current) {
        sink.error(file, 'bagit.baginfo.format', `${file} line ${ev.lineNo} is indented but continues no element`, field);
        continue;
      }
      const add = text.trim();
      if (current[1].length + add.length + 1 > MAX_BAG_INFO_VALUE_CHARS) {
        sink.error(file, 'bagit.baginfo.too-long', `the value of ${quote(current[0], 60)} in ${file} exceeds ${MAX_BAG_INFO_VALUE_CHARS} characters`, field);
        continue;
      }
      current[1] = current[1] === '' ? add : `${current[1]} ${add}`;
      continue;
    }
    const colon = text.indexOf(':');
    if (colon <= 0) {
      sink.error(file, 'bagit.baginfo.format', `${file} line ${ev.lineNo} is not "Label: value": ${quote(text, 80)}`, field);
      current = null;
      continue;
    }
    const rawLabel = text.slice(0, colon);
    const rest = text.slice(colon + 1);
    if (v1) {
      if (/\s$/.test(rawLabel)) {
        sink.error(file, 'bagit.baginfo.format', `${file} line ${ev.lineNo}: the label ends with whitespace (allowed only before BagIt 1.0)`, field);
      } else if (rest !== '' && !/^[ \t]/.test(rest)) {
        sink.error(file, 'bagit.baginfo.format', `${file} line ${ev.lineNo}: the colon must be followed by one space or tab`, field);
      }
    }
    if (out.length >= MAX_BAG_INFO_ENTRIES) {
      if (!capped) sink.error(file, 'bagit.baginfo.too-many-entries', `${file} has more than ${MAX_BAG_INFO_ENTRIES} elements; the rest were not read`, field);
      capped = true;
      break;
    }
    current = [rawLabel.trim(), rest.trim()];
    out.push(current);
  }
  const seen = new Map<string, number>();
  for (const [label] of out) seen.set(label.toLowerCase(), (seen.get(label.toLowerCase()) ?? 0) + 1);
  for (const [label, n] of seen) {
    if (n < 2) continue;
    if (MUST_NOT_REPEAT.has(label)) sink.error(file, 'bagit.baginfo.repeated', `${file} has ${n} ${label} elements; it must not be repeated`, label);
    else if (SHOULD_NOT_REPEAT.has(label)) sink.warn(file, 'bagit.baginfo.repeated', `${file} has ${n} ${label} elements; it should not be repeated`, label);
  }
  return out;
}
