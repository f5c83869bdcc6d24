// A track's sample tables (stbl), checked before anything is allocated for
// them and then read in place: every count is compared with the bytes its
// own box holds (media.bad-moov when they cannot hold it) and with
// MEDIA_LIMITS (media.limits), and one pass over the tables gives each
// sample's offset, size and times without building an object per sample
// (mp4box's sample objects cost ~220 bytes each: 1 GB for 4.5 M samples).
import { type BoxNode, onlyChild } from './box-tree';
import { MEDIA_LIMITS, type MediaLimits } from './limits';
import { mediaProblem } from './problems';

/** A run of fixed-size entries inside a box: `count` of them from `at`. */
export interface EntryTable {
  readonly path: string;
  readonly count: number;
  readonly at: number;
}

export interface SampleTables {
  readonly sampleCount: number;
  /** Where the sample count came from (stsz or stz2), for messages. */
  readonly sizesPath: string;
  /** stsz's one size for every sample; 0 when each has its own. */
  readonly constantSize: number;
  /** Bits per entry of the size table: 32 (stsz), or 4, 8, 16 (stz2). */
  readonly sizeBits: number;
  readonly sizes: EntryTable;
  readonly chunks: EntryTable & { readonly wide: boolean };
  readonly stsc: EntryTable;
  readonly stts: EntryTable;
  readonly ctts: EntryTable | null;
  readonly stss: EntryTable | null;
}

function bad(file: string, message: string): Error {
  return mediaProblem(file, 'media.bad-moov', message);
}

/**
 * The entries of a full box whose 32-bit entry count sits `countAt` bytes into the payload, each
 * `entryBytes` long, right after it. Refuses a count the box cannot hold, then one over `cap`.
 */
export function entryTable(buf: Buffer, box: BoxNode, countAt: number, entryBytes: number, cap: number, capName: string, file: string): EntryTable {
  const length = box.end - box.payload;
  if (length < countAt + 4) throw bad(file, `${box.path} is ${length} bytes, too short for its entry count`);
  const count = buf.readUInt32BE(box.payload + countAt);
  const need = countAt + 4 + count * entryBytes;
  if (need > length) {
    throw bad(file, `${box.path} claims ${count} entries of ${entryBytes} bytes (${need} bytes with its header) but holds ${length}`);
  }
  if (count > cap) throw mediaProblem(file, 'media.limits', `${box.path} claims ${count} entries; at most ${cap} are accepted (limit ${capName})`);
  return { path: box.path, count, at: box.payload + countAt + 4 };
}

function sizeTable(buf: Buffer, stsz: BoxNode | undefined, stz2: BoxNode | undefined, file: string, limits: MediaLimits) {
  const box = stsz ?? stz2!;
  const length = box.end - box.payload;
  if (length < 12) throw bad(file, `${box.path} is ${length} bytes, too short for its sample count`);
  const count = buf.readUInt32BE(box.payload + 8);
  let constantSize = 0;
  let sizeBits = 32;
  if (stsz) {
    constantSize = buf.readUInt32BE(box.payload + 4);
  } else {
    sizeBits = buf[box.payload + 7]!;
    if (sizeBits !== 4 && sizeBits !== 8 && sizeBits !== 16) throw bad(file, `${box.path} has field size ${sizeBits}; only 4, 8 or 16 bits are defined`);
  }
  const need = 12 + (constantSize === 0 ? Math.ceil((count * sizeBits) / 8) : 0);
  if (need > length) throw bad(file, `${box.path} claims ${count} samples of ${sizeBits} bits each (${need} bytes with its header) but holds ${length}`);
  if (count > limits.samplesPerTrack) {
    throw mediaProblem(file, 'media.limits', `${box.path} claims ${count} samples; at most ${limits.samplesPerTrack} are accepted (limit samplesPerTrack: 10 hours at 240 fps)`);
  }
  return { sampleCount: count, sizesPath: box.path, constantSize, sizeBits, sizes: { path: box.path, count, at: box.payload + 12 } };
}

/**
 * Other tables in stbl that hold an entry count: nothing reads them, but a count their box
 * cannot hold is a file that lies, and is refused like the tables we do read.
 */
