// Restores an object from one copy to the other (PL-5.1, Q-3). The owner does
// it, whoever found the damage (a read-only `verify` or the service's scrub):
// the source copy is authenticated again here, never taken on a client's
// word; the restored copy is authenticated before the repair counts; every
// repair is a viewing-log entry.
import type { CatalogDb } from '../catalog';
import { KioskError } from '../errors';
import type { Kiosk } from '../kiosk';

export interface RepairRequest {
  readonly objectId: string;
  /** The copy that verified: the other is restored from it. */
  readonly from: 'primary' | 'replica';
}

export interface RepairOutcome extends RepairRequest {
  readonly to: 'primary' | 'replica';
  readonly recording: string | null;
  readonly ok: boolean;
  readonly problem?: string;
}

/** The recording an object belongs to, as `identifier vN` (or its provisional id), for the log and the report. */
export function recordingOfObject(db: CatalogDb, objectId: string): string | null {
  const row = db
    .prepare(
      `SELECT coalesce(r.identifier, json_extract(r.extra_json, '$.provisionalId'), '#' || r.id) AS label, r.version FROM recordings r
        WHERE r.id IN (SELECT recording_id FROM parts WHERE object_id = @id
                       UNION SELECT recording_id FROM attachments WHERE object_id = @id OR signature_object_id = @id) LIMIT 1`,
    )
    .get({ id: objectId }) as { label: string; version: number } | undefined;
  return row ? `${row.label} v${row.version}` : null;
}

export async function repairObjects(kiosk: Kiosk, requests: readonly RepairRequest[], context: 'verify' | 'scrub'): Promise<RepairOutcome[]> {
  const replica = kiosk.replica;
  if (!replica) throw new KioskError('refused', 'kiosk-config names no replica: there is nothing to repair from (rule replica.none)');
  const replicaStore = replica.reader();
  const out: RepairOutcome[] = [];
  for (const r of requests) {
    const to = r.from === 'primary' ? 'replica' : 'primary';
    const recording = recordingOfObject(kiosk.db, r.objectId);
    const fail = (problem: string): void => {
      out.push({ ...r, to, recording, ok: false, problem });
    };
    const row = kiosk.db.prepare('SELECT sha256, size, wrapped_key FROM objects WHERE id = ? AND wrapped_key IS NOT NULL').get(r.objectId) as
      | { sha256: string; size: number; wrapped_key: Buffer }
      | undefined;
    if (!row) {
      fail(`object ${r.objectId} is not a live object of the catalog (rule replica.repair.unknown)`);
      continue;
    }
    const [src, dst] = r.from === 'primary' ? [kiosk.store, replicaStore] : [replicaStore, kiosk.store];
    const before = await src.verifyObject(r.objectId, row.wrapped_key, row.size, row.sha256);
    if (!before.ok) {
      fail(`the ${r.from} copy does not verify either: ${before.problem}`);
      continue;
    }
    try {
      await replica.copyBetween(r.objectId, r.from);
    } catch (e) {
      fail(`could not write the ${to} copy: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const after = await dst.verifyObject(r.objectId, row.wrapped_key, row.size, row.sha256);
    if (!after.ok) {
      fail(`the restored ${to} copy does not verify: ${after.problem}`);
      continue;
    }
    kiosk.log.append('store.repaired', { object: r.objectId, recording, from: r.from, to, context });
    out.push({ ...r, to, recording, ok: true });
  }
  return out;
}

/** How many objects were restored, ever: the log's `store.repaired` entries. */
export function repairedCount(db: CatalogDb): number {
  return db.prepare(`SELECT count(*) FROM viewing_log WHERE entry LIKE '%"type":"store.repaired"%'`).pluck().get() as number;
}
