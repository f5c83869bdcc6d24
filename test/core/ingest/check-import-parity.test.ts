// Acceptance (hardening issue, line 3): `check` is `import` without the
// commit. fast-check generates crp/1 packages, ordinary and broken (NFD and
// NFC file names in any mix of disk, manifest and recordings.json,
// unreferenced files with wrong hashes, missing and extra manifest entries,
// deep JSON, bad recordings.json fields, recordings that are not MP4), and
// checkPath and importPath, called in-process on the same package, must
// agree: both valid, or both invalid with the same set of rules.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../app/core/config';
import { checkPath, importPath, ingestContextFor, type IngestContext } from '../../../app/core/ingest';
import { openKiosk, type Kiosk } from '../../../app/core/kiosk';
import { recordingsJson } from '../../../scripts/make-bad-corpus';
import { makeMedia } from '../media/media-fixtures';
import { REPO, scratch } from '../../helpers/paths';

const CONFIG = path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json');
const RUNS = Number(process.env.PARITY_RUNS ?? 1000);

const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
const form = (s: string, nfd: boolean) => s.normalize(nfd ? 'NFD' : 'NFC');

/** What a generated package is made of; every choice is independent. */
interface Spec {
  readonly name: string;
  /** Normalisation of the recording's name on disk, in the manifest, in recordings.json. */
  readonly nfd: { readonly disk: boolean; readonly manifest: boolean; readonly json: boolean };
  readonly media: 'mp4' | 'truncated-mp4' | 'not-mp4';
  readonly mp4Entry: 'right' | 'wrong-hash' | 'missing';
  readonly extraEntry: boolean;
  readonly unreferenced: 'none' | 'right' | 'wrong-hash' | 'unlisted';
  readonly depth: number;
  readonly recOver: Record<string, unknown>;
  readonly caseOver: Record<string, unknown>;
}

const NAMES = ['rec', 'nagranie-łódź-ó', 'zápis-č', 'запис-й', 'Åström-é'];
const BAD_REC: Array<Record<string, unknown>> = [
  { date: '2024-13-4599:99:99' }, { date: 5 }, { duration: 'abc' }, { version: -1 }, { version: '1' },
  { identifier: '../etc' }, { parts: [] }, { title: 5 }, { creator: null }, { annotations: [{ at: 'never', text: 'x' }] }, { version: 1, supersedes: null },
];
/** Valid, some with holds or flags (incomplete, original missing, unknown fields kept). */
const GOOD_REC: Array<Record<string, unknown>> = [
  {}, { duration: null }, { identifier: null }, { version: 1, supersedes: { identifier: 'KM90026-ORIG', version: 0 } }, { envelopeSheet: 12 }, { unknownField: { kept: true } },
];
const BAD_CASE: Array<Record<string, unknown>> = [{ jurisdiction: 'XX' }, { signature: '' }];
const GOOD_CASE: Array<Record<string, unknown>> = [{}, { jurisdiction: 'UA', caseNumber: 'bad' }];

/** `good` about 5 times in 6, so that about a quarter of the packages are valid and every kind of fault still comes often. */
function mostly<T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: good, weight: 5 }, { arbitrary: bad, weight: 1 });
}

const spec: fc.Arbitrary<Spec> = fc.record({
  name: fc.constantFrom(...NAMES),
  nfd: fc.record({ disk: fc.boolean(), manifest: fc.boolean(), json: fc.boolean() }),
  media: mostly(fc.constant<Spec['media']>('mp4'), fc.constantFrom<Spec['media']>('truncated-mp4', 'not-mp4')),
  mp4Entry: mostly(fc.constant<Spec['mp4Entry']>('right'), fc.constantFrom<Spec['mp4Entry']>('wrong-hash', 'missing')),
  extraEntry: mostly(fc.constant(false), fc.constant(true)),
  unreferenced: mostly(fc.constantFrom<Spec['unreferenced']>('none', 'right'), fc.constantFrom<Spec['unreferenced']>('wrong-hash', 'unlisted')),
  depth: mostly(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60 })), fc.oneof(fc.integer({ min: 61, max: 70 }), fc.constant(5000))),
  recOver: mostly(fc.constantFrom(...GOOD_REC), fc.constantFrom(...BAD_REC)),
  caseOver: mostly(fc.constantFrom(...GOOD_CASE), fc.constantFrom(...BAD_CASE)),
});

/** Written as text: JSON.stringify itself recurses, and a 5,000-deep value overflows it. */
const DEEP = '__deep__';
const nested = (depth: number) => `${'['.repeat(depth)}"deep"${']'.repeat(depth)}`;

let root: string;
let mp4: Buffer;
let kiosk: Kiosk;
let ctx: IngestContext;
let serial = 0;

beforeAll(async () => {
  root = scratch('parity-');
  mp4 = fs.readFileSync(makeMedia(root, 'small.mp4', ['--seconds', '2', '--size', '320x240', '--fps', '12', '--faststart']));
  const dataDir = path.join(root, 'data-dir');
  kiosk = await openKiosk({ dataDir, config: loadConfig(CONFIG), configFile: CONFIG });
  ctx = ingestContextFor(kiosk);
}, 120_000);