function checkOtherTables(buf: Buffer, stbl: BoxNode, file: string, limits: MediaLimits): void {
  const cap = limits.samplesPerTrack;
  for (const box of stbl.children) {
    const length = box.end - box.payload;
    const version = length > 0 ? buf[box.payload]! : 0;
    const flags = length >= 4 ? buf.readUIntBE(box.payload + 1, 3) : 0;
    switch (box.type) {
      case 'stps':
        entryTable(buf, box, 4, 4, cap, 'samplesPerTrack', file);
        break;
      case 'sbgp':
        entryTable(buf, box, version === 1 ? 12 : 8, 8, cap, 'samplesPerTrack', file);
        break;
      case 'saio':
        entryTable(buf, box, flags & 1 ? 12 : 4, version === 1 ? 8 : 4, cap, 'samplesPerTrack', file);
        break;
      case 'saiz': {
        const at = flags & 1 ? 12 : 4;
        const defaultSize = length > at ? buf[box.payload + at]! : 0;
        entryTable(buf, box, at + 1, defaultSize === 0 ? 1 : 0, cap, 'samplesPerTrack', file);
        break;
      }
      case 'padb': {
        const t = entryTable(buf, box, 4, 0, cap, 'samplesPerTrack', file);
        if (8 + Math.ceil(t.count / 2) > length) throw bad(file, `${box.path} claims ${t.count} samples but holds ${length} bytes`);
        break;
      }
      default:
        break;
    }
  }
}

/**
 * Finds and checks the tables of one stbl. Null when the track has no sample sizes at all (no
 * samples); a track with samples must have chunk offsets, sample-to-chunk and time-to-sample.
 */
export function readSampleTables(buf: Buffer, stbl: BoxNode, file: string, limits: MediaLimits = MEDIA_LIMITS): SampleTables | null {
  const one = (type: string) => onlyChild(stbl, type, file);
  const stsz = one('stsz');
  const stz2 = one('stz2');
  const stco = one('stco');
  const co64 = one('co64');
  if (stsz && stz2) throw bad(file, `${stbl.path} holds both stsz and stz2`);
  if (stco && co64) throw bad(file, `${stbl.path} holds both stco and co64`);
  const cap = limits.samplesPerTrack;
  const table = (box: BoxNode | undefined, entryBytes: number) => (box ? entryTable(buf, box, 4, entryBytes, cap, 'samplesPerTrack', file) : null);
  // Every counted table is checked, whether or not the track has samples.
  const chunkBox = stco ?? co64;
  const chunks = table(chunkBox, stco ? 4 : 8);
  const stsc = table(one('stsc'), 12);
  const stts = table(one('stts'), 8);
  const ctts = table(one('ctts'), 8);
  const stss = table(one('stss'), 4);
  checkOtherTables(buf, stbl, file, limits);
  if (!stsz && !stz2) return null;
  const sizes = sizeTable(buf, stsz, stz2, file, limits);
  if (sizes.sampleCount > 0) {
    const missing = [chunks ? '' : 'stco/co64', stsc ? '' : 'stsc', stts ? '' : 'stts'].filter(Boolean);
    if (missing.length > 0) throw bad(file, `${stbl.path} has ${sizes.sampleCount} samples but no ${missing.join(', ')}`);
  }
  const empty = { path: stbl.path, count: 0, at: 0 };
  return {
    ...sizes,
    chunks: { ...(chunks ?? empty), wide: co64 !== undefined },
    stsc: stsc ?? empty,
    stts: stts ?? empty,
    ctts,
    stss,
  };
}

/** What one pass over the tables gives for sample `index` (0-based, decode order). */
export type SampleVisitor = (index: number, offset: number, size: number, dts: number, duration: number, ctsOffset: number, sync: boolean) => void;

/**
 * Visits every sample in decode order, reading the tables in place. Times are in the track's
 * timescale. As mp4box did, the last sample lasts until the media duration (mdhd), not its stts
 * delta. Throws media.bad-moov when the tables disagree: stsc starting past chunk 1 or not
 * ascending, fewer samples in the chunks or in stts than stsz declares. Work is bounded by the
 * counts readSampleTables checked.
 */
