// Between composing and handover: the recordings are checked (DC-4), and a
// failure blocks the session with the reason, never a player.
import type { SessionView } from '../../shared/session-contract';
import type { Send } from './send';
import { useI18n } from '../i18n/context';

export function Verifying() {
  const { t } = useI18n();
  return (
    <main className="panel center" data-testid="verifying" aria-busy="true">
      <div className="spinner" aria-hidden="true" />
      <h1 role="status">{t('verifying.heading')}</h1>
    </main>
  );
}

export function Blocked({ view, send }: { view: SessionView; send: Send }) {
  const { t } = useI18n();
  return (
    <main className="panel center" data-testid="blocked">
      <h1>{t('blocked.heading')}</h1>
      <p role="alert" className="alert">
        {t('blocked.body')}
      </p>
      <ul className="verdicts">
        {view.verification.map((v) => (
          <li key={`${v.identifier}@${v.version}`} className={v.ok ? 'ok' : 'bad'} data-testid="verdict">
            <span className="mono">{v.identifier}</span>, {t('player.versionOf', { v: v.version })}:{' '}
            {/* The finding in words; the technical detail after it is for court IT. */}
            {v.ok ? `✓ ${t('blocked.passed')}` : `✗ ${t('blocked.failed')}`}
            {!v.ok && v.problem && <span className="sub"> ({v.problem})</span>}
          </li>
        ))}
      </ul>
      <div className="actions">
        {view.accepts.includes('clerk.back') && (
          <button type="button" className="primary" onClick={() => void send({ type: 'clerk.back' })} data-testid="blocked-back">
            {t('blocked.back')}
          </button>
        )}
        {view.accepts.includes('clerk.cancel') && (
          <button type="button" onClick={() => void send({ type: 'clerk.cancel' })} data-testid="blocked-cancel">
            {t('blocked.cancel')}
          </button>
        )}
      </div>
    </main>
  );
}
