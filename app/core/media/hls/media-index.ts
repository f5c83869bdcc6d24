// The sample tables of a recording, parsed once at import and kept as JSON, so
// a viewing session can package any HLS segment without reading the movie box
// (or anything but that segment's sample bytes) again.
//
// Size, measured: a 1-hour 24 fps recording with 48 kHz AAC (86 400 video and
// 168 751 audio samples, H.264 main with B-frames, ~1.3 Mbit/s) gives 471 KB of
// JSON: 160 KB video sizes, 171 KB audio sizes, 124 KB for 900 segments, the
// rest under 15 KB. Built from the sample tables read in place (sample-tables.ts:
// typed columns, ~29 bytes a sample) in ~0.2-0.4 s; with mp4box's sample objects
// it took ~0.8 s and ~90 MB of heap. Decoded for packaging in ~150 ms. The 20 s
// 720p test file: 4.3 KB.
import { type ReadFn } from '../read';
import type { Problem } from '../../../shared/problem';
import { type LoadedMovie, type Track, loadMovie, samplesOf } from '../container';
import { mediaProblem, problemAsValue } from '../problems';
import type { SampleArrays } from '../sample-tables';
import { videoFormatOf } from '../probe';
import { expandRunLength, packInt32, runLength, unpackInt32, unpackUint32 } from './pack';

export const MEDIA_INDEX_FORMAT = 'court-kiosk/media-index@1';

/** Segments end at the first video keyframe at least this far from their start. */
export const TARGET_SEGMENT_SEC = 4;

export interface IndexedTrack {
  readonly kind: 'video' | 'audio';
  /** RFC 6381 codecs parameter, for a master playlist or MediaSource.isTypeSupported. */
  readonly codec: string;
  readonly timescale: number;
  /** ISO 639-2/T code from mdhd. */
  readonly language: string;
  /** Display size from tkhd, whole pixels; 0 for audio. */
  readonly width: number;
  readonly height: number;
  /** The source's stsd box (sample entry with avcC/esds/…), base64, copied verbatim into the init segment. */
  readonly sampleDescription: string;
  readonly sampleCount: number;
  /** Sample sizes: packInt32 column. */
  readonly sizes: string;
  /** Sample durations in timescale units, run-length [count, duration, …]. */
  readonly durations: readonly number[];
  /** Presentation minus decode time per sample, already shifted by the edit list (may be negative); packInt32 column, null when all 0. */
  readonly compositionOffsets: string | null;
  /** 0-based sync sample numbers, null when every sample is sync. */
  readonly syncSamples: readonly number[] | null;
}

export interface SegmentTrackRange {
  /** First sample (0-based) and number of samples of this track in the segment. */
  readonly first: number;
  readonly count: number;
  /** Decode time of `first` in the track's timescale (tfdt). */
  readonly baseDts: number;
}

export interface IndexedSegment {
  readonly startSec: number;
  readonly durationSec: number;
  /** One range per entry of MediaIndex.tracks, same order. */
  readonly tracks: readonly SegmentTrackRange[];
}

/**
 * Where the samples lie: the file read front to back is a sequence of runs, each
 * the next `count` samples (in decode order) of one track, back to back, after
 * `gap` bytes of something else. Offsets follow from this and the sizes; kept
 * this way because absolute offsets of interleaved audio/video runs cost four
 * times the space of everything else.
 */
export interface SampleLayout {
  readonly runCount: number;
  /** count * 4 + track position per run; packInt32 column. */
  readonly runs: string;
  /** Bytes skipped before each run, from the end of the previous run (or from 0); packInt32 column. */
  readonly gaps: string;
}

export interface MediaIndex {
  readonly format: typeof MEDIA_INDEX_FORMAT;
  /** Plaintext size of the recording the offsets refer to. */
  readonly fileSize: number;
  readonly durationSec: number;
  /** Video first, then audio when present. */
  readonly tracks: readonly IndexedTrack[];
  readonly layout: SampleLayout;
  readonly segments: readonly IndexedSegment[];
}

/**
 * Builds the index from the recording's ftyp and moov (reading nothing else); run it at
 * import and store the JSON beside the recording. Returns the same Problems as probeMp4,
 * plus media.unsupported-codec for video that is not H.264 (MPEG-4 Part 2 conforms to
 * PL-4.3 but Chromium's MSE cannot play it) and media.unsupported-layout.
 * Errors of `read` itself are thrown.
 */
export function indexMp4(read: ReadFn, size: number, file = 'recording.mp4'): Promise<MediaIndex | Problem> {
  return problemAsValue(() => buildIndex(read, size, file));
}

