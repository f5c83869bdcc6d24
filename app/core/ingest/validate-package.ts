// Validation of one package, in the four layers, each reporting every
// problem as { file, rule, message }:
//   1. BagIt 1.0 (RFC 8493) and carrier safety      — carrier/bagit
//   2. the crp/1 profile                             — here
//   3. metadata rules (PL-3, PL-3.7, UA-2, UA-5, UA-6) — crp/metadata-rules
//   4. media, by parsing the MP4 itself              — media/probe
// Nothing is stored here. For `import`, payload hashes are computed once, in
// the ingest pass, from the bytes actually copied (so a file changed after
// validation is caught); `check` hashes everything here.
import crypto from 'node:crypto';
import path from 'node:path';
import { validateBag, type BagReport } from '../carrier/bagit';
import { parseRecordingsJson, recordingsJsonTooLarge, checkMetadata, MAX_RECORDINGS_JSON_BYTES, type RecordingsFile, type RecordingVerdict } from '../crp';
import { probeMp4, type MediaInfo } from '../media/probe';
import { type Problem, problem } from '../../shared/problem';
import { openCarrierFile } from './carrier-read';
import { recordingMediaFlags } from './stored-media';

export interface PartCheck {
  readonly recording: number;
  readonly seq: number;
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  /** As probed from the carrier during validation; import stores what the stored object gives (stored-media.ts). */
  readonly media: MediaInfo | null;
}

export interface PackageCheck {
  readonly dir: string;
  readonly problems: Problem[];
  readonly warnings: Problem[];
  readonly bag: BagReport | null;
  readonly doc: RecordingsFile | null;
  readonly unknownFields: string[];
  readonly verdicts: RecordingVerdict[];
  /** Per recording: conformance flags (PL-4.2, PL-4.3, duration-mismatch). */
  readonly flags: string[][];
  readonly parts: PartCheck[];
  /** SHA-256 of tagmanifest-sha256.txt: the package's identity for idempotent re-imports. */
  readonly packageSha256: string | null;
}

export interface ValidateOptions {
  readonly bagitOnly?: boolean;
  /** false for import: the ingest pass hashes and compares instead. */
  readonly hashPayload?: boolean;
  readonly readTimeoutMs?: number;
}

const REQUIRED_TAGS = ['bagit.txt', 'bag-info.txt', 'recordings.json'];
const MAX_TAG_MANIFEST_BYTES = 16 << 20;

