// `kioskctl fetch --case SIG --account ID [--tis URL --ca FILE --cert FILE --key FILE] [--json]`:
// imports a case's recordings from the TIS. Recordings still processing
// (UA-1) are reported, not failed; any rejected recording fails the run.
import type { Auth } from '../auth';
import type { Kiosk } from '../kiosk';
import { authenticatePeople, personLabel, type Credential } from './people';
import { fetchCase } from '../tis';
import { requireSource } from '../ingest';
import { formatProblem } from '../../shared/problem';
import { EXIT_FAILED, EXIT_OK } from './exit-codes';
import type { Out } from './out';
import { tisClientFor, type TisFlags } from './tis-client';

export async function fetchCmd(kiosk: Kiosk, auth: Auth, opts: { case: string; account: Credential | null } & TisFlags, out: Out): Promise<number> {
  // Before any TIS flag or file is looked at: a kiosk that may not fetch says so, naming importSources.
  requireSource(kiosk.config, 'tis', `fetch --case ${opts.case}`);
  const { account } = await authenticatePeople(kiosk, auth, 'fetch', opts.account, null);
  const client = tisClientFor(kiosk, opts, 'fetch');
  const progress = out.progress?.bind(out);
  const r = await fetchCase(kiosk, { signature: opts.case, client, operator: personLabel(account), ...(progress ? { onProgress: progress } : {}) });
  const doc = {
    imported: r.imported.map(({ identifier, version, case: c, flags, status, holds }) => ({ identifier, version, case: c, flags, status, holds })),
    unchanged: r.unchanged.map(({ identifier, version, case: c }) => ({ identifier, version, case: c })),
    problems: r.problems,
    warnings: r.warnings,
    notReady: r.notReady.map(({ identifier, version, retryAfterSec }) => ({ identifier, version, retryAfterSec })),
  };
  out.result(doc, () =>
    [
      ...r.imported.map((x) => `imported ${x.case} ${x.identifier ?? '(incomplete)'} v${x.version} [${x.status}]${x.flags.length ? ` flags: ${x.flags.join(', ')}` : ''}${x.holds.length ? ` held: ${x.holds.join('; ')}` : ''}`),
      ...r.unchanged.map((x) => `unchanged ${x.case} ${x.identifier ?? '(incomplete)'} v${x.version} (already stored)`),
      ...r.notReady.map((x) => `not ready ${opts.case} ${x.identifier ?? '(no identifier)'} v${x.version}: still processing on the TIS, retry in ${x.retryAfterSec} s`),
      ...r.problems.map((p) => `rejected: ${formatProblem(p)}`),
    ].join('\n') || `nothing to fetch for ${opts.case}`,
  );
  return r.problems.length ? EXIT_FAILED : EXIT_OK;
}
