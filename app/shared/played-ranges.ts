// Played ranges as people read them (summary screen, printed report): in whole
// seconds, within the recording (never past its end), merged where they meet
// or overlap once rounded. The log keeps the exact ranges; this is only how
// they are shown, so "00:22–01:49, 01:48–02:31" of a 02:30 recording reads
// "00:22–02:30".
import { formatPlDuration } from './pl3-format';

export type Range = readonly [number, number];

/** Whole-second, clamped to [0, duration], sorted and merged ranges. */
export function displayRanges(ranges: readonly Range[], durationSec: number | null): Array<[number, number]> {
  const end = durationSec !== null && Number.isFinite(durationSec) && durationSec > 0 ? Math.round(durationSec) : Infinity;
  return mergeRanges(ranges.map(([a, b]): [number, number] => [Math.max(0, Math.floor(a)), Math.min(end, Math.ceil(b))]).filter(([a, b]) => b > a));
}

/** Sorted, with overlapping or touching intervals joined (the log's ranges and the shown ones alike). */
export function mergeRanges(ranges: readonly Range[]): Array<[number, number]> {
  const sorted = ranges.map(([a, b]): [number, number] => [a, b]).sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}

/** `mm:ss–mm:ss, …` (hh:mm:ss past an hour), the PL-3.5 forms. */
export function formatRanges(ranges: readonly Range[], durationSec: number | null): string {
  return displayRanges(ranges, durationSec)
    .map(([a, b]) => `${formatPlDuration(a)}–${formatPlDuration(b)}`)
    .join(', ');
}

/** How long was seen: the exact ranges' lengths, counting nothing past the recording's end (to 0.1 s). */
export function seenSeconds(ranges: readonly Range[], durationSec: number | null): number {
  const end = durationSec !== null && Number.isFinite(durationSec) && durationSec > 0 ? durationSec : Infinity;
  const sum = ranges.reduce((s, [a, b]) => s + Math.max(0, Math.min(b, end) - Math.max(0, a)), 0);
  return Math.round(sum * 10) / 10;
}
