import { describe, expect, it } from 'vitest';
import { caseCandidates, caseKey, casesMatching } from '../../app/shared/case-key';

const CASES = [
  { signature: 'KM 123/24', caseNumber: null },
  { signature: 'KM 45/25', caseNumber: null },
  { signature: '757/12345/25-ц', caseNumber: '757/12345/25-ц' },
];

describe('case signatures and ЄУН as a clerk types them', () => {
  it('[UA-5] [defect 2] ignores letter case, spaces, dash widths and Latin/Cyrillic look-alikes', () => {
    expect(caseKey('km 123/24')).toBe(caseKey('KM 123/24'));
    expect(caseKey('KM123/24')).toBe(caseKey('KM 123/24'));
    expect(caseKey('757/12345/25-c')).toBe(caseKey('757/12345/25-ц'));
    expect(caseKey('757/12345/25–Ц')).toBe(caseKey('757/12345/25-ц'));
    // Cyrillic К and М typed on a Ukrainian layout
    expect(caseKey('КМ 123/24')).toBe(caseKey('KM 123/24'));
  });

  it('[UA-5] [defect 2] finds the case for every form the demo tried, and the ЄУН without its suffix', () => {
    for (const q of ['km 123/24', 'KM123/24', ' KM  123/24 ']) expect(casesMatching(CASES, q).map((c) => c.signature)).toEqual(['KM 123/24']);
    for (const q of ['757/12345/25-c', '757/12345/25', '757/12345/25-ц']) expect(casesMatching(CASES, q).map((c) => c.signature)).toEqual(['757/12345/25-ц']);
    expect(casesMatching(CASES, 'KM 999/99')).toEqual([]);
    expect(casesMatching(CASES, '')).toEqual([]);
  });

  it('[defect 2] offers candidates as the clerk types', () => {
    expect(caseCandidates(CASES, 'km').map((c) => c.signature)).toEqual(['KM 123/24', 'KM 45/25']);
    expect(caseCandidates(CASES, 'km 12').map((c) => c.signature)).toEqual(['KM 123/24']);
    expect(caseCandidates(CASES, '757').map((c) => c.signature)).toEqual(['757/12345/25-ц']);
    expect(caseCandidates(CASES, 'k')).toEqual([]);
  });
});
