// The appliance's one Auth: kiosk-config's accounts (plus the demo's), every
// attempt logged. One per process, shared by the session service and the
// administrator screen, so a lockout earned at one door holds at the other;
// failures and lockouts are kept in the catalog, so they hold across a
// restart too.
import type { Kiosk } from '../kiosk';
import { Auth } from './auth';
import type { Account } from './accounts';
import { MemoryLockoutStore, SqliteLockoutStore } from './lockouts';

export function createKioskAuth(kiosk: Kiosk, extraAccounts: readonly Account[] = []): Auth {
  return new Auth({
    accounts: [...(kiosk.config.accounts as Account[]), ...extraAccounts],
    onEvent: (type, data) => void kiosk.log.append(type, data),
    // A read-only kiosk writes nothing; only the owner signs people in.
    lockouts: kiosk.readonly ? new MemoryLockoutStore() : new SqliteLockoutStore(kiosk.db),
  });
}
