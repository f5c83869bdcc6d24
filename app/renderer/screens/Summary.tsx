// The end of a session: why it ended and how much of each recording was
// seen (the same played ranges the viewing log holds).
import type { MessageKey } from '../../shared/i18n';
import { formatPlDuration } from '../../shared/pl3-format';
import type { SessionView } from '../../shared/session-contract';
import type { Send } from './send';
import { useI18n } from '../i18n/context';

export function Summary({ view, send }: { view: SessionView; send: Send }) {
  const { t } = useI18n();
  const reason = view.ended?.reason ?? 'interrupted';
  return (
    <main className="panel center" data-testid="summary">
      <h1>{t('summary.heading')}</h1>
      <p className={reason === 'integrity' ? 'alert' : 'lead'} role={reason === 'integrity' ? 'alert' : undefined} data-testid="summary-reason">
        {t(`summary.reason.${reason}` as MessageKey)}
      </p>
      <ul className="played">
        {view.playback.played.map((p) => (
          <li key={`${p.identifier}@${p.version}`} data-testid="summary-played">
            <div>{t('summary.watched', { t: formatPlDuration(Math.round(p.seconds)), id: p.identifier, v: p.version })}</div>
            {p.ranges.length > 0 && (
              <div className="sub mono">
                {t('summary.ranges', {
                  ranges: p.ranges.map(([a, b]) => `${formatPlDuration(Math.floor(a))}–${formatPlDuration(Math.ceil(b))}`).join(', '),
                })}
              </div>
            )}
          </li>
        ))}
      </ul>
      <p className="sub">{t('summary.logged')}</p>
      <button type="button" className="primary" onClick={() => void send({ type: 'summary.close' })} data-testid="summary-close">
        {t('summary.close')}
      </button>
    </main>
  );
}
