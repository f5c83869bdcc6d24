// The bounded walk of the movie box (app/core/media: box-tree, moov,
// sample-tables) on every case of the hostile corpus made by
// scripts/make-hostile-media.ts from a real ffmpeg recording; every cap of
// MEDIA_LIMITS reached with that recording; the sample tables read the way
// ffmpeg wrote them, in each of their encodings; and the budget of the worker
// mp4box runs on.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MediaIndex, type ReadFn, MEDIA_LIMITS, type MediaLimits, indexMp4, isProblem, probeMp4 } from '../../../app/core/media';
import { loadMovie, walkTopLevel } from '../../../app/core/media/container';
import { MediaInputError } from '../../../app/core/media/problems';
import { readMovieBoxes } from '../../../app/core/media/moov';
import { type SampleTables, forEachSample } from '../../../app/core/media/sample-tables';
import type { Problem } from '../../../app/shared/problem';
import { type HostileCase, baseRecording, hostileCases, payloadOf, withBoxReplaced, withCo64, withU32 } from '../../../scripts/make-hostile-media';
import { tempDir } from './media-fixtures';

/** Refused by our own walk of moov, before mp4box sees anything. */
const WALKED = [
  'stsz-50m-samples', 'stsz-50m-table', 'stco-huge-count', 'co64-huge-count', 'stsc-huge-count', 'stts-huge-count', 'ctts-huge-count',
  'stss-huge-count', 'elst-huge-count', 'stsd-huge-count', 'box-exceeds-parent', 'largesize-2^63', 'size-0-box-in-moov',
  'nesting-100000-deep', 'moov-2m-tiny-boxes',
];
/** Refused by the top-level walk, and by mp4box on its worker. */
const OTHERS = ['size-0-box-top-level', 'stsd-nesting-100000-deep'];

const STBL = 'moov/trak[0]/mdia/minf/stbl';
const AUDIO_STBL = 'moov/trak[1]/mdia/minf/stbl';

let dir: string;
let base: Buffer;
let cases: Record<string, HostileCase>;

