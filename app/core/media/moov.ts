// The movie box read from our own bounded walk: movie and track headers
// (fixed layouts: mvhd, tkhd, mdhd, hdlr, elst) and each track's sample
// tables, every length checked before it is read. Sample descriptions are
// left to mp4box (sample-entries.ts).
import { type BoxNode, childrenOf, onlyChild, walkBoxTree } from './box-tree';
import { MEDIA_LIMITS, type MediaLimits } from './limits';
import { mediaProblem } from './problems';
import { type SampleTables, entryTable, readSampleTables } from './sample-tables';

export interface TrackBoxes {
  /** `moov/trak[0]`, for messages. */
  readonly path: string;
  readonly id: number;
  /** hdlr handler type: `vide`, `soun`, …; '' without hdlr. */
  readonly handler: string;
  /** Display size from tkhd, whole pixels. */
  readonly width: number;
  readonly height: number;
  readonly timescale: number;
  /** mdhd duration, in `timescale` units. */
  readonly mediaDuration: number;
  /** ISO 639-2/T code from mdhd. */
  readonly language: string;
  readonly stsd: BoxNode;
  /** media_time of the first edit that shows media, in `timescale` units; null without one. */
  readonly firstMediaTime: number | null;
  /** Null for a track without sample sizes (no samples). */
  readonly tables: SampleTables | null;
  readonly sampleCount: number;
}

export interface MovieBoxes {
  readonly moov: BoxNode;
  readonly timescale: number;
  readonly duration: number;
  readonly tracks: readonly TrackBoxes[];
}

function bad(file: string, message: string): Error {
  return mediaProblem(file, 'media.bad-moov', message);
}

/** The payload of a full box after version and flags, checked to hold `v0` or `v1` bytes of fields. */
function fields(buf: Buffer, box: BoxNode, v0: number, v1: number, file: string): { version: number; at: number } {
  const length = box.end - box.payload;
  const version = length > 0 ? buf[box.payload]! : 0;
  const need = 4 + (version === 1 ? v1 : v0);
  if (length < need) throw bad(file, `${box.path} (version ${version}) is ${length} bytes; it needs ${need}`);
  return { version, at: box.payload + 4 };
}

const u64 = (buf: Buffer, at: number): number => buf.readUInt32BE(at) * 2 ** 32 + buf.readUInt32BE(at + 4);

function language(packed: number): string {
  return String.fromCharCode(((packed >> 10) & 31) + 96, ((packed >> 5) & 31) + 96, (packed & 31) + 96);
}

/** First edit with media_time ≥ 0 (an empty edit has -1), as mp4box's entries.find did. */
function firstMediaTime(buf: Buffer, trak: BoxNode, file: string, limits: MediaLimits): number | null {
  const edts = onlyChild(trak, 'edts', file);
  const elst = edts && onlyChild(edts, 'elst', file);
  if (!elst) return null;
  const version = elst.end > elst.payload ? buf[elst.payload]! : 0;
  const t = entryTable(buf, elst, 4, version === 1 ? 20 : 12, limits.editsPerTrack, 'editsPerTrack', file);
  for (let i = 0; i < t.count; i++) {
    const e = t.at + i * (version === 1 ? 20 : 12);
    const mediaTime = version === 1 ? Number(buf.readBigInt64BE(e + 8)) : buf.readInt32BE(e + 4);
    if (mediaTime >= 0) return mediaTime;
  }
  return null;
}

