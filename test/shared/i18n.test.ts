import { describe, expect, it } from 'vitest';
import { LANGUAGES, MESSAGES, translate } from '../../app/shared/i18n';

describe('translations', () => {
  it('[Q-4] every message exists, non-empty, in pl, uk and en, with the same placeholders', () => {
    const keys = Object.keys(MESSAGES.en);
    for (const lang of LANGUAGES) {
      expect(Object.keys(MESSAGES[lang]).sort()).toEqual([...keys].sort());
      for (const k of keys) {
        const text = (MESSAGES[lang] as Record<string, string>)[k]!;
        expect(text.trim(), `${lang} ${k}`).not.toBe('');
        const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
        expect(ph(text), `${lang} ${k}`).toEqual(ph((MESSAGES.en as Record<string, string>)[k]!));
      }
    }
  });

  it('[Q-4] Polish and Ukrainian are really translated, not copied from English', () => {
    const same = (lang: 'pl' | 'uk') =>
      Object.keys(MESSAGES.en).filter((k) => !k.startsWith('language.') && (MESSAGES[lang] as Record<string, string>)[k] === (MESSAGES.en as Record<string, string>)[k]);
    expect(same('pl')).toEqual([]);
    expect(same('uk')).toEqual([]);
  });

  it('fills placeholders', () => {
    expect(translate('pl', 'recordings.count', { n: 3 })).toBe('Liczba nagrań: 3');
  });
});
