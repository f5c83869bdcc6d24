import { describe, expect, it } from 'vitest';
import { COURT_TIME_ZONE, formatCourtTime, formatPlDate, formatPlDuration, parsePlDate, parsePlDuration } from '../../app/shared/pl3-format';

describe('PL-3 formats', () => {
  it('[PL-3.4] accepts the regulation form and the T / space variants, displays the regulation form', () => {
    for (const s of ['2024-03-0510:15:00', '2024-03-05T10:15:00', '2024-03-05 10:15:00']) {
      expect(parsePlDate(s)?.iso).toBe('2024-03-05T10:15:00');
      expect(formatPlDate(parsePlDate(s)!.iso)).toBe('2024-03-0510:15:00');
    }
    expect(parsePlDate('2024-03-05T10:15:00+01:00')?.offset).toBe('+01:00');
    expect(formatPlDate('2024-03-05T10:15:00+01:00')).toBe('2024-03-0510:15:00+01:00');
  });

  it('[PL-3.4] rejects malformed dates', () => {
    for (const s of ['2024-3-5 10:15:00', '2024-02-30T10:00:00', '2024-13-01T10:00:00', '2024-03-05T24:00:00', '05.03.2024 10:15', '2024-03-05', ''])
      expect(parsePlDate(s), s).toBeNull();
  });

  it('[PL-3.5] durations are mm:ss or hh:mm:ss', () => {
    expect(parsePlDuration('01:02:03')).toBe(3723);
    expect(parsePlDuration('59:59')).toBe(3599);
    expect(parsePlDuration('00:00')).toBe(0);
    for (const s of ['1:02:03', '61:00', '00:60', '24:00:00', '1:00', '01:02:03:04', 'abc']) expect(parsePlDuration(s), s).toBeNull();
    expect(formatPlDuration(3723)).toBe('01:02:03');
    expect(formatPlDuration(125)).toBe('02:05');
  });
});

describe('court time', () => {
  it('[PL-3.4] [defect 5] shows instants in local court time in the regulation form, without Z or an offset', () => {
    // 13:38:13 UTC on 2 December is 14:38:13 in Warsaw (CET), 15:38:13 in Kyiv (EET).
    expect(formatCourtTime('2026-12-02T13:38:13.123Z', COURT_TIME_ZONE.PL)).toBe('2026-12-0214:38:13');
    expect(formatCourtTime('2026-12-02T13:38:13Z', COURT_TIME_ZONE.UA)).toBe('2026-12-0215:38:13');
    // Summer time, and a recording date with its offset (the UA recording showed "+02:00").
    expect(formatCourtTime('2025-07-07T10:00:00+02:00', COURT_TIME_ZONE.PL)).toBe('2025-07-0710:00:00');
    expect(formatCourtTime('2025-02-07T10:00:00+02:00', COURT_TIME_ZONE.UA)).toBe('2025-02-0710:00:00');
    expect(formatCourtTime('2025-02-07T10:00:00+02:00', COURT_TIME_ZONE.PL)).toBe('2025-02-0709:00:00');
    // A date without an offset is local already.
    expect(formatCourtTime('2024-03-05T10:15:00', COURT_TIME_ZONE.PL)).toBe('2024-03-0510:15:00');
  });
});
