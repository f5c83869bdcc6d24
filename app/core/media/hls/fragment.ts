// fMP4 for hls.js: one init segment with both tracks, and media segments each
// holding one moof (a traf per track) and one mdat (video samples, then audio).
import { KioskError } from '../../errors';
import { type ReadFn, readExact } from '../read';
import { type MediaIndex, type DecodedTrack, decodeTracks } from './media-index';
import { box, fullBox, packLanguage, u16, u32, u64, UNITY_MATRIX, zeros } from './boxes';

/** Output track ids are positions in MediaIndex.tracks plus one. */
const trackId = (i: number): number => i + 1;

export function initSegment(index: MediaIndex): Buffer {
  const ftyp = box('ftyp', Buffer.from('iso6', 'latin1'), u32(0), Buffer.from('iso6isommp41', 'latin1'));
  const mvhd = fullBox(
    'mvhd', 0, 0,
    u32(0, 0, 1000, 0), // creation, modification, timescale, duration (unknown up front in fMP4)
    u32(0x00010000), u16(0x0100), zeros(10), UNITY_MATRIX, zeros(24),
    u32(index.tracks.length + 1),
  );
  const traks = index.tracks.map((t, i) => {
    const video = t.kind === 'video';
    const tkhd = fullBox(
      'tkhd', 0, 0x000003, // enabled, in movie
      u32(0, 0, trackId(i), 0, 0), zeros(8),
      u16(0, 0, video ? 0 : 0x0100, 0), UNITY_MATRIX,
      u32(t.width * 0x10000, t.height * 0x10000),
    );
    const mdhd = fullBox('mdhd', 0, 0, u32(0, 0, t.timescale, 0), u16(packLanguage(t.language), 0));
    const hdlr = fullBox(
      'hdlr', 0, 0, u32(0), Buffer.from(video ? 'vide' : 'soun', 'latin1'), zeros(12),
      Buffer.from(video ? 'VideoHandler\0' : 'SoundHandler\0', 'latin1'),
    );
    const mediaHeader = video ? fullBox('vmhd', 0, 1, u16(0, 0, 0, 0)) : fullBox('smhd', 0, 0, u16(0, 0));
    const dinf = box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1)));
    const stbl = box(
      'stbl',
      Buffer.from(t.sampleDescription, 'base64'),
      fullBox('stts', 0, 0, u32(0)),
      fullBox('stsc', 0, 0, u32(0)),
      fullBox('stsz', 0, 0, u32(0, 0)),
      fullBox('stco', 0, 0, u32(0)),
    );
    return box('trak', tkhd, box('mdia', mdhd, hdlr, box('minf', mediaHeader, dinf, stbl)));
  });
  const mvex = box('mvex', ...index.tracks.map((_, i) => fullBox('trex', 0, 0, u32(trackId(i), 1, 0, 0, 0))));
  return Buffer.concat([ftyp, box('moov', mvhd, ...traks, mvex)]);
}

// trun sample flags (ISO/IEC 14496-12 8.8.3.1): sample_depends_on=2 for a keyframe;
// depends_on=1 plus sample_is_non_sync_sample for the rest.
const SYNC_FLAGS = 0x02000000;
const NON_SYNC_FLAGS = 0x01010000;

const TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
const TRUN_DATA_OFFSET = 0x000001;
const TRUN_DURATION = 0x000100;
const TRUN_SIZE = 0x000200;
const TRUN_FLAGS = 0x000400;
const TRUN_CTS = 0x000800;

interface TrackPart {
  readonly trackIndex: number;
  readonly first: number;
  readonly count: number;
  readonly baseDts: number;
  readonly track: DecodedTrack;
  readonly bytes: number;
}

function traf(part: TrackPart, dataOffset: number): Buffer {
  const { track, first, count } = part;
  const withCts = track.compositionOffsets !== null;
  const per = withCts ? 16 : 12;
  const entries = Buffer.alloc(count * per);
  for (let j = 0; j < count; j++) {
    const i = first + j;
    const at = j * per;
    entries.writeUInt32BE(track.durations[i]!, at);
    entries.writeUInt32BE(track.sizes[i]!, at + 4);
    entries.writeUInt32BE(!track.sync || track.sync[i] ? SYNC_FLAGS : NON_SYNC_FLAGS, at + 8);
    if (withCts) entries.writeInt32BE(track.compositionOffsets![i]!, at + 12);
  }
  const flags = TRUN_DATA_OFFSET | TRUN_DURATION | TRUN_SIZE | TRUN_FLAGS | (withCts ? TRUN_CTS : 0);
  const trunHead = Buffer.alloc(8);
  trunHead.writeUInt32BE(count, 0);
  trunHead.writeInt32BE(dataOffset, 4);
  return box(
    'traf',
    fullBox('tfhd', 0, TFHD_DEFAULT_BASE_IS_MOOF, u32(trackId(part.trackIndex))),
    fullBox('tfdt', 1, 0, u64(part.baseDts)),
    // version 1: composition offsets are signed, since the edit list's shift is folded into them.
    fullBox('trun', 1, flags, trunHead, entries),
  );
}