async function buildIndex(read: ReadFn, size: number, file: string): Promise<MediaIndex> {
  const movie = await loadMovie(read, size, file);
  const videoTrack = movie.tracks.find((t) => t.handler === 'vide' && t.sampleCount > 0);
  if (!videoTrack) throw mediaProblem(file, 'media.no-video', 'the recording has no video track with samples');
  const videoEntry = videoTrack.descriptions[0];
  if (!videoEntry || videoFormatOf(videoEntry) !== 'h264' || videoTrack.descriptions.length !== 1) {
    throw mediaProblem(file, 'media.unsupported-codec', `video coding ${videoEntry?.type ?? 'none'} cannot be packaged for playback; only H.264 with one sample description is`);
  }
  const audioTrack = movie.tracks.find((t) => t.handler === 'soun' && t.sampleCount > 0 && t.descriptions.length === 1 && t.descriptions[0]?.type === 'mp4a');

  const audioPrimingSec = audioTrack ? leadingEditSeconds(audioTrack) : 0;
  const videoSamples = samplesOf(movie, videoTrack);
  const audioSamples = audioTrack ? samplesOf(movie, audioTrack) : null;
  const video = indexTrack(movie, videoTrack, videoSamples, 'video', audioPrimingSec);
  const audio = audioTrack && audioSamples ? indexTrack(movie, audioTrack, audioSamples, 'audio', 0) : null;
  const tracks = audio ? [video.track, audio.track] : [video.track];
  const layout = sampleLayout(audioSamples ? [videoSamples, audioSamples] : [videoSamples], file);
  const segments = cutSegments(video, audio);
  const durationSec = segments.reduce((s, g) => s + g.durationSec, 0);
  return { format: MEDIA_INDEX_FORMAT, fileSize: size, durationSec, tracks, layout, segments };
}

/** Media time skipped by the first edit (AAC encoder priming, B-frame reorder delay), in seconds. */
function leadingEditSeconds(track: Track): number {
  const t = track.firstMediaTime !== null ? track.firstMediaTime / track.timescale : 0;
  // Bigger skips are real trims, not priming; those we do not reproduce.
  return t > 0 && t < 1 ? t : 0;
}

interface BuiltTrack {
  track: IndexedTrack;
  dts: Float64Array;
  sync: Uint8Array | null;
}

function indexTrack(movie: LoadedMovie, t: Track, samples: SampleArrays, kind: 'video' | 'audio', delaySec: number): BuiltTrack {
  const n = t.sampleCount;
  const timescale = t.timescale;
  const sampleDescription = movie.header.subarray(t.stsd.start, t.stsd.end).toString('base64');

  // Video: the first edit hides the B-frame reorder delay; we apply it to the composition
  // offsets (trun v1 allows negative ones) instead of writing an edit list, which MSE
  // implementations treat inconsistently. `delaySec` keeps A/V sync when audio had priming.
  const shift = kind === 'video' ? Math.round(leadingEditSeconds(t) * timescale) - Math.round(delaySec * timescale) : 0;

  const cts = new Int32Array(n);
  let anyCts = false;
  for (let i = 0; i < n; i++) {
    const c = samples.ctsOffsets[i]! - shift;
    cts[i] = c;
    if (c !== 0) anyCts = true;
  }
  const syncList: number[] = [];
  if (samples.sync) for (let i = 0; i < n; i++) if (samples.sync[i]) syncList.push(i);
  const allSync = samples.sync === null || syncList.length === n;
  const entry = t.descriptions[0];
  const track: IndexedTrack = {
    kind,
    codec: entry ? entry.codec : '',
    timescale,
    language: t.language,
    width: kind === 'video' ? t.width : 0,
    height: kind === 'video' ? t.height : 0,
    sampleDescription,
    sampleCount: n,
    sizes: packInt32(samples.sizes),
    durations: runLength(samples.durations),
    compositionOffsets: anyCts ? packInt32(cts) : null,
    syncSamples: allSync ? null : syncList,
  };
  return { track, dts: samples.dts, sync: allSync ? null : samples.sync };
}

const MAX_UINT32 = 0xffffffff;

function sampleLayout(tracks: readonly SampleArrays[], file: string): SampleLayout {
  // Merge the tracks' samples by file offset; within a track, decode order must be file order.
  const next = tracks.map(() => 0);
  const runs: number[] = [];
  const gaps: number[] = [];
  let end = 0;
  for (;;) {
    let best = -1;
    let bestOffset = Infinity;
    tracks.forEach((t, k) => {
      const i = next[k]!;
      if (i < t.offsets.length && t.offsets[i]! < bestOffset) {
        best = k;
        bestOffset = t.offsets[i]!;
      }
    });
    if (best < 0) break;
    const { offsets, sizes } = tracks[best]!;
    const gap = bestOffset - end;
    if (gap < 0 || gap > MAX_UINT32) {
      throw mediaProblem(file, 'media.unsupported-layout', `samples overlap or are out of file order near offset ${bestOffset}`);
    }
    let count = 0;
    let i = next[best]!;
    let pos = bestOffset;
    // A run continues while this track's next sample starts where the last ended, and no other track's sample sits in between.
    while (i < offsets.length && offsets[i] === pos && count < 0x3fffffff) {
      pos += sizes[i]!;
      count++;
      i++;
    }
    runs.push(count * 4 + best);
    gaps.push(gap);
    next[best] = i;
    end = pos;
  }
  return { runCount: runs.length, runs: packInt32(runs), gaps: packInt32(gaps) };
}

