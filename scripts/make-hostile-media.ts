// Writes the hostile-media corpus for the hardening tests: MP4s made from one
// real ffmpeg recording by changing a few of its box headers or counts, each
// a way to make a parser that believes sizes and counts spend unbounded time
// or memory (the stsz claiming 50,000,000 samples is a 20-byte edit).
// Every case is also written as a crp/1 package (OUT/<case>/) and listed in
// OUT/expected.json with the rule it must be refused by, the box path and the
// numbers its message must name. OUT/untouched/ is the same package with the
// recording unchanged, which must pass.
//   npx tsx scripts/make-hostile-media.ts OUTDIR
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bag, recordingsJson } from './make-bad-corpus';

export interface HostileExpectation {
  readonly rule: 'media.bad-moov' | 'media.limits' | 'media.no-moov';
  /** Text the problem's message must contain: the box path. */
  readonly box: string;
  /** Numbers the message must name. */
  readonly numbers: readonly string[];
}

export interface HostileCase extends HostileExpectation {
  readonly mp4: Buffer;
}

interface Located {
  readonly type: string;
  readonly start: number;
  readonly size: number;
}

/** Children of the container whose payload is [start, end); 32-bit sizes only (the base file is small). */
function childrenIn(buf: Buffer, start: number, end: number): Located[] {
  const out: Located[] = [];
  for (let at = start; at + 8 <= end; ) {
    const size = buf.readUInt32BE(at);
    if (size < 8) throw new Error(`make-hostile-media: unexpected box size ${size} at ${at}`);
    out.push({ type: buf.toString('latin1', at + 4, at + 8), start: at, size });
    at += size;
  }
  return out;
}

/** The boxes from the top level down to `boxPath` (`moov/trak[0]/mdia`), each found by type and index among its siblings. */
function chain(buf: Buffer, boxPath: string): Located[] {
  const found: Located[] = [];
  let start = 0;
  let end = buf.length;
  for (const part of boxPath.split('/')) {
    const m = /^(.{4})(?:\[(\d+)\])?$/.exec(part);
    if (!m) throw new Error(`make-hostile-media: bad path ${boxPath}`);
    const box = childrenIn(buf, start, end).filter((c) => c.type === m[1])[Number(m[2] ?? 0)];
    if (!box) throw new Error(`make-hostile-media: no ${boxPath} in the base recording`);
    found.push(box);
    start = box.start + 8;
    end = box.start + box.size;
  }
  return found;
}

const boxAt = (buf: Buffer, boxPath: string): Located => chain(buf, boxPath).at(-1)!;

/** A copy with `values` written as 32-bit numbers from `offset` bytes into the payload of `boxPath`. */
export function withU32(buf: Buffer, boxPath: string, offset: number, ...values: number[]): Buffer {
  const out = Buffer.from(buf);
  values.forEach((v, i) => out.writeUInt32BE(v, boxAt(buf, boxPath).start + 8 + offset + 4 * i));
  return out;
}

/**
 * A copy with `bytes` put where `at` says (a byte offset), and the 32-bit sizes of `ancestors`
 * grown to match. The base has its moov after mdat, so no chunk offset moves.
 */
function spliced(buf: Buffer, at: number, removed: number, bytes: Buffer, ancestors: readonly Located[]): Buffer {
  const out = Buffer.concat([buf.subarray(0, at), bytes, buf.subarray(at + removed)]);
  for (const a of ancestors) out.writeUInt32BE(a.size + bytes.length - removed, a.start);
  return out;
}

/** `bytes` inserted as the first child of `parentPath` (the moov: before mvhd). */
function insertedInto(buf: Buffer, parentPath: string, bytes: Buffer): Buffer {
  const c = chain(buf, parentPath);
  return spliced(buf, c.at(-1)!.start + 8, 0, bytes, c);
}

function header(size: number, type: string): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(size, 0);
  b.write(type, 4, 'latin1');
  return b;
}

/** `depth` boxes of `type`, each the only child of the one before. */
function nested(type: string, depth: number): Buffer {
  const nest = Buffer.alloc(8 * depth);
  for (let i = 0; i < depth; i++) {
    nest.writeUInt32BE(8 * (depth - i), 8 * i);
    nest.write(type, 8 * i + 4, 'latin1');
  }
  return nest;
}

