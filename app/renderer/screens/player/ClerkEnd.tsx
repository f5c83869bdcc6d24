// A clerk may end a session while the viewer watches, with their ID and PIN
// (the viewer can always end it themselves with "End viewing").
import { useState, type FormEvent } from 'react';
import type { SessionView } from '../../../shared/session-contract';
import { useI18n } from '../../i18n/context';
import type { Send } from '../send';

export function ClerkEnd({ view, send }: { view: SessionView; send: Send }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [account, setAccount] = useState('');
  const [pin, setPin] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!account || !pin) return;
    const p = pin;
    setPin('');
    void send({ type: 'clerk.end', accountId: account, pin: p });
  };
  if (!open)
    return (
      <button type="button" className="quiet" onClick={() => setOpen(true)} data-testid="clerk-end-open">
        {t('player.clerkEnd')}
      </button>
    );
  return (
    <form className="clerk-end" onSubmit={submit} aria-label={t('player.clerkEndPin')}>
      <p className="sub">{t('player.clerkEndPin')}</p>
      <label className="field">
        <span>{t('pin.account')}</span>
        <input value={account} onChange={(e) => setAccount(e.target.value)} autoComplete="off" data-testid="clerk-end-account" />
      </label>
      <label className="field">
        <span>{t('pin.pin')}</span>
        <input type="password" inputMode="numeric" value={pin} onChange={(e) => setPin(e.target.value)} autoComplete="off" data-testid="clerk-end-pin" />
      </label>
      {(view.playback.endCheck === 'rejected' || view.playback.endCheck === 'locked') && (
        <p className="error" role="alert">
          {t('player.clerkEndRejected')}
        </p>
      )}
      <div className="actions">
        <button type="submit" data-testid="clerk-end-submit">
          {t('player.clerkEnd')}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {t('pin.cancel')}
        </button>
      </div>
    </form>
  );
}
