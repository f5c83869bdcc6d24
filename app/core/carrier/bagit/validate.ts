// Strict BagIt validation (RFC 8493, versions 0.93–1.0) of a bag on a
// carrier: import validation layer 1. The bag is hostile input on possibly
// failing hardware, so every read is bounded in time and memory and nothing
// but regular files and directories is ever touched (see ../walk.ts,
// ../safe-fs.ts). Problems are values; only an abort is thrown.
import path from 'node:path';
import { createHash, type Hash } from 'node:crypto';
import type { Problem } from '../../../shared/problem';
import { ProblemSink } from '../problem-sink';
import { type LineEvent, readLines } from '../lines';
import { quote } from '../names';
import {
  type CarrierIo,
  CarrierFileError,
  CarrierTimeoutError,
  DEFAULT_READ_TIMEOUT_MS,
  FileTooLargeError,
  closeBounded,
  isNodeError,
  lstatIfExists,
  openRegular,
  readChunks,
  readSmallFile,
} from '../safe-fs';
import { type WalkedFile, walkTree } from '../walk';
import { type DigestAlgorithm, isAlgorithm } from './algorithms';
import { parseBagInfo } from './bag-info';
import { DECLARATION, parseDeclaration } from './declaration';
import { type TagEncoding, TagDecodeError, normalizeEncoding, tagDecoder } from './encoding';
import { type ParsedManifest, parseManifest } from './manifest';
import { parseFetch } from './fetch';

export type { DigestAlgorithm } from './algorithms';

export interface BagFileInfo {
  /**
   * The name as walked on the carrier, '/'-separated: what is opened. Maps are
   * keyed by its NFC form, which is what manifests and recordings.json are
   * compared on (FORMATS.md); the two differ for a name macOS wrote in NFD.
   */
  readonly rel: string;
  readonly size: number;
  /** Lower-case hex digest per algorithm of the manifests that list the file (computed from the file). */
  readonly digests: Partial<Record<DigestAlgorithm, string>>;
}

export interface BagReport {
  /** No problems: complete and valid in the sense of RFC 8493 §3, and safe to read from the carrier. */
  readonly valid: boolean;
  readonly problems: Problem[];
  readonly warnings: Problem[];
  /** BagIt-Version as declared (read leniently when malformed), or null. */
  readonly version: string | null;
  /** Tag-File-Character-Encoding as declared, or null. */
  readonly encoding: string | null;
  /** bag-info.txt (package-info.txt before 0.96) elements in file order; labels may repeat. */
  readonly bagInfo: Array<[string, string]>;
  /** Payload files found on the carrier, keyed by NFC relative path (`data/…`). */
  readonly payload: Map<string, BagFileInfo>;
  /** Tag files (everything outside data/), keyed by NFC relative path. */
  readonly tagFiles: Map<string, BagFileInfo>;
}

export interface ValidateBagOptions {
  /** Time-out for every single file-system call (open, read, lstat, readdir). Default 30 s. */
  readonly readTimeoutMs?: number;
  /** Cap on entries per manifest and (plus a margin) on files walked. Default 100 000. */
  readonly maxManifestEntries?: number;
  /** Longest tag-file line accepted, in characters. Default 64 KiB. */
  readonly maxLineBytes?: number;
  /** Problems kept per rule before one summary problem stands for the rest. Default 1000. */
  readonly maxProblemsPerRule?: number;
  /** Aborting rejects the promise with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * 'computed' (default): every payload file is read and hashed here.
   * 'declared': payload digests are taken from the manifests without reading
   * the payload, for an import that hashes the bytes it actually copies in its
   * own single pass and compares them there (one read per file). Tag files are
   * always hashed.
   */
  readonly payloadHashes?: 'computed' | 'declared';
}

export const DEFAULT_MAX_MANIFEST_ENTRIES = 100_000;
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
/**
 * Largest tag file read (bagit.tag-file.too-large): room for a manifest of the
 * default 100,000 entries with names of a kilobyte, and for a single line
 * longer than the line limit to be reported as such.
 */
