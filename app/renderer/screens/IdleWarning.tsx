// The idle warning: a modal that any touch or key answers (the App sends the
// activity); the button is there so the answer is obvious. It counts down to
// the time-out, visibly every second and, for a screen reader, every 10 s.
import { useEffect, useRef } from 'react';
import type { Send } from './send';
import { useI18n } from '../i18n/context';
import { useCountdown } from './use-now';
import { clock } from './player/format';

export function IdleWarning({ send, remainingSec, basis }: { send: Send; remainingSec: number | null; basis: unknown }) {
  const { t } = useI18n();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  const leftMs = useCountdown(remainingSec, basis);
  const leftSec = leftMs !== null ? Math.ceil(leftMs / 1000) : null;
  // What the live region says changes only at each 10 s step.
  const spoken = leftSec !== null ? Math.ceil(leftSec / 10) * 10 : null;
  return (
    <div className="modal-backdrop">
      <div className="modal" role="alertdialog" aria-modal="true" aria-labelledby="idle-h" aria-describedby="idle-b" data-testid="idle-warning">
        <h2 id="idle-h">{t('idle.heading')}</h2>
        <p id="idle-b">{t('idle.body')}</p>
        {leftSec !== null && (
          <p className="countdown" aria-hidden="true" data-testid="idle-countdown">
            {clock(leftSec)}
          </p>
        )}
        <p className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="idle-live">
          {spoken !== null ? t('idle.left', { t: clock(spoken) }) : ''}
        </p>
        <button ref={button} type="button" className="primary" onClick={() => void send({ type: 'ui.activity' })} data-testid="idle-continue">
          {t('idle.continue')}
        </button>
      </div>
    </div>
  );
}
