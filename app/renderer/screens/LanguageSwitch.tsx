import type { Language } from '../../shared/i18n';
import { useI18n } from '../i18n/context';
import { TextSizeSwitch } from '../text-size';

export function LanguageSwitch({ offered, onChange }: { offered: readonly Language[]; onChange(l: Language): void }) {
  const { lang, t } = useI18n();
  return (
    <div className="settings">
    <nav className="lang" aria-label={t('language.label')}>
      {offered.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          className={l === lang ? 'lang-btn active' : 'lang-btn'}
          aria-pressed={l === lang}
          onClick={() => onChange(l)}
          data-testid={`lang-${l}`}
        >
          {t(`language.${l}`)}
        </button>
      ))}
    </nav>
    <TextSizeSwitch />
    </div>
  );
}