export const MAX_TAG_FILE_BYTES = 128 << 20;
const MAX_DECLARATION_BYTES = 4096;
const MAX_DEPTH = 64;
const PRE_096 = new Set(['0.93', '0.94', '0.95']);
const MANIFEST_NAME = /^(tag)?manifest-([^/]+)\.txt$/;

interface Ctx {
  readonly root: string;
  readonly io: CarrierIo;
  readonly sink: ProblemSink;
  readonly maxEntries: number;
  readonly maxLine: number;
  readonly payloadHashes: 'computed' | 'declared';
  version: string | null;
  encoding: string | null;
  bagInfo: Array<[string, string]>;
  readonly payload: Map<string, BagFileInfo>;
  readonly tagFiles: Map<string, BagFileInfo>;
}

export async function validateBag(dir: string, opts: ValidateBagOptions = {}): Promise<BagReport> {
  const sink = new ProblemSink(opts.maxProblemsPerRule);
  const ctx: Ctx = {
    root: path.resolve(dir),
    io: { timeoutMs: opts.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS, signal: opts.signal },
    sink,
    maxEntries: opts.maxManifestEntries ?? DEFAULT_MAX_MANIFEST_ENTRIES,
    maxLine: opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
    payloadHashes: opts.payloadHashes ?? 'computed',
    version: null,
    encoding: null,
    bagInfo: [],
    payload: new Map(),
    tagFiles: new Map(),
  };
  try {
    await check(ctx);
  } catch (e) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (e instanceof CarrierTimeoutError) {
      sink.error(e.file, 'carrier.read-timeout', `${e.message}; the carrier may be failing, so the check stopped here`);
    } else if (e instanceof CarrierFileError) {
      sink.error(e.file, e.rule, e.message);
    } else if (isNodeError(e)) {
      sink.error(e.path ? path.relative(ctx.root, e.path) || '.' : '.', 'carrier.io-error', `reading the carrier failed (${e.code ?? 'error'}); the check stopped here`);
    } else {
      throw e;
    }
  }
  sink.summarize();
  return {
    valid: !sink.hasErrors(),
    problems: sink.problems,
    warnings: sink.warnings,
    version: ctx.version,
    encoding: ctx.encoding,
    bagInfo: ctx.bagInfo,
    payload: ctx.payload,
    tagFiles: ctx.tagFiles,
  };
}

