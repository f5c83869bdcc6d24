// The idle warning: a modal that any touch or key answers (the App sends the
// activity); the button is there so the answer is obvious.
import { useEffect, useRef } from 'react';
import type { Send } from './send';
import { useI18n } from '../i18n/context';

export function IdleWarning({ send }: { send: Send }) {
  const { t } = useI18n();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <div className="modal-backdrop">
      <div className="modal" role="alertdialog" aria-modal="true" aria-labelledby="idle-h" aria-describedby="idle-b" data-testid="idle-warning">
        <h2 id="idle-h">{t('idle.heading')}</h2>
        <p id="idle-b">{t('idle.body')}</p>
        <button ref={button} type="button" className="primary" onClick={() => void send({ type: 'ui.activity' })} data-testid="idle-continue">
          {t('idle.continue')}
        </button>
      </div>
    </div>
  );
}
