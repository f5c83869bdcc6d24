// Played ranges: which stretches of media time a viewer actually saw.
import type { PlayedRanges } from '../../shared/session-contract';
import { mergeRanges } from '../../shared/played-ranges';

/** Largest step between two progress reports still counted as continuous
 * playback; a bigger jump without a seek event is a discontinuity, not viewing. */
export const MAX_PROGRESS_STEP_SEC = 10;

const round = (t: number): number => Math.round(t * 1000) / 1000;

/** Adds [start, end] to `ranges`, merging overlapping or touching intervals. */
export function addRange(ranges: PlayedRanges, start: number, end: number): Array<[number, number]> {
  if (!(end > start)) return ranges.map(([a, b]) => [a, b]);
  return mergeRanges([...ranges, [round(start), round(end)]]);
}

export function totalSeconds(ranges: PlayedRanges): number {
  return round(ranges.reduce((sum, [a, b]) => sum + (b - a), 0));
}

/** The stretch a progress report from `from` to `to` adds, or null when it is not continuous playback. */
export function progressStretch(from: number, to: number, rate: number): [number, number] | null {
  const step = to - from;
  return step > 0 && step <= MAX_PROGRESS_STEP_SEC * Math.max(1, rate) ? [from, to] : null;
}
