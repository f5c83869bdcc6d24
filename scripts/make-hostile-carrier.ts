// Writes the non-MP4 part of the hostile corpus for the hardening tests: one
// crp/1 package per case, each otherwise valid, aimed at the parsers of the
// package's text (recordings.json, manifests, bag-info.txt) and at its file
// names. OUT/expected.json lists, for every case, whether it must be accepted
// or refused and by which rule (the media cases are make-hostile-media.ts).
//   npx tsx scripts/make-hostile-carrier.ts OUTDIR
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bag, recordingsJson, retag } from './make-bad-corpus';
import { baseRecording } from './make-hostile-media';

export interface CarrierExpectation {
  readonly outcome: 'refused' | 'accepted';
  /** For a refusal: the rule, and text the problem's file must contain. */
  readonly rule?: string;
  readonly file?: string;
}

const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
const DEEP = 10_000;
const MANIFEST_LINES = 100_001;
const LONG_LINE_BYTES = 1 << 30;

/** Writes OUT/<case>/ and OUT/expected.json; returns the expectations. */
export async function makeHostileCarrier(out: string): Promise<Record<string, CarrierExpectation>> {
  fs.mkdirSync(out, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-carrier-'));
  const mp4 = baseRecording(path.join(work, 'base.mp4'));
  const expected: Record<string, CarrierExpectation> = {};
  const make = async (name: string, exp: CarrierExpectation, rel: string, recs: string, after?: (dir: string) => void) => {
    const dir = path.join(out, name);
    fs.rmSync(dir, { recursive: true, force: true });
    await bag(dir, [[rel, mp4]], recs);
    after?.(dir);
    expected[name] = exp;
  };
  const recs = (identifier: string, part = 'data/rec.mp4', extra = '') =>
    JSON.stringify(recordingsJson({ rec: { identifier, duration: '00:02', parts: [{ path: part }] } })).replace(/}]}$/, `${extra}}]}`);

  // 10,000 nested arrays in an unknown field: kept fields must not overflow a recursive reader.
  await make('json-10000-deep', { outcome: 'refused', rule: 'crp.json.depth', file: 'recordings.json' }, 'data/rec.mp4',
    recs('KM90026-DEEP', 'data/rec.mp4', `,"deep":${'['.repeat(DEEP)}0${']'.repeat(DEEP)}`));

  // As macOS writes it: the name on disk and in the manifest decomposed (NFD), recordings.json composed (NFC).
  const nfd = 'data/nagranie-łódź-ó.mp4'.normalize('NFD');
  await make('nfd-named-payload', { outcome: 'accepted' }, nfd, recs('KM90026-NFD', nfd.normalize('NFC')));

  // A payload manifest one line past the 100,000-entry cap, every extra line naming a file that is not there.
  await make('manifest-100k-lines', { outcome: 'refused', rule: 'bagit.manifest.too-many-entries', file: 'manifest-sha256.txt' }, 'data/rec.mp4', recs('KM90026-MANY'), (dir) => {
    const lines: string[] = [];
    const digest = sha256('absent');
    for (let i = 0; i < MANIFEST_LINES; i++) lines.push(`${digest}  data/absent/${i}.bin`);
    fs.appendFileSync(path.join(dir, 'manifest-sha256.txt'), `${lines.join('\n')}\n`);
    retag(dir);
  });

  // A 1 GiB line in bag-info.txt, written sparse (no 1 GiB on the disk); the tag manifest is left as it was.
  // Refused by the tag file's size before a byte of it is read.
  await make('bag-info-1gib-line', { outcome: 'refused', rule: 'bagit.tag-file.too-large', file: 'bag-info.txt' }, 'data/rec.mp4', recs('KM90026-LONG'), (dir) => {
    const file = path.join(dir, 'bag-info.txt');
    const fd = fs.openSync(file, 'a');
    try {
      const at = fs.fstatSync(fd).size;
      fs.writeSync(fd, 'X-Long: ');
      fs.ftruncateSync(fd, at + LONG_LINE_BYTES);
      fs.writeSync(fd, '\n', at + LONG_LINE_BYTES);
    } finally {
      fs.closeSync(fd);
    }
  });

  fs.writeFileSync(path.join(out, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
  fs.rmSync(work, { recursive: true, force: true });
  return expected;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: npx tsx scripts/make-hostile-carrier.ts OUTDIR');
    process.exit(2);
  }
  const cases = await makeHostileCarrier(out);
  console.log(`wrote ${Object.keys(cases).length} hostile carrier cases into ${out}`);
}