async function check(ctx: Ctx): Promise<void> {
  const { sink, io, root } = ctx;
  const rootStat = await lstatIfExists(io, root, '.');
  if (!rootStat) {
    sink.error('.', 'bagit.bag.missing', `the package directory ${quote(root)} does not exist`);
    return;
  }
  if (rootStat.isSymbolicLink()) {
    sink.error('.', 'carrier.special-file', 'the package directory is a symbolic link; it is not followed');
    return;
  }
  if (!rootStat.isDirectory()) {
    sink.error('.', 'bagit.bag.not-directory', 'the package is not a directory');
    return;
  }

  const walk = await walkTree(io, root, sink, { maxEntries: ctx.maxEntries + 10_000, maxDepth: MAX_DEPTH });
  const payloadFiles = new Map<string, WalkedFile>();
  const tagFilesOnDisk = new Map<string, WalkedFile>();
  for (const f of walk.files) (f.key.startsWith('data/') ? payloadFiles : tagFilesOnDisk).set(f.key, f);

  const decl = tagFilesOnDisk.get(DECLARATION);
  if (!decl) {
    sink.error(DECLARATION, 'bagit.declaration.missing', 'bagit.txt, the bag declaration, is missing (or is not a regular file)');
    return;
  }
  let declBytes: Buffer;
  try {
    declBytes = await readSmallFile(io, abs(ctx, decl), DECLARATION, MAX_DECLARATION_BYTES, decl.stat);
  } catch (e) {
    if (e instanceof FileTooLargeError) {
      sink.error(DECLARATION, 'bagit.declaration.format', `bagit.txt is larger than ${MAX_DECLARATION_BYTES} bytes; it must be two short lines`);
      return;
    }
    throw e;
  }
  const declaration = parseDeclaration(declBytes, sink);
  ctx.version = declaration.version;
  ctx.encoding = declaration.encoding;
  if (!declaration.usable || !declaration.version) return;
  const version = declaration.version;
  const v1 = version === '1.0';
  const enc = normalizeEncoding(declaration.encoding ?? 'UTF-8');
  if (!enc) {
    sink.error(DECLARATION, 'bagit.declaration.encoding-unsupported', `Tag-File-Character-Encoding ${quote(declaration.encoding ?? '', 60)} is not supported (UTF-8, UTF-16, ISO-8859-1)`, 'line 2');
    return;
  }
  if (enc !== 'utf-8' && v1) {
    sink.warn(DECLARATION, 'bagit.encoding.not-utf8', `tag files are declared ${declaration.encoding}; RFC 8493 §2.1.1 allows it for compatibility but recommends UTF-8`, 'line 2');
  }

  const dataStat = await lstatIfExists(io, path.join(root, 'data'), 'data');
  if (!dataStat || !dataStat.isDirectory()) {
    if (!dataStat?.isSymbolicLink()) sink.error('data', 'bagit.payload.missing', 'the payload directory data/ is missing or is not a directory');
  }

  const lines = (f: WalkedFile): AsyncGenerator<LineEvent> => tagLines(ctx, f, enc, v1);

  // A tag file too large to be a manifest of the capped number of entries is
  // refused by its size, unread: neither parsed nor hashed (a 1 GiB line would
  // otherwise be read twice, to parse it and to hash it).
  const readable = new Map<string, WalkedFile>();
  for (const [key, f] of tagFilesOnDisk) {
    if (f.size <= MAX_TAG_FILE_BYTES) readable.set(key, f);
    else sink.error(f.rel, 'bagit.tag-file.too-large', `${quote(f.rel)} has ${f.size} bytes; a tag file may have at most ${MAX_TAG_FILE_BYTES}, and it was not read`);
  }

  // Bag metadata.
  const infoName = PRE_096.has(version) && tagFilesOnDisk.has('package-info.txt') ? 'package-info.txt' : 'bag-info.txt';
  const info = readable.get(infoName);
  if (info) ctx.bagInfo = await parseBagInfo(infoName, lines(info), v1, sink);

  // Manifests.
  const payloadManifests: ParsedManifest[] = [];
  const tagManifests: ParsedManifest[] = [];
  for (const f of [...readable.values()].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    const m = MANIFEST_NAME.exec(f.key);
    if (!m) continue;
    const alg = m[2] ?? '';
    const kind = m[1] ? 'tag' : 'payload';
    if (!isAlgorithm(alg)) {
      sink.error(f.rel, 'bagit.manifest.algorithm-unsupported', `${f.rel} uses the checksum algorithm ${quote(alg, 40)}, which cannot be verified here (md5, sha1, sha224, sha256, sha384, sha512)`);
      continue;
    }
    const parsed = await parseManifest(f.key, alg, kind, lines(f), { v1, maxEntries: ctx.maxEntries }, sink);
    (kind === 'tag' ? tagManifests : payloadManifests).push(parsed);
  }
  if (payloadManifests.length === 0) {
    sink.error('manifest-sha256.txt', 'bagit.manifest.missing', 'the bag has no payload manifest (manifest-<algorithm>.txt)');
  }

  // fetch.txt: paths checked; the kiosk never fetches, so a bag is complete only when every listed file is present.
  const fetchFile = readable.get('fetch.txt');
  const fetched = fetchFile ? await parseFetch('fetch.txt', lines(fetchFile), { v1, maxEntries: ctx.maxEntries }, sink) : new Map<string, string>();

  checkCompleteness(ctx, payloadFiles, tagFilesOnDisk, payloadManifests, tagManifests, fetched, v1, walk.truncated);
  checkOxum(ctx, infoName, payloadFiles);

  if (ctx.payloadHashes === 'declared') declaredDigests(payloadFiles, payloadManifests, ctx.payload);
  else await hashAll(ctx, payloadFiles, payloadManifests, ctx.payload, 'bagit.manifest.hash');
  await hashAll(ctx, readable, tagManifests, ctx.tagFiles, 'bagit.tagmanifest.hash');
}