afterAll(() => {
  kiosk?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** Writes the package a Spec describes, by hand, so names and manifests can disagree as a carrier's may. */
function writePackage(dir: string, s: Spec): void {
  const n = ++serial;
  const rel = (nfd: boolean) => `data/${form(s.name, nfd)}.mp4`;
  const bytes = s.media === 'mp4' ? mp4 : s.media === 'truncated-mp4' ? mp4.subarray(0, Math.floor(mp4.length / 2)) : Buffer.from('not an mp4 at all\n'.repeat(40));
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  fs.writeFileSync(path.join(dir, rel(s.nfd.disk)), bytes);
  const manifest: string[] = [];
  if (s.mp4Entry !== 'missing') manifest.push(`${s.mp4Entry === 'right' ? sha256(bytes) : sha256('other')}  ${rel(s.nfd.manifest)}`);
  if (s.extraEntry) manifest.push(`${sha256('gone')}  data/gone.pdf`);
  let payloadBytes = bytes.length;
  let payloadFiles = 1;
  if (s.unreferenced !== 'none') {
    const notes = Buffer.from(`notes ${n}\n`);
    fs.writeFileSync(path.join(dir, 'data', 'notes.txt'), notes);
    payloadBytes += notes.length;
    payloadFiles++;
    if (s.unreferenced !== 'unlisted') manifest.push(`${s.unreferenced === 'right' ? sha256(notes) : sha256('changed')}  data/notes.txt`);
  }
  const doc = recordingsJson({
    case: s.caseOver,
    rec: { identifier: `KM90026-P${n}`, duration: '00:02', parts: [{ path: rel(s.nfd.json) }], ...(s.depth ? { deep: DEEP } : {}), ...s.recOver },
  });
  const tags: Array<[string, string]> = [
    ['bagit.txt', 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n'],
    ['bag-info.txt', `BagIt-Profile-Identifier: crp/1\nPayload-Oxum: ${payloadBytes}.${payloadFiles}\n`],
    ['manifest-sha256.txt', manifest.map((l) => `${l}\n`).join('')],
    ['recordings.json', JSON.stringify(doc).replace(`"${DEEP}"`, nested(s.depth))],
  ];
  for (const [name, text] of tags) fs.writeFileSync(path.join(dir, name), text);
  fs.writeFileSync(path.join(dir, 'tagmanifest-sha256.txt'), tags.map(([name, text]) => `${sha256(text)}  ${name}\n`).join(''));
}

const rules = (ps: ReadonlyArray<{ rule: string }>) => [...new Set(ps.map((p) => p.rule))].sort();

describe('[Q-2] one validation path: check and import agree', () => {
  it(`[Q-2] [DC-4] on ${RUNS} generated packages, check and import give the same verdict and the same rules`, async () => {
    const seen = { valid: 0, invalid: 0, nfdDisk: 0, nfdValid: 0 };
    await fc.assert(
      fc.asyncProperty(spec, async (s) => {
        const dir = path.join(root, `pkg-${serial + 1}`);
        writePackage(dir, s);
        try {
          const c = await checkPath(dir);
          const i = await importPath(ctx, dir);
          const verdict = { valid: c.valid, rules: rules(c.problems) };
          expect({ valid: i.problems.length === 0, rules: rules(i.problems) }, JSON.stringify({ s: { ...s, depth: s.depth }, check: c.problems, import: i.problems }).slice(0, 4000)).toEqual(verdict);
          seen[c.valid ? 'valid' : 'invalid']++;
          if (s.nfd.disk !== s.nfd.json || s.nfd.disk !== s.nfd.manifest) {
            seen.nfdDisk++;
            if (c.valid) seen.nfdValid++;
          }
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS },
    );
    console.log(`parity: ${JSON.stringify(seen)}`);
    // The generator reaches both verdicts, and names in mixed normalisation are accepted when nothing else is wrong.
    expect(seen.valid).toBeGreaterThan(RUNS / 20);
    expect(seen.invalid).toBeGreaterThan(RUNS / 4);
    expect(seen.nfdValid).toBeGreaterThan(0);
  }, 900_000);

  it('[Q-2] an NFD-named recording referenced in NFC (as macOS writes it) is accepted by check and imported', async () => {
    const dir = path.join(root, 'nfd-accepted');
    writePackage(dir, {
      name: 'nagranie-łódź-ó', nfd: { disk: true, manifest: false, json: false }, media: 'mp4', mp4Entry: 'right', extraEntry: false, unreferenced: 'none', depth: 0, recOver: {}, caseOver: {},
    });
    expect(fs.readdirSync(path.join(dir, 'data'))).toEqual(['nagranie-łódź-ó'.normalize('NFD') + '.mp4']);
    const c = await checkPath(dir);
    expect(c.problems).toEqual([]);
    const i = await importPath(ctx, dir);
    expect(i.problems).toEqual([]);
    expect(i.imported).toHaveLength(1);
    const part = kiosk.db.prepare('SELECT p.name FROM parts p JOIN recordings r ON r.id = p.recording_id WHERE r.identifier = ?').get(i.imported[0]!.identifier) as { name: string };
    expect(part.name).toBe('data/nagranie-łódź-ó.mp4'.normalize('NFC'));
  });
});
