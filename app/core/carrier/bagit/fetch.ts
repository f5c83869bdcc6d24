// fetch.txt (RFC 8493 §2.2.3): `url length filepath` lines. The kiosk never
// fetches (imports run offline), but the paths are checked like manifest
// paths: a hostile fetch.txt must not name anything outside the payload.
import type { LineEvent } from '../lines';
import type { ProblemSink } from '../problem-sink';
import { nfc, quote } from '../names';
import { checkRelativePath, decodeBagPath } from './paths';

const F = 'fetch.txt';

/** Returns NFC key -> path of every well-formed entry. */
export async function parseFetch(
  file: string,
  lines: AsyncIterable<LineEvent>,
  opts: { v1: boolean; maxEntries: number },
  sink: ProblemSink,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const ev of lines) {
    const field = `line ${ev.lineNo}`;
    if (ev.kind === 'too-long') {
      sink.error(file, 'bagit.line.too-long', `${F} line ${ev.lineNo} is longer than the limit and was skipped`, field);
      continue;
    }
    if (ev.text.trim() === '') continue;
    const m = /^(\S+)[ \t]+(\d+|-)[ \t]+(.+)$/.exec(ev.text);
    if (!m || m[1] === undefined || m[3] === undefined) {
      sink.error(file, 'bagit.fetch.format', `${F} line ${ev.lineNo} is not "url length filepath": ${quote(ev.text, 120)}`, field);
      continue;
    }
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(m[1])) {
      sink.error(file, 'bagit.fetch.url', `${F} line ${ev.lineNo}: ${quote(m[1], 120)} is not an absolute URI`, field);
    }
    const raw = m[3];
    const { decoded, error } = decodeBagPath(raw, opts.v1);
    if (error) sink.error(file, 'bagit.path.percent-encoding', `${F} line ${ev.lineNo}: ${error}`, field);
    const checked = checkRelativePath(decoded, raw);
    for (const f of checked.findings) {
      sink.add(f.severity, file, `bagit.path.${f.rule}`, `${F} line ${ev.lineNo}: ${quote(raw, 120)}: ${f.message}`, field);
    }
    if (checked.path === null || error) continue;
    if (!checked.path.startsWith('data/')) {
      sink.error(file, 'bagit.fetch.outside-payload', `${F} line ${ev.lineNo}: ${quote(checked.path, 120)} is not under data/; fetch.txt must not list tag files`, field);
      continue;
    }
    if (out.size >= opts.maxEntries) {
      sink.error(file, 'bagit.fetch.too-many-entries', `${F} has more than ${opts.maxEntries} entries; reading stopped there`, field);
      break;
    }
    out.set(nfc(checked.path), checked.path);
  }
  return out;
}