function abs(ctx: Ctx, f: WalkedFile): string {
  return path.join(ctx.root, f.rel);
}

/** Lines of one tag file in the declared encoding; a BOM and undecodable bytes become problems. */
async function* tagLines(ctx: Ctx, f: WalkedFile, enc: TagEncoding, v1: boolean): AsyncGenerator<LineEvent> {
  const handle = await openRegular(ctx.io, abs(ctx, f), f.rel, f.stat);
  try {
    let first = true;
    for await (const ev of readLines(readChunks(ctx.io, handle, f.rel), tagDecoder(enc), ctx.maxLine)) {
      if (first && ev.kind === 'line' && ev.text.startsWith('\uFEFF')) {
        const msg = `${f.rel} begins with a byte-order mark; with UTF-8 tag files must not (RFC 8493 §2.3)`;
        if (v1) ctx.sink.error(f.rel, 'bagit.encoding.bom', msg);
        else ctx.sink.warn(f.rel, 'bagit.encoding.bom', msg);
        yield { ...ev, text: ev.text.slice(1) };
      } else {
        yield ev;
      }
      first = false;
    }
  } catch (e) {
    if (!(e instanceof TagDecodeError)) throw e;
    ctx.sink.error(f.rel, 'bagit.encoding.invalid', `${f.rel} is not valid in the declared encoding ${enc} (${e.message}); the rest of it was not read`);
  } finally {
    await closeBounded(ctx.io, handle);
  }
}

function checkCompleteness(
  ctx: Ctx,
  payloadFiles: Map<string, WalkedFile>,
  tagFilesOnDisk: Map<string, WalkedFile>,
  payloadManifests: ParsedManifest[],
  tagManifests: ParsedManifest[],
  fetched: Map<string, string>,
  v1: boolean,
  walkTruncated: boolean,
): void {
  const { sink } = ctx;
  for (const m of payloadManifests) {
    for (const [key, e] of m.entries) {
      if (payloadFiles.has(key) || walkTruncated) continue;
      const fetchNote = fetched.has(key) ? '; it is listed in fetch.txt, but the kiosk never fetches files' : '';
      sink.error(e.path, 'bagit.manifest.missing-file', `${quote(e.path)} is listed in ${m.name} (line ${e.lineNo}) but is not in the bag${fetchNote}`, m.name);
    }
  }
  const anyTruncated = payloadManifests.some((m) => m.truncated);
  if (!anyTruncated && payloadManifests.length > 0) {
    for (const [key, f] of payloadFiles) {
      const missingFrom = payloadManifests.filter((m) => !m.entries.has(key));
      if (missingFrom.length === 0) continue;
      if (v1) {
        for (const m of missingFrom) {
          sink.error(f.rel, 'bagit.manifest.unlisted-file', `${quote(f.rel)} is a payload file but is not listed in ${m.name}; in BagIt 1.0 every payload manifest lists every payload file`, m.name);
        }
      } else if (missingFrom.length === payloadManifests.length) {
        sink.error(f.rel, 'bagit.manifest.unlisted-file', `${quote(f.rel)} is a payload file but no payload manifest lists it`);
      }
    }
  }
  for (const m of tagManifests) {
    for (const [key, e] of m.entries) {
      if (tagFilesOnDisk.has(key)) continue;
      sink.error(e.path, 'bagit.tagmanifest.missing-file', `${quote(e.path)} is listed in ${m.name} (line ${e.lineNo}) but is not in the bag`, m.name);
    }
    if (v1 && !m.truncated) {
      for (const pm of payloadManifests) {
        if (!m.entries.has(pm.name)) {
          sink.error(m.name, 'bagit.tagmanifest.incomplete', `${m.name} does not list the payload manifest ${pm.name}; every tag manifest must`);
        }
      }
    }
  }
  for (const [key, p] of fetched) {
    for (const m of payloadManifests) {
      if (!m.truncated && !m.entries.has(key)) {
        sink.error('fetch.txt', 'bagit.fetch.unlisted', `fetch.txt lists ${quote(p)}, which ${m.name} does not list; every fetched file must be in every payload manifest`, p);
      }
    }
  }
}

