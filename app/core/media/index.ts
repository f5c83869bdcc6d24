// Media: what a recording is (probe, PL-4.2/4.3 flags) and how it is played
// (HLS packaging over the store's verified reader; no ffmpeg at run time).
import type { Problem } from '../../shared/problem';

export { type ReadFn } from './read';
export { MEDIA_RULES, type MediaRule } from './problems';
export { MEDIA_LIMITS, type MediaLimits } from './limits';
export {
  type MediaInfo,
  type VideoInfo,
  type AudioInfo,
  type VideoFormat,
  type Flag,
  type FlagDetail,
  MIN_WIDTH,
  MIN_HEIGHT,
  MIN_FPS,
  DURATION_TOLERANCE_SEC,
  probeMp4,
  conformanceFlags,
  conformanceDetails,
} from './probe';
export * from './hls';

/** Narrows the `T | Problem` results of probeMp4 and indexMp4. */
export function isProblem(x: object): x is Problem {
  return 'rule' in x && 'file' in x && 'message' in x;
}
