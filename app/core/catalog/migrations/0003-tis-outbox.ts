// 0003: the durable outbox of viewing reports for the TIS (PL-6.1). Schema
// owned by tis/outbox.ts, which reads and writes it.
import { OUTBOX_SCHEMA_SQL } from '../../tis/outbox';
import type { Migration } from './types';

export const m0003TisOutbox: Migration = {
  version: 3,
  name: 'tis-outbox',
  up(db) {
    db.exec(OUTBOX_SCHEMA_SQL);
  },
};
