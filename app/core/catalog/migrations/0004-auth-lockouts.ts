// 0004: failed sign-ins and lockouts per account, so they survive a restart.
// Schema owned by auth/lockouts.ts, which reads and writes it.
import { LOCKOUT_SCHEMA_SQL } from '../../auth/lockouts';
import type { Migration } from './types';

export const m0004AuthLockouts: Migration = {
  version: 4,
  name: 'auth-lockouts',
  up(db) {
    db.exec(LOCKOUT_SCHEMA_SQL);
  },
};
