// What a witness's checkpoint says about this kiosk's viewing log. A witness
// (the TIS, a file kept off the device) holds a checkpoint the kiosk signed
// earlier; the log must still extend it. A log shorter than it, or whose
// first entries no longer hash to its root, has lost entries or was replaced
// by an older copy: an integrity alarm. A witness that answers with something
// this device did not sign is at fault itself, and is never trusted.
import type { ViewingLog } from '../viewing-log';
import { CheckpointError, verifyDeviceCheckpoint } from '../viewing-log';
import { IntegrityError } from '../errors';

export type WitnessVerdictKind =
  /** The log extends the witnessed checkpoint (an RFC 6962 consistency proof holds). */
  | 'consistent'
  /** The log is shorter than, or inconsistent with, the witnessed checkpoint. */
  | 'alarm'
  /** The witness answered with a note this device's key did not sign, or a malformed one. */
  | 'fault'
  /** The witness could not be asked (offline, time-out, 5xx). */
  | 'unreachable'
  /** The witness holds no checkpoint of this device yet. */
  | 'empty';

export interface WitnessVerdict {
  /** Who was asked, e.g. `TIS https://tis.court.example`. */
  readonly witness: string;
  readonly verdict: WitnessVerdictKind;
  /** Tree size of the checkpoint the witness holds (null when it holds none, or none that can be trusted). */
  readonly witnessedSize: number | null;
  /** Entries in the log when it was checked. */
  readonly logSize: number;
  readonly problem: string | null;
}

export interface DeviceIdentity {
  readonly id: string;
  /** Raw 32-byte Ed25519 public key that signs the device's checkpoints. */
  readonly publicKeyRaw: Buffer;
}

/** Checks the log against the note a witness holds. Never throws. */
export function checkAgainstWitness(log: ViewingLog, device: DeviceIdentity, witness: string, note: string | null): WitnessVerdict {
  const logSize = log.size;
  if (note === null) return { witness, verdict: 'empty', witnessedSize: null, logSize, problem: null };
  let held;
  try {
    held = verifyDeviceCheckpoint(note, device.id, device.publicKeyRaw);
  } catch (e) {
    const why = e instanceof CheckpointError ? `${e.rule}: ${e.message}` : String(e);
    return { witness, verdict: 'fault', witnessedSize: null, logSize, problem: `${witness} answered with a checkpoint this device did not sign (${why}); it is not trusted` };
  }
  let result: { size: number; ok: boolean };
  try {
    result = log.extendsCheckpoint(held);
  } catch (e) {
    if (!(e instanceof IntegrityError)) throw e;
    result = { size: logSize, ok: false };
  }
  if (result.ok) return { witness, verdict: 'consistent', witnessedSize: held.size, logSize: result.size, problem: null };
  const problem =
    held.size > result.size
      ? `${witness} holds a checkpoint of ${held.size} entries but the log holds only ${result.size}: entries were removed or the database was replaced by an older copy`
      : `${witness} holds a checkpoint of ${held.size} entries that the log of ${result.size} entries does not extend: its first ${held.size} entries were changed or replaced`;
  return { witness, verdict: 'alarm', witnessedSize: held.size, logSize: result.size, problem };
}
