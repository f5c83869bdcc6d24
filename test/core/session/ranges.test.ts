import { describe, expect, it } from 'vitest';
import { MAX_PROGRESS_STEP_SEC, addRange, progressStretch, totalSeconds } from '../../../app/core/session/ranges';

describe('played ranges', () => {
  it('[DC-6] merges overlapping and touching intervals and keeps them sorted', () => {
    let r = addRange([], 10, 20);
    r = addRange(r, 0, 5);
    r = addRange(r, 5, 7);
    r = addRange(r, 15, 30);
    r = addRange(r, 40, 41);
    expect(r).toEqual([
      [0, 7],
      [10, 30],
      [40, 41],
    ]);
    expect(totalSeconds(r)).toBe(28);
    expect(addRange(r, 3, 3)).toEqual(r);
  });

  it('counts only continuous progress as played', () => {
    expect(progressStretch(1, 2, 1)).toEqual([1, 2]);
    expect(progressStretch(2, 1, 1)).toBeNull();
    expect(progressStretch(0, MAX_PROGRESS_STEP_SEC + 1, 1)).toBeNull();
    expect(progressStretch(0, MAX_PROGRESS_STEP_SEC + 1, 2)).toEqual([0, MAX_PROGRESS_STEP_SEC + 1]);
  });
});
