// The end of a session: why it ended and how much of each recording was
// seen (the same played ranges the viewing log holds).
import type { MessageKey } from '../../shared/i18n';
import { formatPlDuration } from '../../shared/pl3-format';
import type { SessionView } from '../../shared/session-contract';
import { formatRanges, seenSeconds } from '../../shared/played-ranges';
import type { Send } from './send';
import { useI18n } from '../i18n/context';

export function Summary({ view, send }: { view: SessionView; send: Send }) {
  const { t } = useI18n();
  const reason = view.ended?.reason ?? 'interrupted';
  const durationOf = (id: string, v: number) => view.composition.case?.recordings.find((r) => r.identifier === id && r.version === v)?.durationSec ?? null;
  return (
    <main className="panel center" data-testid="summary">
      <h1>{t('summary.heading')}</h1>
      <p className={reason === 'integrity' ? 'alert' : 'lead'} role={reason === 'integrity' ? 'alert' : undefined} data-testid="summary-reason">
        {t(`summary.reason.${reason}` as MessageKey)}
      </p>
      <ul className="played">
        {view.playback.played.map((p) => {
          const duration = durationOf(p.identifier, p.version);
          const ranges = formatRanges(p.ranges, duration);
          return (
            <li key={`${p.identifier}@${p.version}`} data-testid="summary-played">
              <div>{t('summary.watched', { t: formatPlDuration(Math.round(seenSeconds(p.ranges, duration))), id: p.identifier, v: p.version })}</div>
              {ranges !== '' && (
                <div className="sub mono" data-testid="summary-ranges">
                  {t('summary.ranges', { ranges })}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <p className="sub">{t('summary.logged')}</p>
      <button type="button" className="primary" onClick={() => void send({ type: 'summary.close' })} data-testid="summary-close">
        {t('summary.close')}
      </button>
    </main>
  );
}