function moof(sequence: number, parts: readonly TrackPart[], mdatHeaderSize: number, moofSize: number): Buffer {
  let offset = moofSize + mdatHeaderSize;
  const trafs = parts.map((p) => {
    const t = traf(p, offset);
    offset += p.bytes;
    return t;
  });
  return box('moof', fullBox('mfhd', 0, 0, u32(sequence)), ...trafs);
}

/** Number of media segments in the index. */
export function segmentCount(index: MediaIndex): number {
  return index.segments.length;
}

/**
 * Media segment `i` (0-based): reads only that segment's sample bytes through `read`,
 * in as few calls as adjacency allows (audio and video chunks interleave back to back,
 * and gaps up to 64 KiB are read through, so usually one). Throws KioskError('not-found') for an index out of range.
 *
 * `timelineStartSec` is where this part starts on the recording's one timeline
 * (Playlist.parts[n].startSec). Every track's decode times (tfdt) are moved by it,
 * so a multi-part recording's timestamps run on across its parts (UA-2): a client
 * that does not rebase at EXT-X-DISCONTINUITY (ffmpeg's HLS reader) otherwise sees
 * time jump back to zero and drops what it takes for late frames. hls.js rebases
 * each discontinuity from the segment it loads first, so it plays either way.
 */
export async function mediaSegment(index: MediaIndex, i: number, read: ReadFn, subject = 'recording', timelineStartSec = 0): Promise<Buffer> {
  const seg = Number.isInteger(i) ? index.segments[i] : undefined;
  if (!seg) throw new KioskError('not-found', `${subject}: no media segment ${String(i)} (there are ${index.segments.length})`);
  const decoded = decodeTracks(index);
  const parts: TrackPart[] = [];
  seg.tracks.forEach((r, trackIndex) => {
    const track = decoded[trackIndex];
    if (!track || r.count <= 0) return;
    let bytes = 0;
    for (let s = r.first; s < r.first + r.count; s++) bytes += track.sizes[s]!;
    // Each track in its own timescale; rounding keeps a float sum of EXTINF durations from adding a tick.
    const offset = Math.round(timelineStartSec * index.tracks[trackIndex]!.timescale);
    parts.push({ trackIndex, first: r.first, count: r.count, baseDts: r.baseDts + offset, track, bytes });
  });

  const payloadSize = parts.reduce((s, p) => s + p.bytes, 0);
  const payload = await readSamples(parts, payloadSize, index.fileSize, read, subject);

  const mdatHeader = Buffer.alloc(8);
  mdatHeader.writeUInt32BE(8 + payloadSize, 0);
  mdatHeader.write('mdat', 4, 4, 'latin1');
  // Data offsets depend on the moof's own size, which the offsets do not change: measure, then write.
  const sequence = i + 1;
  const size = moof(sequence, parts, 8, 0).length;
  return Buffer.concat([moof(sequence, parts, 8, size), mdatHeader, payload]);
}

/**
 * Audio chunks of the next segment sit between this segment's video chunks;
 * reading through such small gaps costs less than another authenticated read.
 */
const MAX_READ_GAP = 64 * 1024;

/** Copies every sample of `parts` into one buffer in mdat order, reading merged file ranges. */
async function readSamples(parts: readonly TrackPart[], total: number, fileSize: number, read: ReadFn, subject: string): Promise<Buffer> {
  const out = Buffer.alloc(total);
  // (file offset, size, position in out) per sample, sorted by file offset to merge neighbours.
  const pieces: Array<[number, number, number]> = [];
  let pos = 0;
  for (const p of parts) {
    for (let s = p.first; s < p.first + p.count; s++) {
      const off = p.track.offsets[s]!;
      const size = p.track.sizes[s]!;
      if (off + size > fileSize) throw new KioskError('invalid-input', `${subject}: media index points past the end of the recording`);
      pieces.push([off, size, pos]);
      pos += size;
    }
  }
  pieces.sort((a, b) => a[0] - b[0]);
  let k = 0;
  while (k < pieces.length) {
    const start = pieces[k]![0];
    let end = start + pieces[k]![1];
    let m = k + 1;
    while (m < pieces.length && pieces[m]![0] >= end && pieces[m]![0] - end <= MAX_READ_GAP) {
      end = pieces[m]![0] + pieces[m]![1];
      m++;
    }
    const span = await readExact(read, start, end - start, subject);
    for (let q = k; q < m; q++) {
      const [off, size, at] = pieces[q]!;
      span.copy(out, at, off - start, off - start + size);
    }
    k = m;
  }
  return out;
}
