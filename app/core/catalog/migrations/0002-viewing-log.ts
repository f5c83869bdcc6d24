// 0002: the tamper-evident viewing log (DC-6): entries as RFC 6962 leaves with
// a device-keyed MAC chain, and signed checkpoints. Schema owned by viewing-log/.
import { VIEWING_LOG_SCHEMA_SQL } from '../../viewing-log/log-store';
import type { Migration } from './types';

export const m0002ViewingLog: Migration = {
  version: 2,
  name: 'viewing-log',
  up(db) {
    db.exec(VIEWING_LOG_SCHEMA_SQL);
  },
};
