// `kioskctl verify [--case SIG] [--json]`: exit 1 when anything fails, naming the recording.
import fs from 'node:fs';
import path from 'node:path';
import { verifyStore } from '../integrity';
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
export async function verify(kiosk: Kiosk, opts: { case?: string; lang?: Language }, out: Out): Promise<number> {
  const lang = opts.lang ?? 'en';
  const r = { ...(await verifyStore(kiosk, opts.case ? { caseSignature: opts.case } : {})), quarantined: quarantined(kiosk.layout.quarantine) };
  out.result(r, () =>
    [
      ...r.quarantined.map((q) => `QUARANTINED quarantine/${q} (found in the store, unknown to the catalog; not read)`),
      ...r.recordings.map((x) => `${x.ok ? (x.status === 'purged' ? 'purged ' : 'ok     ') : 'FAILED '} ${x.case} ${x.identifier ?? '(incomplete)'} v${x.version}${x.problem ? `: ${x.problem}` : ''}`),
      ...r.catalog.problems.map((p) => `CATALOG ${p}`),
      `verify: ${translateCli(lang, r.ok ? 'cli.verify.intact' : 'cli.verify.failed', { n: r.recordings.length })}`,
    ].join('\n'),
  );
  return r.ok ? EXIT_OK : EXIT_FAILED;
}
