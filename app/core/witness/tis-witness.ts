// The TIS as the log's witness (FORMATS.md §2): it keeps the newest
// checkpoint of each device and refuses one that does not extend it. The
// kiosk asks what it holds, checks its own log against that, and sends its
// newest stored checkpoint with an RFC 6962 consistency proof from the held
// one. What the TIS holds is the delivery state: nothing on the device (which
// a restored database would roll back) decides what has been witnessed.
import type { ViewingLog } from '../viewing-log';
import { TisError } from '../tis';
import { checkAgainstWitness, type DeviceIdentity, type WitnessVerdict } from './verdict';

export interface CheckpointWitnessClient {
  readonly origin: string;
  latestCheckpoint(deviceId: string): Promise<string | null>;
  postCheckpoint(deviceId: string, note: string, proof: readonly Buffer[] | null): Promise<{ readonly created: boolean }>;
}

export interface WitnessRun {
  /** The check after the run (after a delivery, against what the TIS holds then). */
  readonly verdict: WitnessVerdict;
  /** The checkpoint sent in this run, if one was. */
  readonly sent: { readonly size: number; readonly created: boolean } | null;
  /** Why a checkpoint due could not be sent (the TIS refused it, or could not be reached). */
  readonly error: string | null;
  /** The TIS refused the checkpoint as not extending the one it holds (409): a rollback, not a delivery hiccup. */
  readonly refused: boolean;
}

export function tisWitnessName(client: CheckpointWitnessClient): string {
  return `TIS ${client.origin}`;
}

const UNREACHABLE = new Set(['tis.network', 'tis.timeout', 'tis.http.status', 'tis.tls.server-untrusted', 'tis.tls.client-rejected']);

/** What the TIS holds, checked against the log. Never throws. */
export async function checkTisWitness(log: ViewingLog, device: DeviceIdentity, client: CheckpointWitnessClient): Promise<WitnessVerdict> {
  const witness = tisWitnessName(client);
  let note: string | null;
  try {
    note = await client.latestCheckpoint(device.id);
  } catch (e) {
    const rule = e instanceof TisError ? e.rule : null;
    const message = e instanceof Error ? e.message : String(e);
    const verdict = rule !== null && !UNREACHABLE.has(rule) ? 'fault' : 'unreachable';
    return { witness, verdict, witnessedSize: null, logSize: log.size, problem: message };
  }
  return checkAgainstWitness(log, device, witness, note);
}

/**
 * Checks the log against the TIS, sends the newest stored checkpoint when the
 * TIS holds an older one (or none), and checks again against what it holds
 * then. Nothing is sent while the check fails: a log that does not extend
 * what the TIS holds is an alarm, and a faulty witness is not fed.
 */
export async function witnessWithTis(log: ViewingLog, device: DeviceIdentity, client: CheckpointWitnessClient): Promise<WitnessRun> {
  const before = await checkTisWitness(log, device, client);
  if (before.verdict !== 'consistent' && before.verdict !== 'empty') return { verdict: before, sent: null, error: null, refused: false };
  const newest = log.latestCheckpointBody();
  const held = before.witnessedSize;
  if (newest === null || (held !== null && newest.checkpoint.size <= held)) return { verdict: before, sent: null, error: null, refused: false };
  const proof = held === null ? null : log.consistencyProof(held, newest.checkpoint.size).map((h) => Buffer.from(h, 'hex'));
  let sent: WitnessRun['sent'];
  try {
    const r = await client.postCheckpoint(device.id, newest.note, proof);
    sent = { size: newest.checkpoint.size, created: r.created };
  } catch (e) {
    const refused = e instanceof TisError && e.rule === 'tis.checkpoint.refused';
    return { verdict: before, sent: null, error: e instanceof Error ? e.message : String(e), refused };
  }
  return { verdict: await checkTisWitness(log, device, client), sent, error: null, refused: false };
}
