import { describe, expect, it } from 'vitest';
import { displayRanges, formatRanges, seenSeconds } from '../../app/shared/played-ranges';

describe('played ranges as people read them', () => {
  it('[DC-6] [defect 6] merges ranges that meet once rounded and never runs past the end of the recording', () => {
    // The demo's report: "00:22–01:49, 01:48–02:31" of a 02:30 recording.
    expect(formatRanges([[22.4, 108.6], [108.9, 150.7]], 150)).toBe('00:22–02:30');
    expect(displayRanges([[0, 3.2], [10, 12], [2.9, 4]], null)).toEqual([[0, 4], [10, 12]]);
    expect(displayRanges([[151, 160]], 150)).toEqual([]);
    expect(seenSeconds([[0, 10.6], [10.8, 20], [36, 41.5]], 40)).toBe(23.8);
    expect(seenSeconds([[0, 12]], null)).toBe(12);
  });
});
