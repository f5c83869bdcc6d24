// SHA256SUMS of a plain folder (FORMATS.md "Plain folder"): the output of
// `sha256sum`, `<64 hex>  <name>` (text mode) or `<64 hex> *<name>` (binary
// mode). Read with the same bounds as a BagIt manifest; names are checked
// for the same escapes.
import path from 'node:path';
import type { Stats } from 'node:fs';
import type { Problem } from '../../shared/problem';
import { ProblemSink } from './problem-sink';
import { readLines } from './lines';
import { foldKey, nfc, quote } from './names';
import {
  type CarrierIo,
  CarrierFileError,
  CarrierTimeoutError,
  DEFAULT_READ_TIMEOUT_MS,
  closeBounded,
  isNodeError,
  lstatIfExists,
  openRegular,
  readChunks,
} from './safe-fs';
import { checkRelativePath } from './bagit/paths';
import { TagDecodeError, tagDecoder } from './bagit/encoding';

export const SHA256SUMS = 'SHA256SUMS';

export interface Sha256SumsEntry {
  /** Name relative to the folder, as written (NFC-normalised). */
  readonly name: string;
  /** Lower-case hex. */
  readonly sha256: string;
  /** Written in binary mode (`*`); the same for files on Linux. */
  readonly binary: boolean;
}

export interface Sha256SumsOptions {
  readonly readTimeoutMs?: number;
  readonly maxEntries?: number;
  readonly maxLineBytes?: number;
  readonly signal?: AbortSignal;
}

export interface Sha256Sums {
  readonly entries: Sha256SumsEntry[];
  readonly problems: Problem[];
  readonly warnings: Problem[];
}

/** Parses a SHA256SUMS file; problems name the file (relative `SHA256SUMS`) and a line. */
export async function parseSha256Sums(file: string, opts: Sha256SumsOptions = {}): Promise<Sha256Sums> {
  const sink = new ProblemSink();
  const io: CarrierIo = { timeoutMs: opts.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS, signal: opts.signal };
  const maxEntries = opts.maxEntries ?? 100_000;
  const entries: Sha256SumsEntry[] = [];
  const F = path.basename(file);
  try {
    const st = await lstatIfExists(io, file, F);
    if (!st) {
      sink.error(F, 'plain.sums.missing', `${F} is missing; the kiosk never imports a recording it has no stored hash for`);
    } else if (!st.isFile()) {
      sink.error(F, 'carrier.special-file', `${F} is not a regular file; it is not read`);
    } else {
      await readEntries(io, file, F, st, opts.maxLineBytes ?? 64 * 1024, maxEntries, entries, sink);
    }
  } catch (e) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (e instanceof CarrierTimeoutError) sink.error(F, 'carrier.read-timeout', `${e.message}; the carrier may be failing`);
    else if (e instanceof CarrierFileError) sink.error(F, e.rule, e.message);
    else if (e instanceof TagDecodeError) sink.error(F, 'plain.sums.encoding', `${F} is not valid UTF-8; the rest of it was not read`);
    else if (isNodeError(e)) sink.error(F, 'carrier.io-error', `reading ${F} failed (${e.code ?? 'error'})`);
    else throw e;
  }
  if (entries.length === 0 && !sink.hasErrors()) sink.error(F, 'plain.sums.empty', `${F} lists no files`);
  sink.summarize();
  return { entries, problems: sink.problems, warnings: sink.warnings };
}

async function readEntries(
  io: CarrierIo,
  file: string,
  F: string,
  st: Stats,
  maxLine: number,
  maxEntries: number,
  entries: Sha256SumsEntry[],
  sink: ProblemSink,
): Promise<void> {
  const seen = new Map<string, number>();
  const handle = await openRegular(io, file, F, st);
  try {
    for await (const ev of readLines(readChunks(io, handle, F), tagDecoder('utf-8'), maxLine)) {
      const field = `line ${ev.lineNo}`;
      if (ev.kind === 'too-long') {
        sink.error(F, 'plain.sums.too-long', `${F} line ${ev.lineNo} is longer than the limit and was skipped`, field);
        continue;
      }
      let text = ev.text;
      if (ev.lineNo === 1 && text.startsWith('\uFEFF')) {
        sink.warn(F, 'plain.sums.bom', `${F} begins with a byte-order mark; it was ignored`, field);
        text = text.slice(1);
      }
      if (text.trim() === '') continue;
      if (text.startsWith('\\')) {
        // GNU escapes names holding "\" or a newline; such a name is refused anyway.
        sink.error(F, 'plain.sums.format', `${F} line ${ev.lineNo} uses sha256sum's escaped-name form; names with "\\" or line breaks are not accepted`, field);
        continue;
      }
      const m = /^([0-9A-Fa-f]{64}) ([ *])(.+)$/.exec(text);
      if (!m || m[1] === undefined || m[3] === undefined) {
        sink.error(F, 'plain.sums.format', `${F} line ${ev.lineNo} is not "<64 hex>  <name>" or "<64 hex> *<name>": ${quote(text, 120)}`, field);
        continue;
      }
      const checked = checkRelativePath(m[3]);
      for (const f of checked.findings) sink.add(f.severity, F, `plain.path.${f.rule}`, `${F} line ${ev.lineNo}: ${quote(m[3], 120)}: ${f.message}`, field);
      if (checked.path === null) continue;
      const name = nfc(checked.path);
      const key = foldKey(name);
      const prev = seen.get(key);
      if (prev !== undefined) {
        sink.error(F, 'plain.sums.duplicate', `${F} line ${ev.lineNo}: ${quote(name, 120)} is already listed on line ${prev} (names are compared ignoring case and Unicode normalisation)`, field);
        continue;
      }
      if (entries.length >= maxEntries) {
        sink.error(F, 'plain.sums.too-many-entries', `${F} has more than ${maxEntries} entries; reading stopped there`, field);
        break;
      }
      seen.set(key, ev.lineNo);
      entries.push({ name, sha256: m[1].toLowerCase(), binary: m[2] === '*' });
    }
  } finally {
    await closeBounded(io, handle);
  }
}
