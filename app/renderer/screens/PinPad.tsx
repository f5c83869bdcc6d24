// The clerk's sign-in: an ID and a PIN, entered on a keypad big enough for a
// touch screen or typed on a keyboard. The PIN never leaves this form except
// in the one event to core, and is cleared whatever the answer.
import { useState, type FormEvent } from 'react';
import type { SessionView } from '../../shared/session-contract';
import type { Send } from './send';
import { useI18n } from '../i18n/context';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
const MAX_PIN = 64;

export function PinPad({ view, send }: { view: SessionView; send: Send }) {
  const { t } = useI18n();
  const [account, setAccount] = useState('');
  const [pin, setPin] = useState('');
  const checking = view.auth.status === 'checking';

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!account.trim() || !pin || checking) return;
    const entered = pin;
    setPin('');
    void send({ type: 'clerk.pin', accountId: account.trim(), pin: entered });
  };
  const press = (d: string) => setPin((p) => (p.length < MAX_PIN ? p + d : p));

  return (
    <main className="panel pin" data-testid="pin-pad">
      <h1>{t('pin.heading')}</h1>
      <form onSubmit={submit} className="pin-form">
        <label className="field">
          <span>{t('pin.account')}</span>
          <input
            data-testid="pin-account"
            value={account}
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            autoFocus
            onChange={(e) => setAccount(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('pin.pin')}</span>
          <input
            data-testid="pin-input"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            value={pin}
            maxLength={MAX_PIN}
            onChange={(e) => setPin(e.target.value)}
          />
        </label>
        <p className="sub" aria-live="polite">
          {t('pin.digits', { n: pin.length })}
        </p>
        <div className="keypad" role="group" aria-label={t('pin.pin')}>
          {KEYS.map((k) => (
            <button key={k} type="button" onClick={() => press(k)} data-testid={`pin-key-${k}`}>
              {k}
            </button>
          ))}
          <button type="button" onClick={() => setPin((p) => p.slice(0, -1))} aria-label={t('pin.delete')} data-testid="pin-delete">
            ⌫
          </button>
          <button type="button" onClick={() => press('0')} data-testid="pin-key-0">
            0
          </button>
          <button type="submit" className="primary" disabled={checking || !pin || !account.trim()} data-testid="pin-submit">
            {t('pin.submit')}
          </button>
        </div>
        <div role="status" aria-live="assertive" className="status-line">
          {checking && <span>{t('pin.checking')}</span>}
          {view.auth.status === 'rejected' && (
            <span className="error" data-testid="pin-rejected">
              {t('pin.rejected')}
            </span>
          )}
          {view.auth.status === 'locked' && (
            <span className="error" data-testid="pin-locked">
              {t('pin.locked', { s: view.auth.retryAfterSec ?? 0 })}
            </span>
          )}
        </div>
        <button type="button" onClick={() => void send({ type: 'clerk.cancel' })} data-testid="pin-cancel">
          {t('pin.cancel')}
        </button>
      </form>
    </main>
  );
}
