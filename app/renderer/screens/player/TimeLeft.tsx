// The time allowed, where a viewer sees it: large, in the player's bar, and
// a banner once 5 minutes and again once 1 minute are left, so nobody is cut
// off mid-sentence without warning. A screen reader hears each banner once
// (an assertive live region whose words change only at the two thresholds);
// the ticking clock itself is not announced every second.
import { useI18n } from '../../i18n/context';
import { clock } from './format';

const FIVE_MIN_MS = 5 * 60_000;
const ONE_MIN_MS = 60_000;

export type TimeLevel = 'none' | 'five' | 'one';

export function timeLevel(remainingMs: number | null): TimeLevel {
  if (remainingMs === null) return 'none';
  if (remainingMs <= ONE_MIN_MS) return 'one';
  return remainingMs <= FIVE_MIN_MS ? 'five' : 'none';
}

export function TimeLeft({ remainingMs }: { remainingMs: number | null }) {
  const { t } = useI18n();
  const level = timeLevel(remainingMs);
  const left = clock((remainingMs ?? 0) / 1000);
  return (
    <>
      <span className={`remaining ${level}`} data-testid="remaining">
        {remainingMs !== null ? t('player.remaining', { t: left }) : ''}
      </span>
      <div className="time-live visually-hidden" aria-live="assertive" aria-atomic="true" data-testid="time-live">
        {level === 'five' ? t('player.timeBanner.five') : level === 'one' ? t('player.timeBanner.one') : ''}
      </div>
      {level !== 'none' && (
        <div className={`time-banner ${level}`} data-testid="time-banner" data-level={level} aria-hidden="true">
          <strong>{t(level === 'one' ? 'player.timeBanner.one' : 'player.timeBanner.five')}</strong>{' '}
          <span className="mono">{left}</span>
        </div>
      )}
    </>
  );
}
