// The session's language, chosen on screen; every string goes through t().
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { translate, type Language, type MessageKey } from '../../shared/i18n';

interface I18n {
  readonly lang: Language;
  t(key: MessageKey, params?: Record<string, string | number>): string;
}

const Ctx = createContext<I18n>({ lang: 'pl', t: (k, p) => translate('pl', k, p) });

export function I18nProvider({ lang, children }: { lang: Language; children: ReactNode }) {
  const value = useMemo<I18n>(() => ({ lang, t: (k, p) => translate(lang, k, p) }), [lang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  return useContext(Ctx);
}