export function forEachSample(buf: Buffer, t: SampleTables, mediaDuration: number, file: string, visit: SampleVisitor): void {
  const n = t.sampleCount;
  const { chunks, stsc, stts, ctts, stss } = t;
  const sizeAt = (i: number): number => {
    if (t.constantSize !== 0) return t.constantSize;
    switch (t.sizeBits) {
      case 32:
        return buf.readUInt32BE(t.sizes.at + 4 * i);
      case 16:
        return buf.readUInt16BE(t.sizes.at + 2 * i);
      case 8:
        return buf[t.sizes.at + i]!;
      default: {
        const byte = buf[t.sizes.at + (i >> 1)]!;
        return i & 1 ? byte & 0x0f : byte >> 4;
      }
    }
  };
  const chunkOffset = (c: number): number =>
    chunks.wide ? buf.readUInt32BE(chunks.at + 8 * c) * 2 ** 32 + buf.readUInt32BE(chunks.at + 8 * c + 4) : buf.readUInt32BE(chunks.at + 4 * c);

  let sttsEntry = -1;
  let sttsLeft = 0;
  let delta = 0;
  let cttsEntry = -1;
  let cttsLeft = 0;
  let ctsOffset = 0;
  let stssNext = 0;
  let i = 0;
  let dts = 0;
  let previousFirst = 0;
  for (let r = 0; r < stsc.count && i < n; r++) {
    const entry = stsc.at + 12 * r;
    const first = buf.readUInt32BE(entry);
    const perChunk = buf.readUInt32BE(entry + 4);
    if (r === 0 ? first !== 1 : first <= previousFirst) {
      throw bad(file, `${stsc.path} entry ${r + 1} starts at chunk ${first}, ${r === 0 ? 'not at chunk 1' : `not after chunk ${previousFirst}`}`);
    }
    previousFirst = first;
    const last = Math.min(r + 1 < stsc.count ? buf.readUInt32BE(entry + 12) - 1 : chunks.count, chunks.count);
    for (let c = first; c <= last && i < n; c++) {
      let offset = chunkOffset(c - 1);
      for (let k = 0; k < perChunk && i < n; k++, i++) {
        while (sttsLeft === 0) {
          if (++sttsEntry >= stts.count) throw bad(file, `${stts.path} gives times for ${i} samples; ${t.sizesPath} declares ${n}`);
          sttsLeft = buf.readUInt32BE(stts.at + 8 * sttsEntry);
          delta = buf.readUInt32BE(stts.at + 8 * sttsEntry + 4);
        }
        sttsLeft--;
        if (ctts) {
          while (cttsLeft === 0 && cttsEntry + 1 < ctts.count) {
            cttsEntry++;
            cttsLeft = buf.readUInt32BE(ctts.at + 8 * cttsEntry);
            ctsOffset = buf.readInt32BE(ctts.at + 8 * cttsEntry + 4);
          }
          // Past the end of ctts a sample is presented when decoded.
          if (cttsLeft === 0) ctsOffset = 0;
          else cttsLeft--;
        }
        let sync = true;
        if (stss) {
          sync = stssNext < stss.count && buf.readUInt32BE(stss.at + 4 * stssNext) === i + 1;
          if (sync) stssNext++;
        }
        const size = sizeAt(i);
        const duration = i === n - 1 ? Math.max(mediaDuration - dts, 0) : delta;
        visit(i, offset, size, dts, duration, ctsOffset, sync);
        offset += size;
        dts += delta;
      }
    }
  }
  if (i < n) throw bad(file, `${stsc.path} and ${chunks.path} place ${i} samples in ${chunks.count} chunks; ${t.sizesPath} declares ${n}`);
}

/** Per-sample columns of one track, for packaging. */
export interface SampleArrays {
  readonly offsets: Float64Array;
  readonly sizes: Uint32Array;
  readonly dts: Float64Array;
  readonly durations: Uint32Array;
  /** Presentation minus decode time. */
  readonly ctsOffsets: Int32Array;
  /** 1 for sync samples; null when every sample is one. */
  readonly sync: Uint8Array | null;
}

/** ~29 bytes a sample, allocated only after readSampleTables has bounded the count. */
export function sampleArrays(buf: Buffer, t: SampleTables, mediaDuration: number, file: string): SampleArrays {
  const n = t.sampleCount;
  const a = {
    offsets: new Float64Array(n),
    sizes: new Uint32Array(n),
    dts: new Float64Array(n),
    durations: new Uint32Array(n),
    ctsOffsets: new Int32Array(n),
    sync: t.stss ? new Uint8Array(n) : null,
  };
  forEachSample(buf, t, mediaDuration, file, (i, offset, size, dts, duration, ctsOffset, sync) => {
    a.offsets[i] = offset;
    a.sizes[i] = size;
    a.dts[i] = dts;
    a.durations[i] = duration;
    a.ctsOffsets[i] = ctsOffset;
    if (a.sync && sync) a.sync[i] = 1;
  });
  return a;
}