function checkOxum(ctx: Ctx, infoName: string, payloadFiles: Map<string, WalkedFile>): void {
  const oxum = ctx.bagInfo.find(([label]) => label.toLowerCase() === 'payload-oxum');
  if (!oxum) return;
  const m = /^(\d+)\.(\d+)$/.exec(oxum[1]);
  if (!m) {
    ctx.sink.error(infoName, 'bagit.baginfo.oxum-format', `Payload-Oxum ${quote(oxum[1], 60)} is not OctetCount.StreamCount`, 'Payload-Oxum');
    return;
  }
  let octets = 0;
  for (const f of payloadFiles.values()) octets += f.size;
  const streams = payloadFiles.size;
  if (String(octets) !== m[1] || String(streams) !== m[2]) {
    ctx.sink.error(infoName, 'bagit.baginfo.oxum', `Payload-Oxum says ${oxum[1]} (bytes.files) but the payload on the carrier is ${octets}.${streams}`, 'Payload-Oxum');
  }
}

/** The manifests' own digests, for a caller that will hash while copying. */
function declaredDigests(files: Map<string, WalkedFile>, manifests: ParsedManifest[], out: Map<string, BagFileInfo>): void {
  for (const [key, f] of files) {
    const digests: Partial<Record<DigestAlgorithm, string>> = {};
    for (const m of manifests) {
      const e = m.entries.get(key);
      if (e) digests[m.algorithm] = e.digest.toLowerCase();
    }
    out.set(key, { rel: f.rel, size: f.size, digests });
  }
}

/** Hashes each listed file once with every algorithm that lists it, streaming. */
async function hashAll(
  ctx: Ctx,
  files: Map<string, WalkedFile>,
  manifests: ParsedManifest[],
  out: Map<string, BagFileInfo>,
  rule: string,
): Promise<void> {
  const keys = [...files.keys()].sort();
  for (const key of keys) {
    const f = files.get(key);
    if (!f) continue;
    const listing = manifests.filter((m) => m.entries.has(key));
    if (listing.length === 0) {
      out.set(key, { rel: f.rel, size: f.size, digests: {} });
      continue;
    }
    const algs = [...new Set(listing.map((m) => m.algorithm))];
    let digests: Partial<Record<DigestAlgorithm, string>>;
    try {
      digests = await hashFile(ctx, f, algs);
    } catch (e) {
      if (!(e instanceof CarrierFileError)) throw e;
      ctx.sink.error(e.file, e.rule, e.message);
      continue;
    }
    out.set(key, { rel: f.rel, size: f.size, digests });
    for (const m of listing) {
      const entry = m.entries.get(key);
      const actual = digests[m.algorithm];
      if (entry && actual !== entry.digest) {
        ctx.sink.error(f.rel, rule, `the ${m.algorithm} checksum of ${quote(f.rel)} is ${actual ?? '?'}, but ${m.name} line ${entry.lineNo} says ${entry.digest}`, m.name);
      }
    }
  }
}

async function hashFile(ctx: Ctx, f: WalkedFile, algs: DigestAlgorithm[]): Promise<Partial<Record<DigestAlgorithm, string>>> {
  const handle = await openRegular(ctx.io, abs(ctx, f), f.rel, f.stat);
  try {
    const hashes: Array<[DigestAlgorithm, Hash]> = algs.map((a) => [a, createHash(a)]);
    let bytes = 0;
    for await (const chunk of readChunks(ctx.io, handle, f.rel)) {
      bytes += chunk.byteLength;
      for (const [, h] of hashes) h.update(chunk);
    }
    if (bytes !== f.size) {
      throw new CarrierFileError(f.rel, 'carrier.file-changed', `${quote(f.rel)} had ${f.size} bytes when listed but ${bytes} when read; it changed during the check`);
    }
    const out: Partial<Record<DigestAlgorithm, string>> = {};
    for (const [a, h] of hashes) out[a] = h.digest('hex');
    return out;
  } finally {
    await closeBounded(ctx.io, handle);
  }
}
