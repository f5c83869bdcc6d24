// The languages the kiosk speaks: Polish, Ukrainian, English.
export const LANGUAGES = ['pl', 'uk', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(x: unknown): x is Language {
  return typeof x === 'string' && (LANGUAGES as readonly string[]).includes(x);
}
