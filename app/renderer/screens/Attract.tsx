// The attract screen: what a party sees when no session is open.
import type { KioskInfo } from '../../shared/api-contract';
import { useI18n } from '../i18n/context';

export function Attract({ info, onClerk }: { info: KioskInfo; onClerk(): void }) {
  const { t } = useI18n();
  return (
    <main className="attract" data-testid="attract">
      <div className="emblem" aria-hidden="true">§</div>
      <h1>{t('attract.heading')}</h1>
      <p className="lead">{t('attract.body')}</p>
      <p className="call">{t('attract.callClerk')}</p>
      <button type="button" className="primary" onClick={onClerk} data-testid="clerk-button">
        {t('attract.clerkButton')}
      </button>
      <footer className="device">
        <span>{info.organisation.name}</span>
        <span>
          {t('attract.device')}: {info.device.name} ({info.device.id})
        </span>
      </footer>
    </main>
  );
}
