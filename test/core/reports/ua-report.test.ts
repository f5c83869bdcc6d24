// The viewing report of a Ukrainian case in a Ukrainian court's words, made
// the whole way: the demo's UA package imported through the real pipeline, a
// session opened through the session service (which logs the ЄУН and the
// proceedings number), the signed report built from the log, then HTML and
// PDF. Page 1 of the Ukrainian PDF becomes docs/screenshots/report-ua-uk.png.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildViewingReports, checkViewingReport, renderViewingReportHtml, renderViewingReportPdf, reportDocument, type ViewingReport } from '../../../app/core/reports';
import { UA_PROTOCOL_TITLE } from '../../../app/core/crp/metadata-rules';
import { endSession, openMediaKiosk, openSession, UA_CASE, UA_REC, type MediaKiosk } from '../../helpers/media-kiosk';
import { REPO, scratch } from '../../helpers/paths';

const PROCEEDINGS = '2/757/1234/25';

let mk: MediaKiosk;
let report: ViewingReport;

beforeAll(async () => {
  mk = await openMediaKiosk();
  const view = await openSession(mk.session, UA_CASE, [UA_REC]);
  expect(mk.session.send({ type: 'viewer.play', mediaTime: 0 }).ok).toBe(true);
  for (const t of [1, 2, 3]) expect(mk.session.send({ type: 'media.progress', mediaTime: t }).ok).toBe(true);
  endSession(mk.session);
  const found = buildViewingReports(mk.kiosk, { caseSignature: UA_CASE, language: 'uk' }).find((r) => r.session.id === view.sessionId);
  if (!found) throw new Error('no report for the UA session');
  report = found;
});

afterAll(() => mk?.close());

/** The case section's rows of the report in `lang`. */
function caseRows(lang: 'uk' | 'pl' | 'en'): ReadonlyArray<readonly [string, string]> {
  const s = reportDocument(report, lang).sections[0];
  if (s?.kind !== 'facts') throw new Error('the first section is not the case');
  return s.rows;
}

describe('the Ukrainian viewing report', () => {
  it('[UA-5] names the ЄУН and the proceedings number in rows of their own, taken from the log the session wrote, and signs them', () => {
    expect(report.case).toEqual({ signature: UA_CASE, caseNumber: UA_CASE, proceedingsNumber: PROCEEDINGS });
    expect(checkViewingReport(report, report.publicKeyPem)).toEqual({ ok: true });
    // The signature repeats the ЄУН here, so it gets no row of its own ("Шифр справи" is another number).
    expect(caseRows('uk')).toEqual([
      ['Єдиний унікальний номер справи', UA_CASE],
      ['Номер провадження', PROCEEDINGS],
    ]);
    expect(caseRows('pl')).toEqual([
      ['Unikalny numer sprawy (ЄУН)', UA_CASE],
      ['Numer postępowania', PROCEEDINGS],
    ]);
    expect(caseRows('en')).toEqual([
      ['Unique case number (ЄУН)', UA_CASE],
      ['Proceedings number', PROCEEDINGS],
    ]);
  });

  it('[UA-5] [UA-6] [Q-4] HTML: titled as a court titles it, ЄУН and proceedings rows, the system protocol under the title it came with', () => {
    const html = renderViewingReportHtml(report, 'uk');
    expect(html).toContain('<html lang="uk">');
    expect(html).toContain('Протокол ознайомлення із записами');
    expect(html).not.toContain('Звіт про перегляд');
    expect(html).not.toContain('Шифр справи');
    expect(html).toMatch(/Єдиний унікальний номер справи<\/t[hd]>\s*<td[^>]*>757\/12345\/25-ц</u);
    expect(html).toMatch(/Номер провадження<\/t[hd]>\s*<td[^>]*>2\/757\/1234\/25</u);
    expect(html).toContain('Протоколи, додані до записів');
    expect(html).toContain(UA_PROTOCOL_TITLE);
    // The system's own title is never translated: the Polish and English reports show it as it came.
    expect(renderViewingReportHtml(report, 'pl')).toContain(UA_PROTOCOL_TITLE);
    expect(renderViewingReportHtml(report, 'en')).toContain(UA_PROTOCOL_TITLE);
  });

  it('[UA-5] [UA-6] [Q-4] PDF: the same rows and title in the text of a real A4 PDF; page 1 becomes docs/screenshots/report-ua-uk.png', async () => {
    const dir = scratch('ua-report-');
    try {
      const file = path.join(dir, 'report-ua-uk.pdf');
      fs.writeFileSync(file, await renderViewingReportPdf(report, 'uk'));
      expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/u);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/gu, ' ');
      expect(text).toContain('Протокол ознайомлення із записами');
      expect(text).toMatch(/Єдиний унікальний номер справи 757\/12345\/25-ц/u);
      expect(text).toMatch(/Номер провадження 2\/757\/1234\/25/u);
      expect(text).toContain(UA_PROTOCOL_TITLE);
      expect(text).not.toContain('Шифр справи');

      const base = path.join(REPO, 'docs', 'screenshots', 'report-ua-uk');
      execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', file, base]);
      expect(fs.readFileSync(`${base}.png`).subarray(1, 4).toString('latin1')).toBe('PNG');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
