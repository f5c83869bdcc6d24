// The appliance's one Auth: kiosk-config's accounts (plus the demo's), every
// attempt logged. One per process, shared by the session service and the
// administrator screen, so a lockout earned at one door holds at the other.
import type { Kiosk } from '../kiosk';
import { Auth } from './auth';
import type { Account } from './accounts';

export function createKioskAuth(kiosk: Kiosk, extraAccounts: readonly Account[] = []): Auth {
  return new Auth({
    accounts: [...(kiosk.config.accounts as Account[]), ...extraAccounts],
    onEvent: (type, data) => void kiosk.log.append(type, data),
  });
}