beforeAll(() => {
  dir = tempDir();
  base = baseRecording(path.join(dir, 'base.mp4'));
  cases = hostileCases(base);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const readerOf = (b: Buffer): ReadFn => async (o, n) => b.subarray(o, o + n);

/** The bounded walk alone (no mp4box): moov located by the top-level walk, then read in place. */
async function walkMoov(mp4: Buffer, limits: MediaLimits = MEDIA_LIMITS): Promise<() => ReturnType<typeof readMovieBoxes>> {
  const moov = (await walkTopLevel(readerOf(mp4), mp4.length, 'rec.mp4')).find((b) => b.type === 'moov')!;
  return () => readMovieBoxes(mp4, moov.offset, moov.offset + moov.size, 'rec.mp4', limits, moov.offset);
}

async function refusal(f: () => unknown): Promise<Problem> {
  try {
    await f();
  } catch (e) {
    if (e instanceof MediaInputError) return e.problem;
    throw e;
  }
  throw new Error('expected a refusal');
}

function expectNamed(p: Problem, c: HostileCase): void {
  expect(p).toMatchObject({ file: 'rec.mp4', rule: c.rule });
  expect(p.message).toContain(c.box);
  for (const n of c.numbers) expect(p.message).toContain(n);
}

async function index(mp4: Buffer): Promise<MediaIndex> {
  const ix = await indexMp4(readerOf(mp4), mp4.length, 'rec.mp4');
  if (isProblem(ix)) throw new Error(`${ix.rule}: ${ix.message}`);
  return ix;
}

describe('the bounded walk of moov on the hostile corpus', () => {
  it('the corpus has every case the hardening issue names', () => {
    expect(Object.keys(cases).sort()).toEqual([...WALKED, ...OTHERS].sort());
  });

  it('reads the untouched recording', async () => {
    const movie = (await walkMoov(base))();
    expect(movie.tracks.map((t) => [t.handler, t.sampleCount])).toEqual([['vide', 48], ['soun', expect.any(Number)]]);
  });

  it.each(WALKED)('[Q-2] %s: refused by the walk before anything is allocated for it, naming the box and the numbers', async (name) => {
    const c = cases[name]!;
    const walk = await walkMoov(c.mp4);
    const before = process.memoryUsage();
    const p = await refusal(walk);
    const after = process.memoryUsage();
    expectNamed(p, c);
    // mp4box spent 1 GB on stsz-50m-samples before its heap ran out; the walk reads in place.
    expect(after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers).toBeLessThan(32 * 1024 * 1024);
  });

  it.each([...WALKED, ...OTHERS])('[Q-2] %s: probeMp4 and indexMp4 return the refusal as a Problem naming the file', async (name) => {
    const c = cases[name]!;
    for (const f of [probeMp4, indexMp4]) {
      const p = await f(readerOf(c.mp4), c.mp4.length, 'rec.mp4');
      if (!isProblem(p)) throw new Error(`${name} was accepted`);
      expectNamed(p, c);
    }
  });
});

describe('MEDIA_LIMITS', () => {
  it('[Q-2] each cap refuses the untouched recording once lowered below what it has, and names itself', async () => {
    const total = (await walkMoov(base))().tracks.reduce((n, t) => n + t.sampleCount, 0);
    const walked: Array<[Partial<MediaLimits>, string]> = [
      [{ moovBoxes: 5 }, 'moovBoxes'],
      [{ boxDepth: 4 }, 'boxDepth'],
      [{ tracks: 1 }, 'tracks'],
      [{ samplesPerTrack: 10 }, 'samplesPerTrack'],
      [{ samplesPerMovie: total - 1 }, 'samplesPerMovie'],
      [{ editsPerTrack: 0 }, 'editsPerTrack'],
      [{ sampleDescriptionBytes: 16 }, 'sampleDescriptionBytes'],
      [{ sampleDescriptionsPerTrack: 0 }, 'sampleDescriptionsPerTrack'],
    ];
    for (const [over, name] of walked) {
      const p = await refusal(await walkMoov(base, { ...MEDIA_LIMITS, ...over }));
      expect(p, name).toMatchObject({ rule: 'media.limits' });
      expect(p.message).toContain(`limit ${name}`);
    }
    // Caps checked before moov is read keep the rules they always had.
    const loaded: Array<[Partial<MediaLimits>, string, string]> = [
      [{ topLevelBoxes: 2 }, 'topLevelBoxes', 'media.not-mp4'],
      [{ ftypBytes: 16 }, 'ftypBytes', 'media.moov-too-large'],
      [{ moovBytes: 1000 }, 'moovBytes', 'media.moov-too-large'],
      // The worker mp4box runs on: out of time, out of heap (4 MB cannot even load mp4box).
      [{ describeTimeoutMs: 1 }, 'describeTimeoutMs', 'media.limits'],
      [{ describeHeapMb: 4 }, 'describeHeapMb', 'media.limits'],
    ];
    for (const [over, name, rule] of loaded) {
      const p = await refusal(() => loadMovie(readerOf(base), base.length, 'rec.mp4', { ...MEDIA_LIMITS, ...over }));
      expect(p, name).toMatchObject({ rule });
      expect(p.message).toContain(`limit ${name}`);
    }
    expect([...walked.map(([, n]) => n), ...loaded.map(([, n]) => n)].sort()).toEqual(Object.keys(MEDIA_LIMITS).sort());
  });

  it('the worker that failed under a small budget still describes the recording under the real one', async () => {
    const info = await probeMp4(readerOf(base), base.length, 'rec.mp4');
    expect(info).toMatchObject({ video: { codec: expect.stringMatching(/^avc1\./), width: 1280, height: 720 }, audio: { codec: 'mp4a.40.2' } });
  });
});

describe('sample tables read in place', () => {
  it('co64 and a 16-bit stz2 give the same samples as the stco and stsz ffmpeg wrote', async () => {
    const stsz = payloadOf(base, `${AUDIO_STBL}/stsz`);
    const n = stsz.readUInt32BE(8);
    const stz2 = Buffer.alloc(20 + 2 * n);
    stz2.writeUInt32BE(stz2.length, 0);
    stz2.write('stz2', 4, 'latin1');
    stz2[15] = 16; // field size, after version, flags and 3 reserved bytes
    stz2.writeUInt32BE(n, 16);
    for (let i = 0; i < n; i++) stz2.writeUInt16BE(stsz.readUInt32BE(12 + 4 * i), 20 + 2 * i);
    const variant = withBoxReplaced(withCo64(withCo64(base, STBL), AUDIO_STBL), `${AUDIO_STBL}/stsz`, stz2);
    const { fileSize: _a, ...want } = await index(base);
    const { fileSize: _b, ...got } = await index(variant);
    expect(got).toEqual(want);
  });

  it('a QuickTime udta that ends in a 32-bit zero is read like any other', async () => {
    const udta = payloadOf(base, 'moov/udta');
    const box = Buffer.concat([Buffer.alloc(8), udta, Buffer.alloc(4)]);
    box.writeUInt32BE(box.length, 0);
    box.write('udta', 4, 'latin1');
    const variant = withBoxReplaced(base, 'moov/udta', box);
    expect(await probeMp4(readerOf(variant), variant.length, 'rec.mp4')).toEqual(await probeMp4(readerOf(base), base.length, 'rec.mp4'));
  });

  it.each([
    ['stts times fewer samples than stsz has', () => withU32(base, `${STBL}/stts`, 8, 47), `${STBL}/stts gives times for 47 samples`],
    ['stsc starts after chunk 1', () => withU32(base, `${STBL}/stsc`, 8, 2), `${STBL}/stsc entry 1 starts at chunk 2`],
    ['stco lists fewer chunks than the samples need', () => withU32(base, `${STBL}/stco`, 4, 1), 'place'],
  ])('[Q-2] tables that disagree are a bad moov: %s', async (_why, make, text) => {
    const mp4 = make();
    const p = await refusal(() => loadMovie(readerOf(mp4), mp4.length, 'rec.mp4'));
    expect(p.rule).toBe('media.bad-moov');
    expect(p.message).toContain(text);
  });

  it('reads 4- and 8-bit stz2 sizes, stsc and stts runs, ctts and stss, and lets the last sample last to the media duration', () => {
    // Entries from `at`: stz2 4-bit sizes 1..6, 8-bit 7..12; stco 2 chunks; stsc 2 runs;
    // stts 2 runs; ctts 2 runs; stss samples 1 and 4.
    const buf = Buffer.from([
      0x12, 0x34, 0x56, // 4-bit sizes at 0
      7, 8, 9, 10, 11, 12, // 8-bit sizes at 3
      0, 0, 0, 100, 0, 0, 1, 0, // stco at 9: 100, 256
      0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, // stsc at 17: chunk 1: 4 a chunk; chunk 2: 2
      0, 0, 0, 3, 0, 0, 0, 10, 0, 0, 0, 3, 0, 0, 0, 20, // stts at 41: 3 x 10, 3 x 20
      0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 4, 0xff, 0xff, 0xff, 0xfb, // ctts at 57: 2 x +5, 4 x -5
      0, 0, 0, 1, 0, 0, 0, 4, // stss at 73: 1, 4
    ]);
    const tables = (sizeBits: number, at: number): SampleTables => ({
      sampleCount: 6,
      sizesPath: 'stz2',
      constantSize: 0,
      sizeBits,
      sizes: { path: 'stz2', count: 6, at },
      chunks: { path: 'stco', count: 2, at: 9, wide: false },
      stsc: { path: 'stsc', count: 2, at: 17 },
      stts: { path: 'stts', count: 2, at: 41 },
      ctts: { path: 'ctts', count: 2, at: 57 },
      stss: { path: 'stss', count: 2, at: 73 },
    });
    const rows = (t: SampleTables) => {
      const out: number[][] = [];
      forEachSample(buf, t, 200, 'rec.mp4', (i, offset, size, dts, duration, cts, sync) => out.push([i, offset, size, dts, duration, cts, sync ? 1 : 0]));
      return out;
    };
    expect(rows(tables(4, 0))).toEqual([
      [0, 100, 1, 0, 10, 5, 1],
      [1, 101, 2, 10, 10, 5, 0],
      [2, 103, 3, 20, 10, -5, 0],
      [3, 106, 4, 30, 20, -5, 1],
      [4, 256, 5, 50, 20, -5, 0],
      [5, 261, 6, 70, 130, -5, 0],
    ]);
    expect(rows(tables(8, 3)).map((r) => r[2])).toEqual([7, 8, 9, 10, 11, 12]);
  });
});
