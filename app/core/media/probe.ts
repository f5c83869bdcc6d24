// What a recording is (codec, size, frame rate, duration) and whether it
// meets PL-4.2 / PL-4.3, read from the movie box alone.
import type { Problem } from '../../shared/problem';
import { type ReadFn } from './read';
import { type Track, loadMovie } from './container';
import { mediaProblem, problemAsValue } from './problems';
import type { SampleDescription } from './sample-entries';

export type VideoFormat = 'h264' | 'mpeg4-part2' | 'hevc' | 'other';

export interface VideoInfo {
  /** RFC 6381 codecs parameter, e.g. `avc1.64001f`. */
  readonly codec: string;
  readonly format: VideoFormat;
  readonly width: number;
  readonly height: number;
  /** Average frames per second over the track. */
  readonly fps: number;
}

export interface AudioInfo {
  readonly codec: string;
  readonly sampleRate: number;
  readonly channels: number;
}

export interface MediaInfo {
  /** Major brand of the ftyp box, e.g. `isom`. */
  readonly brand: string;
  readonly durationSec: number;
  /** Never null from `probeMp4` (a file without video is a Problem); nullable for MediaInfo built or stored otherwise. */
  readonly video: VideoInfo | null;
  readonly audio: AudioInfo | null;
}

/**
 * Probes an MP4 through `read`, touching only the top-level box headers, ftyp and moov.
 * A file that is not a playable MP4 gives a Problem (value, not thrown) naming `file` and
 * one of the rules in MEDIA_RULES. Errors of `read` itself (IntegrityError, I/O) are thrown.
 */
export function probeMp4(read: ReadFn, size: number, file = 'recording.mp4'): Promise<MediaInfo | Problem> {
  return problemAsValue(() => probe(read, size, file));
}

async function probe(read: ReadFn, size: number, file: string): Promise<MediaInfo> {
  const movie = await loadMovie(read, size, file);
  const videoTrack = movie.tracks.find((t) => t.handler === 'vide' && t.sampleCount > 0);
  if (!videoTrack) throw mediaProblem(file, 'media.no-video', 'the recording has no video track with samples');
  const audioTrack = movie.tracks.find((t) => t.handler === 'soun' && t.sampleCount > 0);

  const trackSeconds = movie.tracks.map((t) => t.durationUnits / t.timescale);
  const movieSeconds = movie.duration / movie.timescale;
  return {
    brand: movie.brand,
    durationSec: movieSeconds > 0 ? movieSeconds : Math.max(0, ...trackSeconds),
    video: videoInfo(videoTrack),
    audio: audioTrack ? audioInfo(audioTrack) : null,
  };
}

export function videoFormatOf(entry: SampleDescription): VideoFormat {
  switch (entry.type) {
    case 'avc1':
    case 'avc2':
    case 'avc3':
    case 'avc4':
      return 'h264';
    case 'hvc1':
    case 'hev1':
      return 'hevc';
    case 'mp4v':
      // 0x20 is Visual ISO/IEC 14496-2 (MPEG-4 Part 2); mp4v may also carry MPEG-1/2 video.
      return entry.objectType === 0x20 ? 'mpeg4-part2' : 'other';
    default:
      return 'other';
  }
}

function codecString(entry: SampleDescription): string {
  // mp4box leaves out the object type for mp4v; RFC 6381 puts it in hex.
  if (entry.type === 'mp4v' && entry.objectType !== null) return `mp4v.${entry.objectType.toString(16)}`;
  return entry.codec;
}

function videoInfo(track: Track): VideoInfo {
  const entry = track.descriptions[0];
  const seconds = track.durationUnits / track.timescale;
  const fps = seconds > 0 ? track.sampleCount / seconds : 0;
  // The sample entry holds the coded size; tkhd holds the display size and is the fallback.
  return {
    codec: entry ? codecString(entry) : '',
    format: entry ? videoFormatOf(entry) : 'other',
    width: entry?.width || track.width,
    height: entry?.height || track.height,
    fps: Math.round(fps * 1000) / 1000,
  };
}

function audioInfo(track: Track): AudioInfo {
  const entry = track.descriptions[0];
  return {
    codec: entry ? codecString(entry) : '',
    sampleRate: entry?.sampleRate ?? 0,
    channels: entry?.channels ?? 0,
  };
}

/** Why a recording is non-conforming; shown and logged, never a refusal. UIs translate by value. */
export type Flag = 'PL-4.2' | 'PL-4.3' | 'duration-mismatch';

export interface FlagDetail {
  readonly flag: Flag;
  /** English detail for administrators, e.g. `640x480 is below 1280x720; 15 fps is below 24`. */
  readonly message: string;
}

/** PL-4.2 minimums. */
export const MIN_WIDTH = 1280;
export const MIN_HEIGHT = 720;
export const MIN_FPS = 24;
/** FORMATS.md §1: declared and media duration must agree within 2 seconds. */
export const DURATION_TOLERANCE_SEC = 2;
/**
 * 24000/1001 ("23.976") is what cameras call 24p, and average rates computed
 * from rounded sample durations wobble in the third decimal; neither should
 * flag a recording that is 24 fps in every practical sense.
 */
const FPS_SLACK = 0.03;

export function conformanceFlags(info: MediaInfo, declaredDurationSec: number | null): Flag[] {
  return conformanceDetails(info, declaredDurationSec).map((d) => d.flag);
}

/** The same flags with the measured values that caused them. */
export function conformanceDetails(info: MediaInfo, declaredDurationSec: number | null): FlagDetail[] {
  const flags: FlagDetail[] = [];
  const v = info.video;
  if (v) {
    const small = v.width < MIN_WIDTH || v.height < MIN_HEIGHT;
    const slow = v.fps < MIN_FPS - FPS_SLACK;
    if (small || slow) {
      const why = [small ? `${v.width}x${v.height} is below ${MIN_WIDTH}x${MIN_HEIGHT}` : '', slow ? `${v.fps} fps is below ${MIN_FPS}` : '']
        .filter(Boolean)
        .join('; ');
      flags.push({ flag: 'PL-4.2', message: why });
    }
    if (v.format !== 'h264' && v.format !== 'mpeg4-part2') {
      flags.push({ flag: 'PL-4.3', message: `video coding ${v.codec || v.format} is neither MPEG-4 Part 2 nor H.264` });
    }
  } else {
    flags.push({ flag: 'PL-4.2', message: 'no video track' });
  }
  if (declaredDurationSec !== null) {
    const diff = Math.abs(declaredDurationSec - info.durationSec);
    if (diff > DURATION_TOLERANCE_SEC) {
      flags.push({
        flag: 'duration-mismatch',
        message: `declared duration ${declaredDurationSec.toFixed(1)} s differs from the media's ${info.durationSec.toFixed(1)} s by ${diff.toFixed(1)} s`,
      });
    }
  }
  return flags;
}
