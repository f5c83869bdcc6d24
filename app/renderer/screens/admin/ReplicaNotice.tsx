// The second copy's state for court IT (PL-5.1): in sync, a backlog, or
// unreachable with the reason. A problem is an alarm (role=alert); the steady
// state is a status line, so a screen reader does not interrupt for it.
import { useI18n } from '../../i18n/context';
import type { ReplicaStatus } from '../../../shared/admin-contract';

export function ReplicaNotice({ replica }: { replica: ReplicaStatus }) {
  const { t } = useI18n();
  const alarm = replica.state !== 'in-sync' && replica.problem !== null;
  const line =
    replica.state === 'in-sync'
      ? t('admin.replica.in-sync', { path: replica.path, repaired: replica.repaired })
      : replica.state === 'unreachable'
        ? t('admin.replica.unreachable', { path: replica.path })
        : t('admin.replica.backlog', {
            path: replica.path,
            objects: replica.backlogObjects ?? '?',
            catalog: replica.catalogBehind ? t('admin.replica.catalog') : '',
            repaired: replica.repaired,
          });
  return (
    <div className="notice" role={alarm ? 'alert' : 'status'} data-testid="admin-replica" data-state={replica.state}>
      <p>{line}</p>
      {alarm && <p data-testid="admin-replica-problem">{t('admin.replica.problem', { problem: replica.problem ?? '' })}</p>}
    </div>
  );
}
