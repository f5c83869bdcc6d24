// The administrator's sign-in: an account and a password, typed on a full
// on-screen keyboard (Latin with the Polish letters, Ukrainian Cyrillic,
// digits and signs) or on a real keyboard. Separate from the clerk's numeric
// PIN pad, so a password never has to be squeezed into digits. Core checks it
// with the same Auth and lockout as the PIN (the session machine's clerk.pin);
// the password is cleared whatever the answer.
import { useRef, useState, type FormEvent } from 'react';
import type { SessionView } from '../../shared/session-contract';
import type { MessageKey } from '../../shared/i18n';
import type { Send } from './send';
import { useI18n } from '../i18n/context';

type Layout = 'latin' | 'cyrillic' | 'signs';

const ROWS: Record<Layout, readonly string[]> = {
  latin: ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'ąćęłńóśźż'],
  cyrillic: ['1234567890', 'йцукенгшщзхї', 'фівапролджє', 'ячсмитьбюґ'],
  signs: ['1234567890', '-_.@!?#$%&', '*+=/:;,\'"', '()[]<>~^|\\'],
};
const LAYOUT_LABEL: Record<Layout, MessageKey> = { latin: 'password.layout.latin', cyrillic: 'password.layout.cyrillic', signs: 'password.layout.signs' };
const MAX = 128;

type Field = 'account' | 'password';

export function PasswordPad({ view, send, onPin }: { view: SessionView; send: Send; onPin(): void }) {
  const { t } = useI18n();
  const [account, setAccount] = useState('');
  const [password, setPassword] = useState('');
  const [target, setTarget] = useState<Field>('password');
  const [layout, setLayout] = useState<Layout>('latin');
  const [shift, setShift] = useState(false);
  const accountRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const checking = view.auth.status === 'checking';

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!account.trim() || !password || checking) return;
    const entered = password;
    setPassword('');
    void send({ type: 'clerk.pin', accountId: account.trim(), pin: entered });
  };
  const edit = (f: (s: string) => string) => {
    if (target === 'account') setAccount((s) => f(s).slice(0, 64));
    else setPassword((s) => f(s).slice(0, MAX));
  };
  const type = (ch: string) => {
    edit((s) => s + (shift ? ch.toLocaleUpperCase() : ch));
    setShift(false);
  };

  return (
    <main className="panel pin password" data-testid="password-pad">
      <h1>{t('password.heading')}</h1>
      <form onSubmit={submit} className="pin-form password-form">
        <label className="field">
          <span>{t('password.account')}</span>
          <input
            ref={accountRef}
            data-testid="password-account"
            value={account}
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            autoFocus
            onFocus={() => setTarget('account')}
            onChange={(e) => setAccount(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('password.password')}</span>
          <input
            ref={passwordRef}
            data-testid="password-input"
            type="password"
            autoComplete="off"
            value={password}
            maxLength={MAX}
            onFocus={() => setTarget('password')}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <p className="sub" aria-live="polite">
          {t('password.typingInto', { field: t(target === 'account' ? 'password.account' : 'password.password') })} · {t('password.chars', { n: [...password].length })}
        </p>
        <div className="layouts" role="group" aria-label={t('password.layouts')}>
          {(Object.keys(ROWS) as Layout[]).map((l) => (
            <button key={l} type="button" aria-pressed={layout === l} onClick={() => setLayout(l)} data-testid={`password-layout-${l}`}>
              {t(LAYOUT_LABEL[l])}
            </button>
          ))}
        </div>
        <div className="osk" role="group" aria-label={t('password.keyboard')} data-testid="password-keyboard">
          {ROWS[layout].map((row) => (
            <div className="osk-row" key={row}>
              {[...row].map((ch) => {
                const shown = shift ? ch.toLocaleUpperCase() : ch;
                return (
                  <button key={ch} type="button" onClick={() => type(ch)} data-testid={`osk-${ch}`} aria-label={shown}>
                    {shown}
                  </button>
                );
              })}
            </div>
          ))}
          <div className="osk-row">
            <button type="button" aria-pressed={shift} onClick={() => setShift((s) => !s)} data-testid="osk-shift">
              ⇧ {t('password.shift')}
            </button>
            <button type="button" className="osk-space" onClick={() => type(' ')} data-testid="osk-space">
              {t('password.space')}
            </button>
            <button type="button" onClick={() => edit((s) => [...s].slice(0, -1).join(''))} aria-label={t('password.delete')} data-testid="osk-delete">
              ⌫
            </button>
          </div>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={checking || !password || !account.trim()} data-testid="password-submit">
            {t('password.submit')}
          </button>
          <button type="button" onClick={onPin} data-testid="password-to-pin">
            {t('password.toPin')}
          </button>
          <button type="button" onClick={() => void send({ type: 'clerk.cancel' })} data-testid="password-cancel">
            {t('pin.cancel')}
          </button>
        </div>
        <div role="status" aria-live="assertive" className="status-line">
          {checking && <span>{t('pin.checking')}</span>}
          {view.auth.status === 'rejected' && (
            <span className="error" data-testid="password-rejected">
              {t('password.rejected')}
            </span>
          )}
          {view.auth.status === 'locked' && (
            <span className="error" data-testid="password-locked">
              {t('pin.locked', { s: view.auth.retryAfterSec ?? 0 })}
            </span>
          )}
        </div>
      </form>
    </main>
  );
}
