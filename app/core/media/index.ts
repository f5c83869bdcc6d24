// Media: what a recording is (probe, PL-4.2/4.3 flags) and how it is played
// (HLS packaging over the store's verified reader; no ffmpeg at run time).
export { type ReadFn } from './read';
export {
  type MediaInfo,
  type VideoInfo,
  type AudioInfo,
  type VideoFormat,
  type Flag,
  type FlagRule,
  MIN_WIDTH,
  MIN_HEIGHT,
  MIN_FPS,
  DURATION_TOLERANCE_SEC,
  probeMp4,
  conformanceFlags,
} from './probe';
export * from './hls';