function cutSegments(video: BuiltTrack, audio: BuiltTrack | null): IndexedSegment[] {
  const vts = video.track.timescale;
  const vn = video.track.sampleCount;
  const vdts = video.dts;
  const lastVideo = vn - 1;
  const videoEnd = vdts[lastVideo]! + (sampleDuration(video, lastVideo));
  // Segment starts: sample 0, then the first sync sample at least TARGET_SEGMENT_SEC after the previous start.
  const starts: number[] = [0];
  for (let i = 1; i < vn; i++) {
    if (video.sync && !video.sync[i]) continue;
    if ((vdts[i]! - vdts[starts[starts.length - 1]!]!) / vts >= TARGET_SEGMENT_SEC) starts.push(i);
  }
  const segments: IndexedSegment[] = [];
  let audioNext = 0;
  for (let k = 0; k < starts.length; k++) {
    const first = starts[k]!;
    const end = k + 1 < starts.length ? starts[k + 1]! : vn;
    const startTs = vdts[first]!;
    const endTs = end < vn ? vdts[end]! : videoEnd;
    const ranges: SegmentTrackRange[] = [{ first, count: end - first, baseDts: startTs }];
    if (audio) {
      const ats = audio.track.timescale;
      const an = audio.track.sampleCount;
      const aFirst = audioNext;
      // Audio goes with the video segment in whose decode-time span it starts; the last segment takes the rest.
      if (end < vn) {
        const limit = endTs / vts;
        while (audioNext < an && audio.dts[audioNext]! / ats < limit) audioNext++;
      } else {
        audioNext = an;
      }
      ranges.push({ first: aFirst, count: audioNext - aFirst, baseDts: aFirst < an ? audio.dts[aFirst]! : 0 });
    }
    segments.push({ startSec: startTs / vts, durationSec: (endTs - startTs) / vts, tracks: ranges });
  }
  return segments;
}

function sampleDuration(t: BuiltTrack, i: number): number {
  const next = t.dts[i + 1];
  if (next !== undefined) return next - t.dts[i]!;
  // The last sample's duration is only in the run-length column.
  const runs = t.track.durations;
  return runs[runs.length - 1] ?? 0;
}

/** Everything needed to write one track's fragments, decoded from the index. */
export interface DecodedTrack {
  readonly offsets: Float64Array;
  readonly sizes: Uint32Array;
  readonly durations: Uint32Array;
  readonly compositionOffsets: Int32Array | null;
  readonly sync: Uint8Array | null;
}

const decodedCache = new WeakMap<MediaIndex, DecodedTrack[]>();

/** Decodes (once per index object) the packed columns; keep one parsed index per session to profit from the cache. */
export function decodeTracks(index: MediaIndex): DecodedTrack[] {
  const hit = decodedCache.get(index);
  if (hit) return hit;
  if (index.format !== MEDIA_INDEX_FORMAT) throw new Error(`media index: unknown format ${String(index.format)}`);
  const sizes = index.tracks.map((t) => unpackUint32(t.sizes, t.sampleCount, 'sizes'));
  const offsets = index.tracks.map((t) => new Float64Array(t.sampleCount));
  const runs = unpackUint32(index.layout.runs, index.layout.runCount, 'layout.runs');
  const gaps = unpackUint32(index.layout.gaps, index.layout.runCount, 'layout.gaps');
  const next = index.tracks.map(() => 0);
  let pos = 0;
  for (let r = 0; r < runs.length; r++) {
    const k = runs[r]! & 3;
    const count = runs[r]! >>> 2;
    const o = offsets[k];
    const z = sizes[k];
    if (!o || !z || next[k]! + count > o.length) throw new Error('media index: layout does not match the tracks');
    pos += gaps[r]!;
    for (let i = next[k]!; i < next[k]! + count; i++) {
      o[i] = pos;
      pos += z[i]!;
    }
    next[k]! += count;
  }
  if (next.some((c, k) => c !== index.tracks[k]!.sampleCount)) throw new Error('media index: layout does not cover every sample');
  const decoded = index.tracks.map((t, k) => {
    const n = t.sampleCount;
    let sync: Uint8Array | null = null;
    if (t.syncSamples) {
      sync = new Uint8Array(n);
      for (const i of t.syncSamples) if (i < n) sync[i] = 1;
    }
    return {
      offsets: offsets[k]!,
      sizes: sizes[k]!,
      durations: expandRunLength(t.durations, n, 'durations'),
      compositionOffsets: t.compositionOffsets === null ? null : unpackInt32(t.compositionOffsets, n, 'compositionOffsets'),
      sync,
    };
  });
  decodedCache.set(index, decoded);
  return decoded;
}
