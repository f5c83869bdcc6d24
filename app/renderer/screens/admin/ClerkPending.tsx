// The records awaiting a clerk, for a signed-in clerk (PL-4.1 gives the
// completion to the clerk, not only to court IT): the same reasons in words,
// completion form and release as on the administrator screen; core records
// the clerk's account for every step.
import { useCallback, useEffect, useState } from 'react';
import type { AdminPendingRecording } from '../../../shared/admin-contract';
import { useI18n } from '../../i18n/context';
import { adminApi } from './admin-api';
import { PendingSection } from './PendingSection';

export function ClerkPending({ onBack }: { onBack(): void }) {
  const { t } = useI18n();
  const [pending, setPending] = useState<readonly AdminPendingRecording[] | null>(null);
  const [failed, setFailed] = useState(false);
  const load = useCallback(() => {
    void adminApi.pending().then((r) => {
      if (r.ok) {
        setPending(r.value.pending);
        setFailed(false);
      } else setFailed(true);
    });
  }, []);
  useEffect(load, [load]);
  return (
    <main className="admin" data-testid="clerk-pending-screen" aria-busy={pending === null && !failed}>
      <header className="bar">
        <h1>{t('admin.pending.heading')}</h1>
        <button type="button" onClick={onBack} data-testid="clerk-pending-back">
          {t('compose.heading')}
        </button>
      </header>
      {failed && (
        <p className="notice" role="alert">
          {t('admin.loadFailed')}
        </p>
      )}
      {pending === null ? !failed && <p>{t('admin.loading')}</p> : <PendingSection pending={pending} onChanged={load} />}
    </main>
  );
}
