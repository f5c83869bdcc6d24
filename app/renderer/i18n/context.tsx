// The session's language, chosen on screen; every string goes through t().
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { translate, type Language, type MessageKey } from '../../shared/i18n';
import { COURT_TIME_ZONE, formatCourtTime } from '../../shared/pl3-format';

interface I18n {
  readonly lang: Language;
  /** The court's time zone: every date and time on screen is local court time (PL-3.4 form). */
  readonly zone: string;
  /** A date or an instant in local court time, YYYY-MM-DDhh:mm:ss. */
  time(iso: string): string;
  t(key: MessageKey, params?: Record<string, string | number>): string;
}

const Ctx = createContext<I18n>({ lang: 'pl', zone: COURT_TIME_ZONE.PL, time: (iso) => formatCourtTime(iso, COURT_TIME_ZONE.PL), t: (k, p) => translate('pl', k, p) });

export function I18nProvider({ lang, zone = COURT_TIME_ZONE.PL, children }: { lang: Language; zone?: string; children: ReactNode }) {
  const value = useMemo<I18n>(() => ({ lang, zone, time: (iso) => formatCourtTime(iso, zone), t: (k, p) => translate(lang, k, p) }), [lang, zone]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  return useContext(Ctx);
}
