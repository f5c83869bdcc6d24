import { describe, expect, it } from 'vitest';
import { LANGUAGES, MESSAGES, translate, type Language } from '../../app/shared/i18n';
import { REPORT_MESSAGES } from '../../app/shared/i18n/report-messages';
import { EXPORT_MESSAGES } from '../../app/shared/i18n/export-messages';
import { CLI_MESSAGES } from '../../app/shared/i18n/cli-messages';
import { GLOSSARY, VIEWER_KEY_PREFIXES } from '../../app/shared/i18n/glossary';
import { argumentNames, formatMessage } from '../../app/shared/i18n/format';

/** Every catalogue the kiosk speaks from: screens, reports, export receipts, kioskctl. */
const CATALOGUES = { screens: MESSAGES, reports: REPORT_MESSAGES, exports: EXPORT_MESSAGES, cli: CLI_MESSAGES } as unknown as Record<
  string,
  Record<Language, Record<string, string>>
>;

describe('translations', () => {
  it('[Q-4] every message exists, non-empty, in pl, uk and en, with the same placeholders', () => {
    for (const [name, cat] of Object.entries(CATALOGUES)) {
      const keys = Object.keys(cat.en);
      for (const lang of LANGUAGES) {
        expect(Object.keys(cat[lang]).sort(), `${name} ${lang}`).toEqual([...keys].sort());
        for (const k of keys) {
          const text = cat[lang][k]!;
          expect(text.trim(), `${name} ${lang} ${k}`).not.toBe('');
          expect(argumentNames(text), `${name} ${lang} ${k}`).toEqual(argumentNames(cat.en[k]!));
        }
      }
    }
  });

  it('[Q-4] Polish and Ukrainian are really translated, not copied from English', () => {
    const same = (lang: 'pl' | 'uk') =>
      Object.keys(MESSAGES.en).filter((k) => !k.startsWith('language.') && (MESSAGES[lang] as Record<string, string>)[k] === (MESSAGES.en as Record<string, string>)[k]);
    expect(same('pl')).toEqual([]);
    expect(same('uk')).toEqual([]);
  });

  it('fills placeholders, numbers in the language\'s own form', () => {
    expect(translate('pl', 'recordings.count', { n: 3 })).toBe('3 nagrania');
    expect(formatMessage('pl', 'łącznie {s} s', { s: 129.1 })).toBe('łącznie 129,1 s');
    expect(formatMessage('uk', 'разом {s} с', { s: 129.1 })).toBe('разом 129,1 с');
    expect(formatMessage('en', 'total {s} s', { s: 129.1 })).toBe('total 129.1 s');
  });
});

describe('the glossary (defect 9)', () => {
  it('[Q-4] [defect 9] every string of the screens, reports, export receipts and kioskctl uses the glossary\'s terms, not the words it rejects', () => {
    const offences: string[] = [];
    for (const lang of LANGUAGES) {
      for (const entry of GLOSSARY[lang]) {
        for (const avoid of entry.avoid) {
          const re = new RegExp(avoid, 'iu');
          for (const [name, cat] of Object.entries(CATALOGUES)) {
            for (const [k, text] of Object.entries(cat[lang])) if (re.test(text)) offences.push(`${lang} ${name} ${k}: "${text}" uses /${avoid}/ instead of "${entry.chosen}"`);
          }
        }
      }
    }
    expect(offences).toEqual([]);
  });

  it('[Q-4] [defect 9] what a party reads carries no paragraph references and no rule ids', () => {
    const offences: string[] = [];
    for (const lang of LANGUAGES) {
      for (const [k, text] of Object.entries(MESSAGES[lang] as Record<string, string>)) {
        if (!VIEWER_KEY_PREFIXES.some((p) => k.startsWith(p))) continue;
        if (/§|\bPL-\d|\b[a-z]+\.[a-z-]+\.[a-z-]+\b/u.test(text)) offences.push(`${lang} ${k}: ${text}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it('[Q-4] [defect 9] plural forms are right for 0, 1, 2, 5, 11, 21, 22, 25 in pl and uk', () => {
    const n = [0, 1, 2, 5, 11, 21, 22, 25];
    expect(n.map((x) => translate('pl', 'recordings.count', { n: x }))).toEqual([
      '0 nagrań', '1 nagranie', '2 nagrania', '5 nagrań', '11 nagrań', '21 nagrań', '22 nagrania', '25 nagrań',
    ]);
    expect(n.map((x) => translate('uk', 'recordings.count', { n: x }))).toEqual([
      '0 записів', '1 запис', '2 записи', '5 записів', '11 записів', '21 запис', '22 записи', '25 записів',
    ]);
    expect(n.map((x) => translate('pl', 'recordings.parts', { n: x }))).toEqual([
      '0 części', '1 część', '2 części', '5 części', '11 części', '21 części', '22 części', '25 części',
    ]);
    expect(n.map((x) => translate('uk', 'recordings.parts', { n: x }))).toEqual([
      '0 частин', '1 частина', '2 частини', '5 частин', '11 частин', '21 частина', '22 частини', '25 частин',
    ]);
    expect([1, 2].map((x) => translate('en', 'recordings.count', { n: x }))).toEqual(['1 recording', '2 recordings']);
    // A fraction takes the "other" form.
    expect(formatMessage('pl', '{n, plural, one {# minuta} few {# minuty} many {# minut} other {# minuty}}', { n: 1.5 })).toBe('1,5 minuty');
  });
});
