// 0005: recordings waiting on the TIS (UA-1), so the retry queue survives a
// restart. Schema owned by tis/waiting.ts, which reads and writes it.
import { WAITING_SCHEMA_SQL } from '../../tis/waiting';
import type { Migration } from './types';

export const m0005TisWaiting: Migration = {
  version: 5,
  name: 'tis-waiting',
  up(db) {
    db.exec(WAITING_SCHEMA_SQL);
  },
};
