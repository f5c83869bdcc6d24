// `kioskctl outbox [--json]` lists the viewing reports waiting for or
// delivered to the TIS; `--deliver` tries every due one now (PL-6.1).
import type { Kiosk } from '../kiosk';
import { TisOutbox } from '../tis';
import { EXIT_FAILED, EXIT_OK } from './exit-codes';
import type { Out } from './out';
import { tisClientFor, type TisFlags } from './tis-client';

export async function outboxCmd(kiosk: Kiosk, opts: { deliver: boolean } & TisFlags, out: Out): Promise<number> {
  const outbox = new TisOutbox(kiosk.db);
  const run = opts.deliver ? await outbox.deliverPending(tisClientFor(kiosk, opts, 'outbox --deliver')) : null;
  const entries = outbox.list();
  out.result({ outbox: entries, ...(run ? { delivery: run } : {}) }, () =>
    [
      ...(entries.length === 0 ? ['outbox empty'] : []),
      ...entries.map((e) =>
        e.deliveredAt
          ? `delivered ${e.caseSignature} ${e.reportId} at ${e.deliveredAt} (TIS id ${e.remoteId ?? '?'})`
          : `pending   ${e.caseSignature} ${e.reportId}: ${e.attempts} attempt(s), next ${e.nextAttemptAt ?? '-'}${e.lastError ? `, last error: ${e.lastError}` : ''}`,
      ),
      ...(run ? [`delivery: ${run.delivered} delivered, ${run.failed} failed, ${run.pending} pending`] : []),
    ].join('\n'),
  );
  return run && run.failed > 0 ? EXIT_FAILED : EXIT_OK;
}
