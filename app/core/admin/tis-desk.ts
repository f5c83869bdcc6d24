// The case-file system at the administrator screen (UA-1, PL-6.1): a case
// fetched by signature or ЄУН with byte progress; recordings the TIS is still
// processing wait in the durable queue (tis/waiting.ts) and are fetched again
// by themselves once their Retry-After has passed; viewing reports in the
// outbox are delivered by themselves, with exponential backoff and jitter. One
// tick a second looks for what is due; nothing runs twice at once.
import { fetchCase, TisOutbox, TisWaitingQueue, type TisClient, type WaitingRecording } from '../tis';
import { KioskError } from '../errors';
import type { Kiosk } from '../kiosk';
import { problem, type Problem } from '../../shared/problem';
import type { TisFetchView, TisReportView, TisView, TisWaitingView } from '../../shared/carriers-contract';

export interface TisDeskOptions {
  readonly tickMs?: number;
  readonly note?: (line: string) => void;
}

export interface TisDesk {
  view(): TisView;
  onDidChange(listener: () => void): () => void;
  /** Starts fetching a case for `operator`; throws KioskError while another fetch runs. */
  fetch(signature: string, operator: string): TisFetchView;
  /** One look for due retries and reports (the timer calls it; tests may too). */
  tick(): Promise<void>;
  dispose(): void;
}

const waitingView = (w: WaitingRecording): TisWaitingView => ({
  caseSignature: w.caseSignature, identifier: w.identifier, version: w.version, attempts: w.attempts, nextAttemptAt: w.nextAttemptAt, doneAt: w.doneAt, outcome: w.outcome,
});

export function disabledTisView(): TisView {
  return { enabled: false, job: null, waiting: [], recent: [], reports: [] };
}

export function createTisDesk(kiosk: Kiosk, client: TisClient, opts: TisDeskOptions = {}): TisDesk {
  const queue = new TisWaitingQueue(kiosk.db);
  const outbox = new TisOutbox(kiosk.db);
  const listeners = new Set<() => void>();
  let job: TisFetchView | null = null;
  let busy = false;
  let disposed = false;
  const changed = () => {
    if (!disposed) for (const l of listeners) l();
  };
  const failure = (signature: string, e: unknown): Problem =>
    e instanceof KioskError && e.problems[0] ? e.problems[0] : problem(signature, e instanceof KioskError ? e.code : 'tis.failed', e instanceof Error ? e.message : String(e));

  const runFetch = async (signature: string, operator: string | null, show: boolean) => {
    try {
      const r = await fetchCase(kiosk, {
        signature, client, operator,
        ...(show ? { onProgress: (p) => {
          if (job) job = { ...job, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, file: p.file };
          changed();
        } } : {}),
      });
      if (show && job) job = { ...job, state: r.problems.length ? 'failed' : 'done', imported: r.imported.length, unchanged: r.unchanged.length, waiting: r.notReady.length, problems: r.problems };
      if (!show && r.imported.length) opts.note?.(`tis: ${signature}: ${r.imported.length} recording(s) fetched after waiting (UA-1)`);
    } catch (e) {
      if (show && job) job = { ...job, state: 'failed', problems: [failure(signature, e)] };
      else opts.note?.(`tis: retrying ${signature} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    changed();
  };

  const tick = async () => {
    if (busy || disposed) return;
    busy = true;
    try {
      for (const due of queue.dueCases()) await runFetch(due.caseSignature, due.operator, false);
      const run = await outbox.deliverPending(client);
      if (run.delivered || run.failed) changed();
    } catch (e) {
      opts.note?.(`tis: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.tickMs ?? 1000);
  timer.unref();

  return {
    view() {
      const reports: TisReportView[] = outbox.list().map((e) => ({
        caseSignature: e.caseSignature, reportId: e.reportId,
        state: e.deliveredAt ? 'delivered' : e.lastError ? 'failing' : 'queued',
        attempts: e.attempts, nextAttemptAt: e.nextAttemptAt, lastError: e.lastError, remoteId: e.remoteId, deliveredAt: e.deliveredAt,
      }));
      return { enabled: true, job, waiting: queue.waiting().map(waitingView), recent: queue.recent(10).map(waitingView), reports };
    },
    onDidChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    fetch(signature, operator) {
      if (busy || job?.state === 'running') throw new KioskError('refused', 'a fetch from the case-file system is running', [problem('admin/tis', 'tis.busy', 'a fetch is running')]);
      busy = true;
      job = { signature, state: 'running', bytesDone: 0, bytesTotal: 0, file: '', imported: 0, unchanged: 0, waiting: 0, problems: [] };
      void runFetch(signature, operator, true).finally(() => {
        busy = false;
      });
      changed();
      return job;
    },
    tick,
    dispose() {
      disposed = true;
      clearInterval(timer);
      listeners.clear();
    },
  };
}
