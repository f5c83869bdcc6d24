// The replica as a witness of the viewing log (PL-5.1, DC-6): the newest
// checkpoint is kept as a file on the second-copy storage. A log cut at its
// tail, or a database put back from an older copy, no longer extends it: an
// integrity alarm, as with the TIS, and on a kiosk that has no TIS at all. It
// is written only forward (a larger checkpoint the log extends), never over
// a larger or foreign one, so the evidence survives the rollback it shows.
import type { Kiosk } from '../kiosk';
import { checkAgainstWitness, type DeviceIdentity, type WitnessVerdict } from './verdict';

export const deviceOf = (kiosk: Kiosk): DeviceIdentity => ({ id: kiosk.config.device.id, publicKeyRaw: kiosk.signer().publicKeyRaw });

/** The log against the replica's checkpoint; null when kiosk-config names no replica. Never throws. */
export function checkReplicaWitness(kiosk: Kiosk): WitnessVerdict | null {
  const r = kiosk.replica;
  if (!r) return null;
  const witness = `replica ${r.root}`;
  const reach = r.reachable();
  if (!reach.ok) return { witness, verdict: 'unreachable', witnessedSize: null, logSize: kiosk.log.size, problem: reach.problem };
  return checkAgainstWitness(kiosk.log, deviceOf(kiosk), witness, r.readCheckpoint());
}

/** After a check that found nothing wrong: the newest checkpoint to the replica, when it is newer than the one there. */
export function recordOnReplica(kiosk: Kiosk, held: WitnessVerdict): void {
  if (!kiosk.replica || (held.verdict !== 'consistent' && held.verdict !== 'empty')) return;
  const latest = kiosk.log.latestCheckpointBody();
  if (!latest || (held.witnessedSize !== null && latest.checkpoint.size <= held.witnessedSize)) return;
  try {
    kiosk.replica.writeCheckpoint(latest.note);
  } catch {
    // A replica that cannot be written is the catch-up's to report; the next checkpoint tries again.
  }
}

/** For Replica.setGuard: the alarm when the log no longer extends the replica's checkpoint, else null. */
export function replicaGuard(kiosk: Kiosk): () => string | null {
  return () => {
    const v = checkReplicaWitness(kiosk);
    return v?.verdict === 'alarm' ? (v.problem ?? 'the log does not extend the checkpoint the replica holds') : null;
  };
}
