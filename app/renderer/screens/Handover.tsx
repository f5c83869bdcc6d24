// The clerk hands the screen to the viewer: who the session is for, the time
// allowed and the rules, in the viewer's language (the switch stays here).
import type { Language } from '../../shared/i18n';
import type { SessionView } from '../../shared/session-contract';
import type { Send } from './send';
import { useI18n } from '../i18n/context';

export function Handover({ view, send, lang }: { view: SessionView; send: Send; lang: Language }) {
  const { t } = useI18n();
  const c = view.composition;
  return (
    <main className="panel center" data-testid="handover">
      <div className="emblem" aria-hidden="true">§</div>
      <h1>{t('handover.heading')}</h1>
      <p className="lead">{t('handover.for', { name: c.viewer?.name ?? '—', min: c.minutes ?? c.maxMinutes })}</p>
      <p className="rules">{t('handover.rules')}</p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void send({ type: 'handover.viewerReady', language: lang })} data-testid="handover-ready">
          {t('handover.ready')}
        </button>
        <button type="button" onClick={() => void send({ type: 'clerk.cancel' })} data-testid="handover-cancel">
          {t('handover.cancel')}
        </button>
      </div>
    </main>
  );
}
