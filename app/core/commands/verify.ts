// `kioskctl verify [--case SIG] [--json]`: exit 1 when anything fails, naming the recording.
import { verifyStore } from '../integrity';
import type { Kiosk } from '../kiosk';
import { EXIT_FAILED, EXIT_OK } from './exit-codes';
import type { Out } from './out';

export async function verify(kiosk: Kiosk, opts: { case?: string }, out: Out): Promise<number> {
  const r = await verifyStore(kiosk, opts.case ? { caseSignature: opts.case } : {});
  out.result(r, () =>
    [
      ...r.recordings.map((x) => `${x.ok ? (x.status === 'purged' ? 'purged ' : 'ok     ') : 'FAILED '} ${x.case} ${x.identifier ?? '(incomplete)'} v${x.version}${x.problem ? `: ${x.problem}` : ''}`),
      ...r.catalog.problems.map((p) => `CATALOG ${p}`),
      r.ok ? 'verify: all recordings and catalog rows intact' : 'verify: FAILED',
    ].join('\n'),
  );
  return r.ok ? EXIT_OK : EXIT_FAILED;
}
