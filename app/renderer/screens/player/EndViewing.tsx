// "End viewing" ends the session for good: the viewer cannot come back to the
// recordings without a clerk. So it is a danger action (red, last in the side
// panel, after Play in the Tab order) and it asks first, in a dialog whose
// safe answer ("Keep watching") has the focus, as GOV.UK's and gov.pl's
// patterns for destructive actions do. Escape or "Keep watching" closes it and
// gives the focus back to the button.
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n/context';
import type { Send } from '../send';

export function EndViewing({ send }: { send: Send }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);

  useEffect(() => {
    if (asking) keep.current?.focus();
    else if (wasAsking.current) opener.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  useEffect(() => {
    if (!asking) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        setAsking(false);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [asking]);

  return (
    <>
      <button ref={opener} type="button" className="danger" onClick={() => setAsking(true)} data-testid="player-end" aria-haspopup="dialog">
        {t('player.end')}
      </button>
      {asking && (
        <div className="modal-backdrop">
          <div className="modal" role="alertdialog" aria-modal="true" aria-labelledby="end-h" aria-describedby="end-b" data-testid="end-confirm">
            <h2 id="end-h">{t('player.endConfirm.heading')}</h2>
            <p id="end-b">{t('player.endConfirm.body')}</p>
            <div className="actions">
              <button ref={keep} type="button" className="primary" onClick={() => setAsking(false)} data-testid="end-keep">
                {t('player.endConfirm.keep')}
              </button>
              <button type="button" className="danger" onClick={() => void send({ type: 'viewer.end' })} data-testid="end-yes">
                {t('player.endConfirm.yes')}
              </button>
            </div>
          </div>
        </div>
      )}
    </>
  );
}
