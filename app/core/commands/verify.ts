// `kioskctl verify [--case SIG] [--json]`: exit 1 when anything fails, naming the recording.
import fs from 'node:fs';
import path from 'node:path';
import { verifyStore } from '../integrity';
import type { RepairOutcome, RepairRequest } from '../replica';
import type { Kiosk } from '../kiosk';
import { EXIT_FAILED, EXIT_OK } from './exit-codes';
import type { Out } from './out';
import type { Language } from '../../shared/i18n/languages';
import { translateCli } from '../../shared/i18n/cli-messages';

/** Files the owner's sweep moved aside: not part of the store (they do not fail verify), but court IT must see them. */
function quarantined(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** `lang`: the language of the summary line (kioskctl's --lang or the kiosk's default); the JSON is the same in every language. */
export interface VerifyOptions {
  readonly case?: string;
  readonly lang?: Language;
  /**
   * Hands the copies to restore to the owner (verify itself reads only) and
   * returns what it did; absent, a needed repair fails the run.
   */
  readonly repair?: (requests: RepairRequest[]) => Promise<RepairOutcome[]>;
}

export async function verify(kiosk: Kiosk, opts: VerifyOptions, out: Out): Promise<number> {
  const lang = opts.lang ?? 'en';
  const found = await verifyStore(kiosk, opts.case ? { caseSignature: opts.case } : {});
  // A copy that verifies restores the other (PL-5.1): the recording counts as intact once the owner has done it.
  const requests = found.repairs.map(({ objectId, from }) => ({ objectId, from }));
  const repaired: RepairOutcome[] = requests.length ? (opts.repair ? await opts.repair(requests) : []) : [];
  const failedRepair = new Map<number, string>();
  for (const rq of found.repairs) {
    const done = repaired.find((x) => x.objectId === rq.objectId);
    if (!done?.ok) {
      const why = done?.problem ?? `the ${rq.from === 'primary' ? 'replica' : 'primary'} copy of ${rq.objectId} is missing or damaged and was not restored`;
      failedRepair.set(rq.index, `${rq.recording}: ${why}`);
    }
  }
  const recordings = found.recordings.map((x, i) => {
    const why = failedRepair.get(i);
    return why && x.ok ? { ...x, ok: false, status: 'damaged' as const, problem: why } : x;
  });
  const ok = found.ok && failedRepair.size === 0;
  const r = { ...found, ok, recordings, repairs: repaired, quarantined: quarantined(kiosk.layout.quarantine) };
  out.result(r, () =>
    [
      ...(r.replica?.problem ? [translateCli(lang, 'cli.verify.replicaUnchecked', { path: r.replica.path, problem: r.replica.problem })] : []),
      ...r.repairs.map((x) => {
        const recording = x.recording ?? x.objectId;
        return x.ok
          ? translateCli(lang, x.to === 'primary' ? 'cli.verify.repaired.primary' : 'cli.verify.repaired.replica', { recording })
          : translateCli(lang, 'cli.verify.repairFailed', { recording, problem: x.problem ?? '' });
      }),
      ...r.quarantined.map((q) => `QUARANTINED quarantine/${q} (found in the store, unknown to the catalog; not read)`),
      ...r.recordings.map((x) => `${x.ok ? (x.status === 'purged' ? 'purged ' : 'ok     ') : 'FAILED '} ${x.case} ${x.identifier ?? '(incomplete)'} v${x.version}${x.problem ? `: ${x.problem}` : ''}`),
      ...r.catalog.problems.map((p) => `CATALOG ${p}`),
      `verify: ${translateCli(lang, r.ok ? 'cli.verify.intact' : 'cli.verify.failed', { n: r.recordings.length })}`,
    ].join('\n'),
  );
  return ok ? EXIT_OK : EXIT_FAILED;
}
