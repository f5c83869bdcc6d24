// How a clerk's typed case signature or ЄУН is compared with the catalogue's:
// ignoring letter case, spaces and the Cyrillic letters that look like (or,
// in the Polish transliteration, are written as) Latin ones. A clerk at a
// Polish keyboard types `757/12345/25-c` for `757/12345/25-ц`, `km 123/24` or
// `KM123/24` for `KM 123/24`; all must find the case. Pure, used by core's
// lookup and by the compose screen's candidates alike.

/** Cyrillic capitals → the Latin capital a clerk types for them. */
const LATIN_FOR: Readonly<Record<string, string>> = {
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', У: 'Y', Х: 'X', І: 'I', Ї: 'I', Ј: 'J', Ѕ: 'S',
  // Not look-alikes but the Polish transliteration (a Polish keyboard has no ц or п):
  // the ЄУН's proceedings suffixes -ц (civil), -к, -а, -п are typed as -c, -k, -a, -p.
  Ц: 'C', П: 'P',
};

/** Only the look-alikes (for a document number, where ц is no c): Cyrillic АВЕ… → Latin ABE…. */
export function latinLookalikes(s: string): string {
  let out = '';
  for (const ch of s.toUpperCase()) out += ch === 'Ц' || ch === 'П' ? ch : (LATIN_FOR[ch] ?? ch);
  return out;
}

/** Dashes of every width a keyboard or a copied document may bring. */
const DASHES = /[\u2010-\u2015\u2212]/gu;

/** The comparison key: NFKC, upper case, no white space, one kind of dash, Latin for Cyrillic look-alikes. */
export function caseKey(s: string): string {
  const upper = s.normalize('NFKC').toUpperCase().replace(/\s+/gu, '').replace(DASHES, '-');
  let out = '';
  for (const ch of upper) out += LATIN_FOR[ch] ?? ch;
  return out;
}

export interface CaseNames {
  readonly signature: string;
  readonly caseNumber: string | null;
}

/**
 * The cases a query means: those whose signature or ЄУН has the same key;
 * failing that, the one ЄУН the query gives without its suffix (`757/12345/25`
 * for `757/12345/25-ц`). Several results mean the query is ambiguous.
 */
export function casesMatching<T extends CaseNames>(cases: readonly T[], query: string): T[] {
  const q = caseKey(query);
  if (q === '') return [];
  const keys = (c: T) => [caseKey(c.signature), ...(c.caseNumber ? [caseKey(c.caseNumber)] : [])];
  const exact = cases.filter((c) => keys(c).includes(q));
  if (exact.length > 0) return exact;
  return cases.filter((c) => keys(c).some((k) => k.startsWith(`${q}-`)));
}

/** Candidates while the clerk types: every case whose signature or ЄУН contains the query's key. */
export function caseCandidates<T extends CaseNames>(cases: readonly T[], query: string, max = 6): T[] {
  const q = caseKey(query);
  if (q.length < 2) return [];
  return cases.filter((c) => caseKey(c.signature).includes(q) || (c.caseNumber !== null && caseKey(c.caseNumber).includes(q))).slice(0, max);
}