/** A copy with the box at `boxPath` replaced by `bytes` (a whole box), its ancestors' sizes adjusted. */
export function withBoxReplaced(buf: Buffer, boxPath: string, bytes: Buffer): Buffer {
  const c = chain(buf, boxPath);
  const box = c.at(-1)!;
  return spliced(buf, box.start, box.size, bytes, c.slice(0, -1));
}

/** A copy whose stco in `stblPath` is a co64 with the same chunk offsets, claiming `count` entries (default: as many as it holds). */
export function withCo64(buf: Buffer, stblPath: string, count?: number): Buffer {
  const stco = boxAt(buf, `${stblPath}/stco`);
  const n = buf.readUInt32BE(stco.start + 12);
  const co64 = Buffer.alloc(16 + 8 * n);
  co64.writeUInt32BE(co64.length, 0);
  co64.write('co64', 4, 'latin1');
  co64.writeUInt32BE(count ?? n, 12);
  for (let i = 0; i < n; i++) co64.writeBigUInt64BE(BigInt(buf.readUInt32BE(stco.start + 16 + 4 * i)), 16 + 8 * i);
  return withBoxReplaced(buf, `${stblPath}/stco`, co64);
}

/** The payload of the box at `boxPath` (after its 8-byte header). */
export function payloadOf(buf: Buffer, boxPath: string): Buffer {
  const box = boxAt(buf, boxPath);
  return buf.subarray(box.start + 8, box.start + box.size);
}

const VIDEO = 'moov/trak[0]';
const STBL = `${VIDEO}/mdia/minf/stbl`;