function readTrack(buf: Buffer, trak: BoxNode, file: string, limits: MediaLimits): TrackBoxes {
  const tkhd = onlyChild(trak, 'tkhd', file);
  if (!tkhd) throw bad(file, `${trak.path} lacks its track header (tkhd)`);
  const th = fields(buf, tkhd, 80, 92, file);
  const id = buf.readUInt32BE(th.at + (th.version === 1 ? 16 : 8));
  const sizeAt = th.at + (th.version === 1 ? 84 : 72);
  const mdia = onlyChild(trak, 'mdia', file);
  const mdhd = mdia && onlyChild(mdia, 'mdhd', file);
  const minf = mdia && onlyChild(mdia, 'minf', file);
  const stbl = minf && onlyChild(minf, 'stbl', file);
  const stsd = stbl && onlyChild(stbl, 'stsd', file);
  const mh = mdhd && fields(buf, mdhd, 20, 32, file);
  const timescale = mh ? buf.readUInt32BE(mh.at + (mh.version === 1 ? 16 : 8)) : 0;
  if (!mh || !stbl || !stsd || !(timescale > 0)) {
    throw bad(file, `track ${id} (${trak.path}) lacks a media header, timescale or sample description`);
  }
  const stsdBytes = stsd.end - stsd.start;
  if (stsdBytes > limits.sampleDescriptionBytes) {
    throw mediaProblem(file, 'media.limits', `${stsd.path} is ${stsdBytes} bytes; at most ${limits.sampleDescriptionBytes} are accepted (limit sampleDescriptionBytes)`);
  }
  entryTable(buf, stsd, 4, 8, limits.sampleDescriptionsPerTrack, 'sampleDescriptionsPerTrack', file);
  const hdlr = onlyChild(mdia!, 'hdlr', file);
  const handler = hdlr && hdlr.end - hdlr.payload >= 12 ? buf.toString('latin1', hdlr.payload + 8, hdlr.payload + 12) : '';
  const tables = readSampleTables(buf, stbl, file, limits);
  return {
    path: trak.path,
    id,
    handler,
    width: Math.round(buf.readUInt32BE(sizeAt) / 65536),
    height: Math.round(buf.readUInt32BE(sizeAt + 4) / 65536),
    timescale,
    mediaDuration: mh.version === 1 ? u64(buf, mh.at + 20) : buf.readUInt32BE(mh.at + 12),
    language: language(buf.readUInt16BE(mh.at + (mh.version === 1 ? 28 : 16))),
    stsd,
    firstMediaTime: firstMediaTime(buf, trak, file, limits),
    tables,
    sampleCount: tables?.sampleCount ?? 0,
  };
}

/**
 * Walks the moov at `start`..`end` of `buf` (at `fileOffset` in the file) and reads what probing
 * and packaging need. Throws MediaInputError: media.bad-moov, media.limits, or media.fragmented
 * for a movie with mvex.
 */
export function readMovieBoxes(buf: Buffer, start: number, end: number, file: string, limits: MediaLimits = MEDIA_LIMITS, fileOffset = start): MovieBoxes {
  const moov = walkBoxTree(buf, start, end, file, limits, fileOffset);
  const mvhd = onlyChild(moov, 'mvhd', file);
  const traks = childrenOf(moov, 'trak');
  const mv = mvhd && fields(buf, mvhd, 16, 28, file);
  const timescale = mv ? buf.readUInt32BE(mv.at + (mv.version === 1 ? 16 : 8)) : 0;
  if (!mv || !(timescale > 0) || traks.length === 0) throw bad(file, 'the movie box lacks its header or any track');
  if (moov.children.some((c) => c.type === 'mvex')) throw mediaProblem(file, 'media.fragmented', 'fragmented MP4 is not an accepted recording format');
  if (traks.length > limits.tracks) throw mediaProblem(file, 'media.limits', `the movie has ${traks.length} tracks; at most ${limits.tracks} are accepted (limit tracks)`);
  const tracks = traks.map((t) => readTrack(buf, t, file, limits));
  const samples = tracks.reduce((s, t) => s + t.sampleCount, 0);
  if (samples > limits.samplesPerMovie) {
    throw mediaProblem(file, 'media.limits', `the tracks claim ${samples} samples together; at most ${limits.samplesPerMovie} are accepted (limit samplesPerMovie)`);
  }
  return { moov, timescale, duration: mv.version === 1 ? u64(buf, mv.at + 20) : buf.readUInt32BE(mv.at + 12), tracks };
}
