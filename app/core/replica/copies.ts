// Both copies of one object checked (PL-5.1, Q-3): what `verify` and the
// scrub decide from. A copy that verifies can restore the other; when
// neither does, the recording is damaged.
import type { Kiosk } from '../kiosk';
import type { ContentStore } from '../store';
import type { RepairRequest } from './repair';

export interface ObjectRef {
  readonly objectId: string;
  readonly wrappedKey: Buffer;
  readonly size: number;
  readonly sha256: string;
}

export type CopiesVerdict =
  | { readonly ok: true; readonly readFrom: ContentStore; readonly repair: RepairRequest | null }
  | { readonly ok: false; readonly problem: string };

/** The replica's reader when it can be read now, else null (and why, for the report). */
export function replicaReader(kiosk: Kiosk): { store: ContentStore | null; problem: string | null } {
  if (!kiosk.replica) return { store: null, problem: null };
  const r = kiosk.replica.reachable();
  return r.ok ? { store: kiosk.replica.reader(), problem: null } : { store: null, problem: r.problem };
}

export async function checkCopies(kiosk: Kiosk, replica: ContentStore | null, o: ObjectRef): Promise<CopiesVerdict> {
  const p = await kiosk.store.verifyObject(o.objectId, o.wrappedKey, o.size, o.sha256);
  if (!replica) return p.ok ? { ok: true, readFrom: kiosk.store, repair: null } : p;
  const r = await replica.verifyObject(o.objectId, o.wrappedKey, o.size, o.sha256);
  if (p.ok) return { ok: true, readFrom: kiosk.store, repair: r.ok ? null : { objectId: o.objectId, from: 'primary' } };
  if (r.ok) return { ok: true, readFrom: replica, repair: { objectId: o.objectId, from: 'replica' } };
  return { ok: false, problem: `${p.problem}; the replica's copy: ${r.problem}` };
}
