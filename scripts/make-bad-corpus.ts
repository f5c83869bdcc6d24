// Writes the bad-input corpus for the import tests (issue: import from
// carriers, acceptance 2): one package per broken rule, each otherwise valid,
// plus expected.json naming, for every case, the outcome, the rule (or rule
// prefix) and the file the error must name. Run: npx tsx scripts/make-bad-corpus.ts OUTDIR
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BagWriter } from '../app/core/carrier/bagit/writer';
import { ensureTool } from '../app/core/tools/external-tool';

export interface Expectation {
  readonly outcome: 'rejected' | 'imported-flagged' | 'held';
  /** Rule id, or a prefix ending in '.' */
  readonly rule: string;
  /** Text the problem's file must contain. */
  readonly file: string;
  readonly flags?: string[];
}

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

function mp4(out: string, size: string, fps: number, seconds: number): Buffer {
  if (!fs.existsSync(out)) {
    const [w, h] = size.split('x').map(Number) as [number, number];
    execFileSync('ffmpeg', ['-y', '-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${w / 4}x${h / 4}:rate=${fps},scale=${w}:${h}`,
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '32',
      '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '48k', '-movflags', '+faststart', out]);
  }
  return fs.readFileSync(out);
}

/** A valid crp/1 recordings.json for one recording of data/rec.mp4; `over` replaces fields of the case or the recording. */
export function recordingsJson(over: { case?: Record<string, unknown>; rec?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    profile: 'crp/1',
    case: { jurisdiction: 'PL', signature: 'KM 900/26', court: 'Sąd Rejonowy Testowy', caseNumber: null, proceedingsNumber: null, ...over.case },
    recordings: [
      {
        identifier: 'KM90026-20260101-01',
        creator: { name: 'Test Komornik', court: 'Sąd Rejonowy Testowy' },
        title: 'Czynność testowa',
        date: '2026-01-0110:00:00',
        duration: '00:03',
        grouping: 'KM 900/26',
        version: 0,
        supersedes: null,
        parts: [{ path: 'data/rec.mp4' }],
        annotations: [],
        attachments: [],
        envelopeSheet: null,
        ...over.rec,
      },
    ],
  };
}

async function* once(b: Buffer): AsyncIterable<Uint8Array> {
  yield b;
}

/** Writes a crp/1 bag at `dir` with these payload files and recordings.json. */
export async function bag(dir: string, files: Array<[string, Buffer]>, recs: unknown): Promise<void> {
  const w = await BagWriter.create(dir);
  for (const [rel, b] of files) await w.addPayloadFile(rel, once(b));
  await w.addTagFile('recordings.json', typeof recs === 'string' ? recs : JSON.stringify(recs, null, 2));
  await w.finish([['BagIt-Profile-Identifier', 'crp/1']]);
}

/** Recomputes tagmanifest-sha256.txt after a deliberate change, so only the intended rule breaks. */
export function retag(dir: string): void {
  const lines = fs
    .readFileSync(path.join(dir, 'tagmanifest-sha256.txt'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(l.indexOf(' ')).trim())
    .map((name) => `${sha256(fs.readFileSync(path.join(dir, name)))}  ${name}`);
  fs.writeFileSync(path.join(dir, 'tagmanifest-sha256.txt'), lines.join('\n') + '\n');
}

function addManifestLine(dir: string, line: string): void {
  fs.appendFileSync(path.join(dir, 'manifest-sha256.txt'), line + '\n');
  retag(dir);
}

export async function makeBadCorpus(out: string): Promise<Record<string, Expectation>> {
  ensureTool('ffmpeg');
  fs.mkdirSync(out, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-corpus-'));
  const good = mp4(path.join(work, 'good.mp4'), '1280x720', 24, 3);
  const low = mp4(path.join(work, 'low.mp4'), '640x480', 15, 3);
  const base: Array<[string, Buffer]> = [['data/rec.mp4', good]];
  const cases: Record<string, Expectation> = {};
  const make = async (name: string, exp: Expectation, build: (dir: string) => Promise<void>) => {
    const dir = path.join(out, name);
    fs.rmSync(dir, { recursive: true, force: true });
    await build(dir);
    cases[name] = exp;
  };
  const ok = (dir: string) => bag(dir, base, recordingsJson());
  const escape = (name: string, p: string) =>
    make(name, { outcome: 'rejected', rule: 'bagit.', file: 'manifest-sha256.txt' }, async (d) => {
      await ok(d);
      addManifestLine(d, `${sha256(Buffer.from('x'))}  ${p}`);
    });
  await escape('path-escape-dotdot', 'data/../../etc/passwd');
  await escape('path-escape-absolute', '/etc/passwd');
  await escape('path-escape-tilde', '~/secrets.txt');
  await escape('path-escape-backslash', 'data\\..\\..\\windows.txt');
  await escape('path-escape-percent-dots', 'data/%2e%2e/%2e%2e/etc/passwd');
  await make('symlink-to-file', { outcome: 'rejected', rule: 'carrier.special-file', file: 'data/link.mp4' }, async (d) => {
    await ok(d);
    fs.symlinkSync('/etc/passwd', path.join(d, 'data', 'link.mp4'));
  });
  await make('symlink-to-directory', { outcome: 'rejected', rule: 'carrier.special-file', file: 'data/etc' }, async (d) => {
    await ok(d);
    fs.symlinkSync('/etc', path.join(d, 'data', 'etc'));
  });
  await make('fifo', { outcome: 'rejected', rule: 'carrier.special-file', file: 'data/pipe' }, async (d) => {
    await ok(d);
    execFileSync('mkfifo', [path.join(d, 'data', 'pipe')]);
  });
  await make('nfc-nfd-duplicate', { outcome: 'rejected', rule: 'carrier.name-collision', file: 'data/' }, async (d) => {
    await ok(d);
    const nfc = 'Nu\u00f1ez.txt'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    for (const n of [nfc, nfd]) {
      fs.writeFileSync(path.join(d, 'data', n), n);
      fs.appendFileSync(path.join(d, 'manifest-sha256.txt'), `${sha256(Buffer.from(n))}  data/${n}\n`);
    }
    retag(d);
  });
  await make('case-only-duplicate', { outcome: 'rejected', rule: 'carrier.name-collision', file: 'data/' }, async (d) => {
    await ok(d);
    for (const n of ['notes.txt', 'NOTES.txt']) {
      fs.writeFileSync(path.join(d, 'data', n), n);
      fs.appendFileSync(path.join(d, 'manifest-sha256.txt'), `${sha256(Buffer.from(n))}  data/${n}\n`);
    }
    retag(d);
  });
  await make('wrong-hash', { outcome: 'rejected', rule: 'bagit.manifest.hash', file: 'data/rec.mp4' }, async (d) => {
    await ok(d);
    const f = path.join(d, 'data', 'rec.mp4');
    const b = fs.readFileSync(f);
    b[b.length - 100]! ^= 0xff;
    fs.writeFileSync(f, b);
  });
  await make('truncated-file', { outcome: 'rejected', rule: 'bagit.', file: 'data/rec.mp4' }, async (d) => {
    await ok(d);
    fs.truncateSync(path.join(d, 'data', 'rec.mp4'), Math.floor(good.length / 2));
  });
  await make('extra-file', { outcome: 'rejected', rule: 'bagit.', file: 'data/extra.txt' }, async (d) => {
    await ok(d);
    fs.writeFileSync(path.join(d, 'data', 'extra.txt'), 'not in any manifest');
  });
  await make('missing-file', { outcome: 'rejected', rule: 'bagit.', file: 'data/rec.mp4' }, async (d) => {
    await ok(d);
    fs.rmSync(path.join(d, 'data', 'rec.mp4'));
  });
  await make('bad-payload-oxum', { outcome: 'rejected', rule: 'bagit.', file: 'bag-info.txt' }, async (d) => {
    await ok(d);
    const f = path.join(d, 'bag-info.txt');
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/Payload-Oxum: \d+\.\d+/, 'Payload-Oxum: 12.1'));
    retag(d);
  });
  await make('bom-in-bagit-txt', { outcome: 'rejected', rule: 'bagit.', file: 'bagit.txt' }, async (d) => {
    await ok(d);
    const f = path.join(d, 'bagit.txt');
    fs.writeFileSync(f, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fs.readFileSync(f)]));
    retag(d);
  });
  await make('utf16-tag-file', { outcome: 'rejected', rule: 'bagit.', file: 'bag-info.txt' }, async (d) => {
    await ok(d);
    const f = path.join(d, 'bag-info.txt');
    fs.writeFileSync(f, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(fs.readFileSync(f, 'utf8'), 'utf16le')]));
    retag(d);
  });
  await make('malformed-recordings-json', { outcome: 'rejected', rule: 'crp.recordings-json.syntax', file: 'recordings.json' }, (d) =>
    bag(d, base, '{ "profile": "crp/1", "case": '),
  );
  await make('bad-date', { outcome: 'rejected', rule: 'pl3.date.format', file: 'recordings.json' }, (d) => bag(d, base, recordingsJson({ rec: { date: '01.01.2026 10:00' } })));
  await make('bad-duration', { outcome: 'rejected', rule: 'pl3.duration.format', file: 'recordings.json' }, (d) => bag(d, base, recordingsJson({ rec: { duration: '0:3' } })));
  await make('version-1-without-supersedes', { outcome: 'rejected', rule: 'pl3.version.supersedes-missing', file: 'recordings.json' }, (d) =>
    bag(d, base, recordingsJson({ rec: { version: 1, supersedes: null } })),
  );
  await make('non-mp4-renamed', { outcome: 'rejected', rule: 'media.', file: 'data/rec.mp4' }, (d) =>
    bag(d, [['data/rec.mp4', Buffer.from('This is a protocol in plain text, renamed to .mp4.\n'.repeat(50))]], recordingsJson()),
  );
  await make('low-res-640x480-15fps', { outcome: 'imported-flagged', rule: 'PL-4.2', file: 'data/rec.mp4', flags: ['PL-4.2'] }, (d) =>
    bag(d, [['data/rec.mp4', low]], recordingsJson({ rec: { identifier: 'KM90026-LOWRES', duration: '00:03' } })),
  );
  await make('malformed-eun', { outcome: 'held', rule: 'ua.case-number.malformed', file: 'recordings.json' }, (d) =>
    bag(d, base, recordingsJson({
      case: { jurisdiction: 'UA', signature: '757-12345-25', caseNumber: '757-12345-25', court: 'Суд' },
      rec: { identifier: 'VKZ-BAD-EUN', grouping: '757-12345-25' },
    })),
  );
  fs.writeFileSync(path.join(out, 'expected.json'), JSON.stringify(cases, null, 2) + '\n');
  fs.rmSync(work, { recursive: true, force: true });
  return cases;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: npx tsx scripts/make-bad-corpus.ts OUTDIR');
    process.exit(2);
  }
  const cases = await makeBadCorpus(out);
  console.log(`wrote ${Object.keys(cases).length} cases into ${out}`);
}
