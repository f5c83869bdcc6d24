// Payload and tag manifests (RFC 8493 §2.1.3, §2.2.1): `checksum filepath`
// lines. Entries are keyed by the NFC form of the decoded path, the form in
// which they are matched against the files found on the carrier.
import type { LineEvent } from '../lines';
import type { ProblemSink } from '../problem-sink';
import { foldKey, nfc, quote } from '../names';
import { type DigestAlgorithm, HEX_LENGTH } from './algorithms';
import { checkRelativePath, decodeBagPath } from './paths';

export interface ManifestEntry {
  /** Path as written (after percent-decoding and `./`/`*` removal). */
  readonly path: string;
  readonly digest: string;
  readonly lineNo: number;
}

export interface ParsedManifest {
  readonly name: string;
  readonly algorithm: DigestAlgorithm;
  readonly kind: 'payload' | 'tag';
  readonly entries: Map<string, ManifestEntry>;
  /** True when the entry cap stopped reading: the manifest is not fully known. */
  truncated: boolean;
}

export interface ManifestOptions {
  readonly v1: boolean;
  readonly maxEntries: number;
}

const TAG_MANIFEST = /^tagmanifest-[a-z0-9]+\.txt$/;

export async function parseManifest(
  name: string,
  algorithm: DigestAlgorithm,
  kind: 'payload' | 'tag',
  lines: AsyncIterable<LineEvent>,
  opts: ManifestOptions,
  sink: ProblemSink,
): Promise<ParsedManifest> {
  const m: ParsedManifest = { name, algorithm, kind, entries: new Map(), truncated: false };
  const folded = new Map<string, string>();
  const hexLen = HEX_LENGTH[algorithm];
  const pfx = kind === 'payload' ? 'bagit.manifest' : 'bagit.tagmanifest';
  for await (const ev of lines) {
    const field = `line ${ev.lineNo}`;
    if (ev.kind === 'too-long') {
      sink.error(name, 'bagit.line.too-long', `${name} line ${ev.lineNo} is longer than the limit and was skipped`, field);
      continue;
    }
    if (ev.text.trim() === '') {
      sink.warn(name, `${pfx}.blank-line`, `${name} line ${ev.lineNo} is blank`, field);
      continue;
    }
    const match = /^([0-9A-Fa-f]+)[ \t]+(.*)$/.exec(ev.text);
    if (!match || match[2] === undefined || match[1] === undefined) {
      sink.error(name, `${pfx}.format`, `${name} line ${ev.lineNo} is not "checksum filepath": ${quote(ev.text, 120)}`, field);
      continue;
    }
    const digest = match[1].toLowerCase();
    let raw = match[2];
    if (digest.length !== hexLen) {
      sink.error(name, `${pfx}.format`, `${name} line ${ev.lineNo}: a ${algorithm} checksum has ${hexLen} hex digits, found ${digest.length}`, field);
      continue;
    }
    if (raw.startsWith('*')) {
      // RFC 8493 §7.2.3: md5sum's binary-mode marker may be tolerated, with a warning.
      sink.warn(name, `${pfx}.binary-marker`, `${name} line ${ev.lineNo}: "*" before the path is md5sum's binary-mode marker; it was ignored, but the bag fails strict validation`, field);
      raw = raw.slice(1);
    }
    const { decoded, error } = decodeBagPath(raw, opts.v1);
    if (error) sink.error(name, 'bagit.path.percent-encoding', `${name} line ${ev.lineNo}: ${error}`, field);
    const checked = checkRelativePath(decoded, raw);
    for (const f of checked.findings) {
      sink.add(f.severity, name, `bagit.path.${f.rule}`, `${name} line ${ev.lineNo}: ${quote(raw, 120)}: ${f.message}`, field);
    }
    if (checked.path === null || error) continue;
    const path = checked.path;
    if (kind === 'payload' && !path.startsWith('data/')) {
      sink.error(name, 'bagit.manifest.outside-payload', `${name} line ${ev.lineNo}: ${quote(path, 120)} is not under data/; a payload manifest lists only payload files`, field);
      continue;
    }
    if (kind === 'tag' && path.startsWith('data/')) {
      sink.error(name, 'bagit.tagmanifest.payload-path', `${name} line ${ev.lineNo}: ${quote(path, 120)} is a payload file; a tag manifest must not list payload files`, field);
      continue;
    }
    if (kind === 'tag' && TAG_MANIFEST.test(path)) {
      const msg = `${name} line ${ev.lineNo}: lists the tag manifest ${path}; tag manifests must not list tag manifests`;
      if (opts.v1) sink.error(name, 'bagit.tagmanifest.lists-tagmanifest', msg, field);
      else sink.warn(name, 'bagit.tagmanifest.lists-tagmanifest', msg, field);
    }
    const key = nfc(path);
    const prev = m.entries.get(key);
    if (prev) {
      if (prev.path !== path) {
        sink.error(name, 'carrier.name-collision', `${name} line ${ev.lineNo}: ${quote(path, 120)} and line ${prev.lineNo} differ only in Unicode normalisation; they name one file`, field);
      } else if (opts.v1 || prev.digest !== digest) {
        sink.error(name, `${pfx}.duplicate`, `${name} line ${ev.lineNo}: ${quote(path, 120)} is listed again (first on line ${prev.lineNo})${prev.digest !== digest ? ' with a different checksum' : ''}; each file must be listed exactly once`, field);
      } else {
        sink.warn(name, `${pfx}.duplicate`, `${name} line ${ev.lineNo}: ${quote(path, 120)} is listed twice with the same checksum (first on line ${prev.lineNo})`, field);
      }
      continue;
    }
    const fk = foldKey(path);
    const other = folded.get(fk);
    if (other !== undefined) {
      sink.error(name, 'carrier.name-collision', `${name} line ${ev.lineNo}: ${quote(path, 120)} and ${quote(other, 120)} differ only in case; on FAT, exFAT, NTFS or HFS+ they are one file`, field);
    } else {
      folded.set(fk, path);
    }
    if (m.entries.size >= opts.maxEntries) {
      sink.error(name, `${pfx}.too-many-entries`, `${name} has more than ${opts.maxEntries} entries; reading stopped there and the bag cannot be verified`, field);
      m.truncated = true;
      break;
    }
    m.entries.set(key, { path, digest, lineNo: ev.lineNo });
  }
  return m;
}
