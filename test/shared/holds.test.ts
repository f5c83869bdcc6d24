import { describe, expect, it } from 'vitest';
import { encodeHolds, holdReason, parseHolds, statusOfHolds } from '../../app/shared/holds';

describe('hold reasons', () => {
  it('[PL-4.1] [UA-5] round-trip as a list of {rule, words}, and read the free text of records imported before', () => {
    const list = [holdReason('pl41.date.missing'), holdReason('ua4.protocol-signature', 'no trusted signer')];
    expect(parseHolds(encodeHolds(list))).toEqual(list);
    expect(encodeHolds([])).toBeNull();
    expect(parseHolds('incomplete: identifier, date, duration (PL-4.1)').map((h) => h.rule)).toEqual(['pl41.identifier.missing', 'pl41.date.missing', 'pl41.duration.missing']);
    expect(parseHolds('ua.case-number.malformed; ua4.protocol-signature: expired')).toEqual([
      holdReason('ua.case-number.malformed'),
      holdReason('ua4.protocol-signature', 'expired'),
    ]);
    expect(parseHolds('something else')).toEqual([{ rule: 'hold.other', words: 'something else' }]);
  });

  it('[PL-4.1] a record is incomplete while PL-4.1 metadata is missing, held while anything else is, complete when nothing is', () => {
    expect(statusOfHolds([holdReason('pl41.date.missing'), holdReason('case.unassigned')])).toBe('incomplete');
    expect(statusOfHolds([holdReason('case.unassigned')])).toBe('held');
    expect(statusOfHolds([])).toBe('complete');
  });
});