export async function validatePackage(dir: string, opts: ValidateOptions = {}): Promise<PackageCheck> {
  const empty = (problems: Problem[], bag: BagReport | null): PackageCheck => ({
    dir, problems, warnings: bag?.warnings ?? [], bag, doc: null, unknownFields: [], verdicts: [], flags: [], parts: [], packageSha256: null,
  });
  const timeout = opts.readTimeoutMs !== undefined ? { readTimeoutMs: opts.readTimeoutMs } : {};
  const bag = await validateBag(dir, { ...timeout, ...(opts.hashPayload === false ? { payloadHashes: 'declared' as const } : {}) });
  const problems: Problem[] = [...bag.problems];
  if (opts.bagitOnly) return { ...empty(problems, bag) };
  if (problems.some((p) => p.rule.startsWith('carrier.') || p.rule === 'bagit.declaration.missing')) return empty(problems, bag);

  // Layer 2: the crp/1 profile.
  const profile = bag.bagInfo.filter(([k]) => k.toLowerCase() === 'bagit-profile-identifier').map(([, v]) => v.trim());
  if (!profile.includes('crp/1'))
    problems.push(problem('bag-info.txt', 'crp.profile.identifier', 'BagIt-Profile-Identifier must be crp/1'));
  const anyPayload = [...bag.payload.values()][0];
  if (bag.payload.size > 0 && !anyPayload?.digests.sha256)
    problems.push(problem('manifest-sha256.txt', 'crp.manifest.sha256', 'the profile requires manifest-sha256.txt'));
  const tagSha = bag.tagFiles;
  if (!tagSha.has('tagmanifest-sha256.txt'))
    problems.push(problem('tagmanifest-sha256.txt', 'crp.tagmanifest.sha256', 'the profile requires tagmanifest-sha256.txt'));
  else {
    const manifests = [...tagSha.keys()].filter((k) => /^manifest-[a-z0-9]+\.txt$/.test(k));
    for (const f of [...REQUIRED_TAGS, ...manifests])
      if (tagSha.has(f) && !tagSha.get(f)?.digests.sha256) problems.push(problem('tagmanifest-sha256.txt', 'crp.tagmanifest.coverage', `does not cover ${f}`));
  }
  if (!tagSha.has('recordings.json')) {
    problems.push(problem('recordings.json', 'crp.recordings-json.missing', 'the profile requires recordings.json'));
    return { ...empty(problems, bag) };
  }
  if (problems.length) return { ...empty(problems, bag) };
  // Read again after validation: the bytes must still be the ones the tag manifest vouched for.
  const recJson = await readTagFile(dir, 'recordings.json', MAX_RECORDINGS_JSON_BYTES, opts.readTimeoutMs);
  if (recJson === null) return { ...empty([...problems, recordingsJsonTooLarge()], bag) };
  if (sha256(recJson) !== tagSha.get('recordings.json')?.digests.sha256) {
    problems.push(problem('recordings.json', 'bagit.tagmanifest.hash', 'changed after validation; it no longer matches tagmanifest-sha256.txt'));
    return { ...empty(problems, bag) };
  }
  const tagManifest = await readTagFile(dir, 'tagmanifest-sha256.txt', MAX_TAG_MANIFEST_BYTES, opts.readTimeoutMs);
  if (tagManifest === null)
    return { ...empty([...problems, problem('tagmanifest-sha256.txt', 'crp.tag-file.size', `larger than ${MAX_TAG_MANIFEST_BYTES} bytes`)], bag) };
  const packageSha256 = sha256(tagManifest);
  const parsed = parseRecordingsJson(recJson);
  if (!parsed.ok) return { ...empty([...problems, ...parsed.problems], bag) };
  // File names are compared after NFC (FORMATS.md): a reference written in NFD
  // names the same payload file, and is stored under its NFC form.
  const doc = nfcPaths(parsed.doc);

  // Layer 3: metadata rules.
  const meta = checkMetadata(doc);
  problems.push(...meta.problems);

  // Every file recordings.json names must be in the payload.
  const referenced = new Set<string>();
  const need = (p: string, field: string) => {
    referenced.add(p);
    if (!bag.payload.has(p)) problems.push(problem('recordings.json', 'crp.reference.missing', `names ${p}, which is not in the payload`, field));
  };
  doc.recordings.forEach((r, i) => {
    r.parts.forEach((p, j) => need(p.path, `recordings[${i}].parts[${j}].path`));
    r.attachments.forEach((a, j) => {
      need(a.path, `recordings[${i}].attachments[${j}].path`);
      if (a.signature) need(a.signature, `recordings[${i}].attachments[${j}].signature`);
    });
  });
  const warnings = [...bag.warnings];
  for (const p of bag.payload.keys())
    if (!referenced.has(p)) warnings.push(problem(p, 'crp.payload.unreferenced', 'payload file not named in recordings.json; it is not imported'));

  // Layer 4: media, parsed from the MP4 itself. This decides the verdict, for
  // check and import alike; what import stores about the media (probe, playback
  // index, flags) is derived again from the stored object (stored-media.ts).
  const parts: PartCheck[] = [];
  const flags: string[][] = [];
  for (const [i, r] of doc.recordings.entries()) {
    const infos: Array<MediaInfo | null> = [];
    for (const [j, p] of r.parts.entries()) {
      const entry = bag.payload.get(p.path);
      if (!entry) continue;
      // Opened by the name as walked: an NFD name matches an NFC reference.
      const f = await openCarrierFile(path.join(dir, entry.rel), opts.readTimeoutMs);
      let media: MediaInfo | null = null;
      try {
        const probed = await probeMp4((o, n) => f.read(o, n), f.size, p.path);
        if ('rule' in probed) problems.push({ ...probed, file: p.path });
        else media = probed;
      } finally {
        await f.close();
      }
      infos.push(media);
      parts.push({ recording: i, seq: j, path: p.path, size: entry.size, sha256: entry.digests.sha256 ?? '', media });
    }
    flags.push(recordingMediaFlags(infos, meta.recordings[i]?.durationSec ?? null));
  }

  return {
    dir,
    problems,
    warnings,
    bag,
    doc,
    unknownFields: parsed.unknownFields,
    verdicts: meta.recordings,
    flags,
    parts,
    packageSha256,
  };
}

function sha256(b: Buffer): string {
  return crypto.createHash('sha256').update(b).digest('hex');
}

/** A tag file's bytes, or null when it is larger than `max` (refused unread). */
async function readTagFile(dir: string, name: string, max: number, timeoutMs: number | undefined): Promise<Buffer | null> {
  const f = await openCarrierFile(path.join(dir, name), timeoutMs);
  try {
    return f.size > max ? null : await f.read(0, f.size);
  } finally {
    await f.close();
  }
}

function nfcPaths(doc: RecordingsFile): RecordingsFile {
  const nfc = (p: string) => p.normalize('NFC');
  return {
    ...doc,
    recordings: doc.recordings.map((r) => ({
      ...r,
      parts: r.parts.map((p) => ({ ...p, path: nfc(p.path) })),
      attachments: r.attachments.map((a) => ({ ...a, path: nfc(a.path), ...(typeof a.signature === 'string' ? { signature: nfc(a.signature) } : {}) })),
    })),
  };
}
