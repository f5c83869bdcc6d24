// Why a record is held or incomplete, as a list of structured reasons: each a
// stable rule id and English words (for logs and kioskctl); screens show the
// words of their language by rule (i18n `hold.<rule>`), never the raw id. A
// person resolves each reason by supplying what is missing (PL-4.1 metadata,
// the case it belongs to, UA-5) or, where nothing can be supplied (a
// protocol's signature or title), by releasing it with a note. The record is
// complete only when no reason is left open.

export const HOLD_RULES = [
  'pl41.identifier.missing',
  'pl41.date.missing',
  'pl41.duration.missing',
  'case.unassigned',
  'ua.case-number.missing',
  'ua.case-number.malformed',
  'ua.proceedings-number.malformed',
  'ua4.protocol-unsigned',
  'ua4.protocol-signature',
  'ua6.protocol-title',
  'hold.other',
] as const;

export type HoldRule = (typeof HOLD_RULES)[number];

export interface HoldReason {
  readonly rule: HoldRule;
  /** English words: for the log and kioskctl; screens translate by rule. */
  readonly words: string;
}

/** How a reason is resolved: the field a person supplies, or a release with a note. */
export type HoldResolution = 'identifier' | 'date' | 'duration' | 'case' | 'release';

export const HOLD_RESOLUTION: Record<HoldRule, HoldResolution> = {
  'pl41.identifier.missing': 'identifier',
  'pl41.date.missing': 'date',
  'pl41.duration.missing': 'duration',
  'case.unassigned': 'case',
  'ua.case-number.missing': 'case',
  'ua.case-number.malformed': 'case',
  'ua.proceedings-number.malformed': 'release',
  'ua4.protocol-unsigned': 'release',
  'ua4.protocol-signature': 'release',
  'ua6.protocol-title': 'release',
  'hold.other': 'release',
};

export const HOLD_WORDS: Record<HoldRule, string> = {
  'pl41.identifier.missing': 'the identifier is missing (PL-4.1)',
  'pl41.date.missing': 'the date is missing (PL-4.1)',
  'pl41.duration.missing': 'the duration is missing (PL-4.1)',
  'case.unassigned': 'not assigned to a case',
  'ua.case-number.missing': 'the case number (ЄУН) is missing (UA-5)',
  'ua.case-number.malformed': 'the case number (ЄУН) is malformed (UA-5)',
  'ua.proceedings-number.malformed': 'the proceedings number is malformed (UA-5)',
  'ua4.protocol-unsigned': 'the protocol is not signed (UA-4)',
  'ua4.protocol-signature': 'the protocol signature does not verify (UA-4)',
  'ua6.protocol-title': 'the protocol title is not the one the notice names (UA-6)',
  'hold.other': 'held for a clerk',
};

const isRule = (s: string): s is HoldRule => (HOLD_RULES as readonly string[]).includes(s);

export function holdReason(rule: HoldRule, detail?: string): HoldReason {
  return { rule, words: detail ? `${HOLD_WORDS[rule]}: ${detail}` : HOLD_WORDS[rule] };
}

/** Reasons still open: 'incomplete' while PL-4.1 metadata is missing, 'held' while anything else is, else 'complete'. */
export function statusOfHolds(reasons: readonly HoldReason[]): 'complete' | 'incomplete' | 'held' {
  if (reasons.some((r) => r.rule.startsWith('pl41.'))) return 'incomplete';
  return reasons.length ? 'held' : 'complete';
}

/** The stored form (recordings.hold_reason): a JSON array, or NULL when nothing holds the record. */
export function encodeHolds(reasons: readonly HoldReason[]): string | null {
  return reasons.length ? JSON.stringify(reasons.map((r) => ({ rule: r.rule, words: r.words }))) : null;
}

/**
 * Reads recordings.hold_reason: the JSON list, or the free text of records
 * imported before reasons were structured ("incomplete: identifier, date",
 * "ua4.protocol-signature: …", rule ids joined by "; ").
 */
export function parseHolds(stored: string | null): HoldReason[] {
  if (stored === null || stored.trim() === '') return [];
  if (stored.startsWith('[')) {
    try {
      const list = JSON.parse(stored) as unknown;
      if (Array.isArray(list))
        return list.flatMap((x: unknown) => {
          const o = x as { rule?: unknown; words?: unknown };
          return typeof o.rule === 'string' && isRule(o.rule) ? [{ rule: o.rule, words: typeof o.words === 'string' ? o.words : HOLD_WORDS[o.rule] }] : [];
        });
    } catch {
      // Not JSON after all: read as legacy text below.
    }
  }
  const m = /^incomplete: ([a-z, ]+)/.exec(stored);
  if (m) {
    const fields = m[1]!.split(',').map((f) => f.trim());
    return fields.flatMap((f) => (f === 'identifier' || f === 'date' || f === 'duration' ? [holdReason(`pl41.${f}.missing`)] : []));
  }
  return stored.split('; ').map((part) => {
    const [id, ...rest] = part.split(': ');
    return id && isRule(id) ? holdReason(id, rest.join(': ') || undefined) : { rule: 'hold.other' as const, words: part };
  });
}
