// bagit.txt, the bag declaration (RFC 8493 §2.1.1): exactly two lines,
// `BagIt-Version: M.N` and `Tag-File-Character-Encoding: ENCODING`, UTF-8,
// no BOM. Parsed strictly; a lenient second reading recovers version and
// encoding where it can so the rest of the bag can still be checked and the
// clerk sees every problem at once.
import type { ProblemSink } from '../problem-sink';
import { quote } from '../names';

export const DECLARATION = 'bagit.txt';
export const SUPPORTED_VERSIONS = ['0.93', '0.94', '0.95', '0.96', '0.97', '1.0'] as const;

export interface Declaration {
  /** As written, when it could be read at all. */
  readonly version: string | null;
  readonly encoding: string | null;
  /** True when version and encoding are known well enough to check the rest. */
  readonly usable: boolean;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

export function parseDeclaration(bytes: Uint8Array, sink: ProblemSink): Declaration {
  const F = DECLARATION;
  let body = bytes;
  if (UTF8_BOM.every((b, i) => bytes[i] === b)) {
    sink.error(F, 'bagit.declaration.bom', 'bagit.txt begins with a byte-order mark; RFC 8493 §2.1.1 forbids it');
    body = bytes.subarray(3);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    sink.error(F, 'bagit.declaration.encoding-invalid', 'bagit.txt is not valid UTF-8');
    return { version: null, encoding: null, usable: false };
  }
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();

  const version = readLine(lines[0], 'BagIt-Version', 1, sink);
  let encoding: string | null = null;
  if (lines.length < 2) {
    sink.error(F, 'bagit.declaration.encoding-missing', 'bagit.txt has no Tag-File-Character-Encoding line (line 2)', 'line 2');
  } else {
    encoding = readLine(lines[1], 'Tag-File-Character-Encoding', 2, sink);
  }
  if (lines.length > 2) {
    sink.error(F, 'bagit.declaration.format', `bagit.txt must have exactly two lines; it has ${lines.length}`, 'line 3');
  }
  let usable = version !== null;
  if (version !== null) {
    if (!/^\d+\.\d+$/.test(version)) {
      sink.error(F, 'bagit.declaration.version', `BagIt-Version ${quote(version)} is not of the form M.N`, 'line 1');
      usable = false;
    } else if (!(SUPPORTED_VERSIONS as readonly string[]).includes(version)) {
      sink.error(F, 'bagit.declaration.version-unsupported', `BagIt-Version ${version} is not supported (supported: ${SUPPORTED_VERSIONS.join(', ')})`, 'line 1');
      usable = false;
    }
  }
  return { version, encoding, usable };
}

/** Strict check of one `Label: value` line; returns the value read leniently. */
function readLine(line: string | undefined, label: string, n: number, sink: ProblemSink): string | null {
  const F = DECLARATION;
  const field = `line ${n}`;
  if (line === undefined || line === '') {
    sink.error(F, label === 'BagIt-Version' ? 'bagit.declaration.version-missing' : 'bagit.declaration.encoding-missing', `bagit.txt line ${n} must be "${label}: …"`, field);
    return null;
  }
  const strict = new RegExp(`^${label}: (\\S+)$`);
  const m = strict.exec(line);
  if (m) return m[1] ?? null;
  const lenient = new RegExp(`^\\s*${label}\\s*:\\s*(\\S+)\\s*$`, 'i').exec(line);
  if (!lenient) {
    sink.error(F, label === 'BagIt-Version' ? 'bagit.declaration.version-missing' : 'bagit.declaration.encoding-missing', `bagit.txt line ${n} must be "${label}: …", found ${quote(line, 80)}`, field);
    return null;
  }
  let why = 'must be written exactly';
  if (/^\s*\S+?\s+:/.test(line)) why = 'has whitespace before the colon';
  else if (/\s$/.test(line)) why = 'has trailing whitespace';
  else if (!line.startsWith(label)) why = `must start with "${label}" exactly (case and leading whitespace matter)`;
  else if (!line.startsWith(`${label}: `) || line.startsWith(`${label}:  `)) why = 'must have exactly one space after the colon';
  sink.error(F, 'bagit.declaration.format', `bagit.txt line ${n} ${why}: ${quote(line, 80)}`, field);
  return lenient[1] ?? null;
}
