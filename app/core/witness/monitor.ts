// The kiosk service's watch over its log's witnesses. At start, after every
// checkpoint the log signs, and on a back-off while the witness cannot be
// reached, it checks the log against what the TIS holds and sends the newest
// checkpoint; and against the checkpoint the replica holds (a file on the
// second-copy storage, replica-witness.ts), which it then moves forward. An alarm (the log shorter than, or inconsistent with, a
// witnessed checkpoint) is recorded as an integrity event, shown on the
// administrator screen and refuses every new session for the life of the
// process; no session opens before the first check has answered.
import type { Kiosk } from '../kiosk';
import { problem, type Problem } from '../../shared/problem';
import { witnessWithTis, type CheckpointWitnessClient } from './tis-witness';
import { checkReplicaWitness, recordOnReplica } from './replica-witness';
import type { WitnessVerdict } from './verdict';

export interface WitnessState {
  /** The integrity alarm, once raised: it names the witness and both sizes. */
  readonly alarm: string | null;
  /** The first check since start has not answered yet. */
  readonly checking: boolean;
  /** The last verdict of each witness. */
  readonly witnesses: readonly WitnessVerdict[];
  /** The newest checkpoint size the witness acknowledged in this process, and when. */
  readonly delivered: { readonly size: number; readonly at: string } | null;
  /** Why the last delivery or check could not complete; retried with back-off. */
  readonly lastError: string | null;
}

export interface WitnessMonitorOptions {
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly note?: (line: string) => void;
  /** Why there is no witness client although one is configured (shown as the last error). */
  readonly unavailable?: string;
}

export class WitnessMonitor {
  private alarm: string | null = null;
  private checking: boolean;
  private verdicts = new Map<string, WitnessVerdict>();
  private delivered: WitnessState['delivered'] = null;
  private lastError: string | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private disposed = false;
  private readonly unsubscribe: () => void;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly kiosk: Kiosk,
    private readonly client: CheckpointWitnessClient | null,
    private readonly opts: WitnessMonitorOptions = {},
  ) {
    this.checking = client !== null;
    this.lastError = opts.unavailable ?? null;
    this.backoffMs = opts.backoffMs ?? 30_000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 3_600_000;
    this.unsubscribe = kiosk.log.onDidCheckpoint(() => void this.run());
  }

  /** Runs a check and delivery now (joined when one runs; repeated once after it when asked meanwhile). */
  run(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    // The replica's checkpoint first, synchronously: at start that is before the replica's first catch-up.
    this.checkReplica();
    if (this.client === null) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.once(this.client).finally(() => {
      this.running = null;
      if (this.again && !this.disposed) {
        this.again = false;
        void this.run();
      }
    });
    return this.running;
  }

  private async once(client: CheckpointWitnessClient): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const device = { id: this.kiosk.config.device.id, publicKeyRaw: this.kiosk.signer().publicKeyRaw };
    let retry = false;
    try {
      const r = await witnessWithTis(this.kiosk.log, device, client);
      this.verdicts.set(r.verdict.witness, r.verdict);
      if (r.sent) this.delivered = { size: r.sent.size, at: new Date().toISOString() };
      this.lastError = r.error ?? (r.verdict.verdict === 'unreachable' || r.verdict.verdict === 'fault' ? r.verdict.problem : null);
      retry = r.error !== null || r.verdict.verdict === 'unreachable';
      if (r.verdict.verdict === 'fault') this.opts.note?.(`witness fault: ${r.verdict.problem ?? ''}`);
      if (r.verdict.verdict === 'alarm' && this.alarm === null) this.raise(r.verdict.problem ?? 'the log does not extend a witnessed checkpoint');
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
      retry = true;
    } finally {
      this.checking = false;
    }
    this.failures = retry ? this.failures + 1 : 0;
    if (retry && !this.disposed && this.alarm === null) {
      const delay = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (this.failures - 1));
      this.timer = setTimeout(() => void this.run(), delay);
      this.timer.unref();
    }
  }

  private checkReplica(): void {
    const v = checkReplicaWitness(this.kiosk);
    if (!v) return;
    this.verdicts.set(v.witness, v);
    if (v.verdict === 'alarm') {
      if (this.alarm === null) this.raise(v.problem ?? 'the log does not extend the checkpoint the replica holds');
      return;
    }
    if (v.verdict === 'fault') this.opts.note?.(`witness fault: ${v.problem ?? ''}`);
    recordOnReplica(this.kiosk, v);
  }

  private raise(problemText: string): void {
    this.alarm = problemText;
    // The replica keeps the log as it was, for court IT: nothing is written to it any more in this process.
    this.kiosk.replica?.freeze(problemText);
    this.opts.note?.(`INTEGRITY ALARM: ${problemText}`);
    try {
      this.kiosk.integrityEvent('viewing log', null, problemText, 'witness');
    } catch (e) {
      this.opts.note?.(`the alarm could not be recorded: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Why no session may open now, or null. */
  canOpen(): Problem | null {
    if (this.alarm !== null) return problem('viewing_log', 'session.log-alarm', `integrity alarm: ${this.alarm}; no session is opened`);
    if (this.checking) return problem('viewing_log', 'session.log-checking', 'the viewing log is being checked against its witnesses; try again in a moment');
    return null;
  }

  state(): WitnessState {
    return { alarm: this.alarm, checking: this.checking, witnesses: [...this.verdicts.values()], delivered: this.delivered, lastError: this.lastError };
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
  }
}