/** The hostile variants of `base` (a real recording, moov after mdat), with what each must be refused by. */
export function hostileCases(base: Buffer): Record<string, HostileCase> {
  const cases: Record<string, HostileCase> = {};
  const add = (name: string, exp: HostileExpectation, mp4: Buffer) => {
    cases[name] = { ...exp, mp4 };
  };
  const hugeCount = (name: string, box: string, count: number) =>
    add(name, { rule: 'media.bad-moov', box, numbers: [String(count)] }, withU32(base, box, 4, count));

  // The case: stsz turned into "every sample is 1 byte, 50,000,000 of them". Its own bytes
  // allow it (a constant size needs no table), so only the cap refuses it.
  add('stsz-50m-samples', { rule: 'media.limits', box: `${STBL}/stsz`, numbers: ['50000000', '8640000'] }, withU32(base, `${STBL}/stsz`, 4, 1, 50_000_000));
  // The same count with a size table: 200 MB of table in a box of a few hundred bytes.
  add('stsz-50m-table', { rule: 'media.bad-moov', box: `${STBL}/stsz`, numbers: ['50000000'] }, withU32(base, `${STBL}/stsz`, 8, 50_000_000));
  hugeCount('stco-huge-count', `${STBL}/stco`, 0x4000_0000);
  hugeCount('stsc-huge-count', `${STBL}/stsc`, 0x1000_0000);
  hugeCount('stts-huge-count', `${STBL}/stts`, 0x2000_0000);
  hugeCount('ctts-huge-count', `${STBL}/ctts`, 0x2000_0000);
  hugeCount('stss-huge-count', `${STBL}/stss`, 0x4000_0000);
  hugeCount('elst-huge-count', `${VIDEO}/edts/elst`, 0x1000_0000);
  hugeCount('stsd-huge-count', `${STBL}/stsd`, 0x1000_0000);

  add('co64-huge-count', { rule: 'media.bad-moov', box: `${STBL}/co64`, numbers: [String(0x4000_0000)] }, withCo64(base, STBL, 0x4000_0000));

  // A box larger than its parent: mdia claims 1000 bytes more than its trak holds.
  {
    const mdia = boxAt(base, `${VIDEO}/mdia`);
    const trak = boxAt(base, VIDEO);
    const mp4 = Buffer.from(base);
    mp4.writeUInt32BE(mdia.size + 1000, mdia.start);
    const room = trak.start + trak.size - mdia.start;
    add('box-exceeds-parent', { rule: 'media.bad-moov', box: `${VIDEO}/mdia`, numbers: [String(mdia.size + 1000), String(room)] }, mp4);
  }

  // A 64-bit largesize of 2^63 on a box inside moov.
  {
    const huge = Buffer.concat([header(1, 'free'), Buffer.alloc(8)]);
    huge.writeBigUInt64BE(2n ** 63n, 8);
    add('largesize-2^63', { rule: 'media.bad-moov', box: 'moov/free', numbers: [String(2n ** 63n)] }, insertedInto(base, 'moov', huge));
  }

  // A size-0 box ("to the end of the file") in the middle of moov.
  add('size-0-box-in-moov', { rule: 'media.bad-moov', box: 'moov/free', numbers: [] }, insertedInto(base, 'moov', header(0, 'free')));

  // A size-0 box in the middle of the file: everything after it, moov included, belongs to it.
  {
    const mdat = boxAt(base, 'mdat');
    add('size-0-box-top-level', { rule: 'media.no-moov', box: "'free'", numbers: [String(mdat.start)] }, spliced(base, mdat.start, 0, header(0, 'free'), []));
  }

  // 100,000 udta boxes, each the only child of the one before: 800 KB of headers.
  const nest = nested('udta', 100_000);
  add('nesting-100000-deep', { rule: 'media.limits', box: 'moov/udta/udta', numbers: ['16'] }, insertedInto(base, 'moov', nest));

  // The same nest inside the video's sample entry (avc1), which only mp4box reads: its recursion
  // runs out of stack on the worker, which reports the sample description as unparseable.
  {
    const c = chain(base, `${STBL}/stsd`);
    const stsd = c.at(-1)!;
    const avc1 = { type: 'avc1', start: stsd.start + 16, size: base.readUInt32BE(stsd.start + 16) };
    add('stsd-nesting-100000-deep', { rule: 'media.bad-moov', box: `${STBL}/stsd`, numbers: [] }, spliced(base, avc1.start + avc1.size, 0, nest, [...c, avc1]));
  }

  // Two million empty free boxes in moov: 16 MB, well under the moov size cap.
  {
    const count = 2_000_000;
    const many = Buffer.alloc(8 * count);
    for (let i = 0; i < count; i++) {
      many.writeUInt32BE(8, 8 * i);
      many.write('free', 8 * i + 4, 'latin1');
    }
    add('moov-2m-tiny-boxes', { rule: 'media.limits', box: 'moov', numbers: ['10000'] }, insertedInto(base, 'moov', many));
  }
  return cases;
}

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'make-test-media.sh');

/** A real 2 s 1280x720 H.264 (with B-frames, so ctts) + AAC recording, moov after mdat. */
export function baseRecording(out: string): Buffer {
  if (!fs.existsSync(out)) execFileSync('bash', [SCRIPT, out, '--seconds', '2', '--moov-at-end'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return fs.readFileSync(out);
}

/** Writes OUT/<case>/ (crp/1 packages), OUT/untouched/ and OUT/expected.json; returns the expectations. */
export async function makeHostileCorpus(out: string): Promise<Record<string, HostileExpectation>> {
  fs.mkdirSync(out, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-media-'));
  const base = baseRecording(path.join(work, 'base.mp4'));
  const recs = recordingsJson({ rec: { identifier: 'KM90026-HOSTILE', duration: '00:02' } });
  const expected: Record<string, HostileExpectation> = {};
  const write = async (name: string, mp4: Buffer) => {
    const dir = path.join(out, name);
    fs.rmSync(dir, { recursive: true, force: true });
    await bag(dir, [['data/rec.mp4', mp4]], recs);
  };
  await write('untouched', base);
  for (const [name, { mp4, ...exp }] of Object.entries(hostileCases(base))) {
    await write(name, mp4);
    expected[name] = exp;
  }
  fs.writeFileSync(path.join(out, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
  fs.rmSync(work, { recursive: true, force: true });
  return expected;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: npx tsx scripts/make-hostile-media.ts OUTDIR');
    process.exit(2);
  }
  const cases = await makeHostileCorpus(out);
  console.log(`wrote ${Object.keys(cases).length} hostile cases and untouched/ into ${out}`);
}
