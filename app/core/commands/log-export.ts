// `kioskctl log export --case SIG --out DIR [--lang pl|uk|en] [--json]`: one
// signed JSON, HTML and PDF viewing report per session of the case. Exit 1
// when no session named the case: a mistyped signature must not look like an
// export that worked.
import type { Kiosk } from '../kiosk';
import { exportViewingReports } from '../reports';
import { isLanguage } from '../../shared/i18n/languages';
import { EXIT_FAILED, EXIT_OK, UsageError } from './exit-codes';
import type { Out } from './out';

export async function logExport(kiosk: Kiosk, opts: { case: string; out: string; lang?: string }, out: Out): Promise<number> {
  if (opts.lang !== undefined && !isLanguage(opts.lang)) throw new UsageError(`--lang: not one of pl, uk, en: ${opts.lang}`);
  const language = opts.lang !== undefined && isLanguage(opts.lang) ? opts.lang : undefined;
  const r = await exportViewingReports(kiosk, { caseSignature: opts.case, outDir: opts.out, ...(language ? { language } : {}) });
  const doc = { case: r.case, reports: r.reports.map(({ session, json, html, pdf }) => ({ session, json, html, pdf })), ...(r.checkpoint ? { checkpoint: r.checkpoint } : {}), ...(r.verifier ? { verifier: r.verifier } : {}) };
  out.result(doc, () =>
    r.reports.length === 0
      ? `log export: no session viewed case ${r.case}`
      : [
          `log export: ${r.reports.length} session(s) of case ${r.case}`,
          ...r.reports.map((x) => `  ${x.session} (${x.language}): ${x.json}, ${x.html}, ${x.pdf}`),
          ...(r.checkpoint ? [`  the log's checkpoint: ${r.checkpoint}`] : []),
          ...(r.verifier ? [`  check them offline in any browser: ${r.verifier}`] : []),
        ].join('\n'),
  );
  return r.reports.length === 0 ? EXIT_FAILED : EXIT_OK;
}
