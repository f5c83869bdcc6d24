// `kioskctl outbox [--json]` lists the viewing reports waiting for or
// delivered to the TIS, each pending one with its next attempt time, and the
// recordings waiting on the TIS (UA-1) with theirs; `--deliver` tries every
// due report now (PL-6.1) and sends the log's newest checkpoint to the TIS,
// its witness. The kiosk service delivers and retries by itself.
import type { Kiosk } from '../kiosk';
import { TisOutbox, TisWaitingQueue } from '../tis';
import { witnessWithTis } from '../witness';
import { EXIT_FAILED, EXIT_OK } from './exit-codes';
import { deviceIdentity, witnessLine } from './log';
import type { Out } from './out';
import { tisClientFor, type TisFlags } from './tis-client';

export async function outboxCmd(kiosk: Kiosk, opts: { deliver: boolean } & TisFlags, out: Out): Promise<number> {
  const outbox = new TisOutbox(kiosk.db);
  const client = opts.deliver ? tisClientFor(kiosk, opts, 'outbox --deliver') : null;
  const run = client ? await outbox.deliverPending(client) : null;
  const witness = client ? await witnessWithTis(kiosk.log, deviceIdentity(kiosk), client) : null;
  const entries = outbox.list();
  // UA-1: recordings the TIS is still processing, and when the kiosk service fetches them again.
  const waiting = new TisWaitingQueue(kiosk.db).waiting();
  out.result({ outbox: entries, waiting, ...(run ? { delivery: run } : {}), ...(witness ? { checkpoint: witness } : {}) }, () =>
    [
      ...(entries.length === 0 ? ['outbox empty'] : []),
      ...entries.map((e) =>
        e.deliveredAt
          ? `delivered ${e.caseSignature} ${e.reportId} at ${e.deliveredAt} (TIS id ${e.remoteId ?? '?'})`
          : `pending   ${e.caseSignature} ${e.reportId}: ${e.attempts} attempt(s), next ${e.nextAttemptAt ?? '-'}${e.lastError ? `, last error: ${e.lastError}` : ''}`,
      ),
      ...(run ? [`delivery: ${run.delivered} delivered, ${run.failed} failed, ${run.pending} pending`] : []),
      ...waiting.map((w) => `waiting   ${w.caseSignature} ${w.identifier ?? '(no identifier)'} v${w.version}: still processing on the TIS, ${w.attempts} attempt(s), next attempt ${w.nextAttemptAt}`),
      ...(witness
        ? [
            witness.sent ? `checkpoint: sent the checkpoint of ${witness.sent.size} entries` : witness.error ? `checkpoint: not sent: ${witness.error}` : 'checkpoint: nothing new to send',
            witnessLine(witness.verdict),
          ]
        : []),
    ].join('\n'),
  );
  // A checkpoint the TIS refused as a rollback, or a log that does not extend what it holds, fails the run; a TIS
  // that cannot take checkpoints yet (the device's key not registered there, offline) is said, as a report that waits is.
  const failed = (run !== null && run.failed > 0) || (witness !== null && (witness.refused || witness.verdict.verdict === 'alarm'));
  return failed ? EXIT_FAILED : EXIT_OK;
}
