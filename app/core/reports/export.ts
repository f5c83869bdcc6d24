// `log export`: writes each session's signed JSON, HTML and PDF report into a
// folder for the case file, and logs the export itself (the log records every
// export, as it records every viewing).
import fs from 'node:fs';
import path from 'node:path';
import type { Kiosk } from '../kiosk';
import { KioskError } from '../errors';
import { problem } from '../../shared/problem';
import type { Language } from '../../shared/i18n/languages';
import { buildViewingReports } from './viewing-report';
import { renderViewingReportHtml } from './render-html';
import { renderViewingReportPdf } from './render-pdf';
import { COURT_TIME_ZONE } from '../../shared/pl3-format';
import { shipVerifierPage } from './verifier-page';

export interface ExportedReport {
  readonly session: string;
  readonly language: Language;
  readonly json: string;
  readonly html: string;
  readonly pdf: string;
}

export interface ExportResult {
  readonly case: string;
  readonly reports: readonly ExportedReport[];
  /** The log's checkpoint signed after this export was logged, beside the reports: a copy of it off the device (a witness). */
  readonly checkpoint?: string;
  /** The standalone verifier page beside the reports, when this installation was built. */
  readonly verifier?: string;
}

// Session ids are UUIDs the kiosk made; anything else would become a file name, so it is refused.
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/u;

/** Atomic enough for a case file: a reader never sees half a report. */
function writeFile(file: string, data: string | Buffer): void {
  const tmp = `${file}.part`;
  fs.writeFileSync(tmp, data, { mode: 0o644 });
  fs.renameSync(tmp, file);
}

export async function exportViewingReports(
  kiosk: Kiosk,
  opts: { readonly caseSignature: string; readonly outDir: string; readonly language?: Language },
): Promise<ExportResult> {
  const reports = buildViewingReports(kiosk, { caseSignature: opts.caseSignature, ...(opts.language ? { language: opts.language } : {}) });
  fs.mkdirSync(opts.outDir, { recursive: true });
  const written: ExportedReport[] = [];
  for (const r of reports) {
    if (!SAFE_NAME.test(r.session.id)) {
      const message = `session id ${JSON.stringify(r.session.id)} cannot be used as a file name`;
      throw new KioskError('invalid-input', message, [problem('viewing_log', 'report.session.id', message, 'sessionId')]);
    }
    const base = path.join(opts.outDir, r.session.id);
    const lang = r.language;
    const files = { json: `${base}.json`, html: `${base}.html`, pdf: `${base}.pdf` };
    writeFile(files.json, JSON.stringify(r, null, 2) + '\n');
    // Times in the court's own zone (PL-3.4 form), named once in the heading.
    const zone = COURT_TIME_ZONE[kiosk.config.jurisdiction];
    writeFile(files.html, renderViewingReportHtml(r, lang, zone));
    writeFile(files.pdf, await renderViewingReportPdf(r, lang, {}, zone));
    written.push({ session: r.session.id, language: lang, ...files });
  }
  kiosk.log.append('log.exported', { case: opts.caseSignature, sessions: written.map((w) => w.session) });
  if (written.length === 0) return { case: opts.caseSignature, reports: written };
  // Logging the export signed a checkpoint covering it: it leaves with the reports, and so does the page that checks them.
  const checkpoint = path.join(opts.outDir, 'log-checkpoint.note');
  writeFile(checkpoint, kiosk.log.latestCheckpoint() ?? kiosk.log.checkpoint());
  const verifier = shipVerifierPage(opts.outDir);
  return { case: opts.caseSignature, reports: written, checkpoint, ...(verifier ? { verifier } : {}) };
}
