// The administrator screen (issue 7): imports, records awaiting a clerk,
// integrity events, the TIS outbox, and the two-person export (issue 9).
// Shown while the session machine has an administrator signed in; core
// refuses its API to anyone else, so this screen holds no authority itself.
import { useCallback, useEffect, useState } from 'react';
import type { AdminOverview } from '../../../shared/admin-contract';
import { useI18n } from '../../i18n/context';
import { adminApi } from './admin-api';
import { ExportPanel } from './ExportPanel';
import { formatBytes } from './format';
import { ImportsTable, IntegrityTable, OutboxTable } from './OverviewTables';
import { PendingSection } from './PendingSection';
import { CarriersSection } from './CarriersSection';
import { TisSection } from './TisSection';
import { ReplicaNotice } from './ReplicaNotice';
import { useAdminEvents } from './admin-events';
import type { SignedInAdmin } from './signed-in-admin';

export function AdminScreen({ admin, onCompose }: { admin: SignedInAdmin; onCompose?: () => void }) {
  const { t, lang } = useI18n();
  const [overview, setOverview] = useState<AdminOverview | null>(null);
  const [failed, setFailed] = useState(false);

  const load = useCallback(() => {
    // adminApi answers a failed request as a value; it never rejects.
    void adminApi.overview().then((r) => {
      if (r.ok) {
        setOverview(r.value);
        setFailed(false);
      } else setFailed(true);
    });
  }, []);
  useEffect(load, [load]);
  const live = useAdminEvents();

  return (
    <main className="admin" data-testid="admin-screen" aria-busy={overview === null && !failed}>
      <header className="bar">
        <h1>{t('admin.heading')}</h1>
        <span className="count">{t('admin.signedInAs', { name: admin.name })}</span>
        {onCompose && (
          <button type="button" onClick={onCompose} data-testid="admin-compose">
            {t('compose.heading')}
          </button>
        )}
        <button type="button" onClick={load} data-testid="admin-refresh">
          {t('admin.refresh')}
        </button>
        {/* Core's answer arrives as the next session view; should the request fail, the idle timeout still signs the administrator out. */}
        <button type="button" onClick={() => void adminApi.signOut()} data-testid="admin-sign-out">
          {t('admin.signOut')}
        </button>
      </header>
      {failed && (
        <p className="notice" role="alert">
          {t('admin.loadFailed')}
        </p>
      )}
      {overview === null ? (
        !failed && <p>{t('admin.loading')}</p>
      ) : (
        <>
          {overview.log.alarm !== null && (
            <p className="notice" role="alert" data-testid="admin-log-alarm">
              {t('admin.logAlarm', { problem: overview.log.alarm })}
            </p>
          )}
          {overview.log.witnesses
            .filter((w) => w.verdict === 'fault')
            .map((w) => (
              <p key={w.witness} className="notice" role="status" data-testid="admin-witness-fault">
                {t('admin.witnessFault', { problem: w.problem ?? w.witness })}
              </p>
            ))}
          {overview.deviceKey.warning !== null && (
            <p className="notice" role="status" data-testid="admin-key-warning">
              {t('admin.keyWarning', { problem: overview.deviceKey.warning })}
            </p>
          )}
          {overview.replica !== null && <ReplicaNotice replica={overview.replica} />}
          {overview.storage.low && (
            <p className="notice" role="alert" data-testid="admin-space-low">
              {t('admin.spaceLow', { free: formatBytes(lang, overview.storage.freeBytes), reserve: formatBytes(lang, overview.storage.reserveBytes) })}
            </p>
          )}
          {live.carriers && <CarriersSection view={live.carriers} onImported={load} />}
          {live.tis?.enabled && <TisSection view={live.tis} />}
          <PendingSection pending={overview.pending} onChanged={load} />
          <ImportsTable imports={overview.imports} />
          <IntegrityTable events={overview.integrity} />
          {!live.tis?.enabled && <OutboxTable items={overview.outbox} />}
          <ExportPanel cases={overview.cases} adminId={admin.id} carriers={live.carriers?.carriers ?? []} />
        </>
      )}
    </main>
  );
}
