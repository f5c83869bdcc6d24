// `kioskctl outbox [--json]` lists the viewing reports waiting for or
// delivered to the TIS, each pending one with its next attempt time, and the
// recordings waiting on the TIS (UA-1) with theirs; `--deliver` tries every
// due report now (PL-6.1). The kiosk service delivers and retries by itself.
import type { Kiosk } from '../kiosk';
import { TisOutbox, TisWaitingQueue } from '../tis';
import { EXIT_FAILED, EXIT_OK } from './exit-codes';
import type { Out } from './out';
import { tisClientFor, type TisFlags } from './tis-client';

export async function outboxCmd(kiosk: Kiosk, opts: { deliver: boolean } & TisFlags, out: Out): Promise<number> {
  const outbox = new TisOutbox(kiosk.db);
  const run = opts.deliver ? await outbox.deliverPending(tisClientFor(kiosk, opts, 'outbox --deliver')) : null;
  const entries = outbox.list();
  // UA-1: recordings the TIS is still processing, and when the kiosk service fetches them again.
  const waiting = new TisWaitingQueue(kiosk.db).waiting();
  out.result({ outbox: entries, waiting, ...(run ? { delivery: run } : {}) }, () =>
    [
      ...(entries.length === 0 ? ['outbox empty'] : []),
      ...entries.map((e) =>
        e.deliveredAt
          ? `delivered ${e.caseSignature} ${e.reportId} at ${e.deliveredAt} (TIS id ${e.remoteId ?? '?'})`
          : `pending   ${e.caseSignature} ${e.reportId}: ${e.attempts} attempt(s), next ${e.nextAttemptAt ?? '-'}${e.lastError ? `, last error: ${e.lastError}` : ''}`,
      ),
      ...(run ? [`delivery: ${run.delivered} delivered, ${run.failed} failed, ${run.pending} pending`] : []),
      ...waiting.map((w) => `waiting   ${w.caseSignature} ${w.identifier ?? '(no identifier)'} v${w.version}: still processing on the TIS, ${w.attempts} attempt(s), next attempt ${w.nextAttemptAt}`),
    ].join('\n'),
  );
  return run && run.failed > 0 ? EXIT_FAILED : EXIT_OK;
}
