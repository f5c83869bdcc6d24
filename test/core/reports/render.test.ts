// The printable viewing report in pl, uk and en: HTML and PDF from the same
// signed report, labels translated, PL-3 forms, and page images for docs/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildViewingReports, renderViewingReportHtml, renderViewingReportPdf, type ViewingReport } from '../../../app/core/reports';
import { LANGUAGES, type Language } from '../../../app/shared/i18n/languages';
import { REPO } from '../../helpers/paths';
import { CASE, appendSession, openFixture, type Fixture } from './fixture';

let fx: Fixture;
let report: ViewingReport;
let hostile: ViewingReport;

/** poppler-utils (pdftotext, pdftoppm) as CI's fresh Debian may lack it. */
function ensurePoppler(): void {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
  } catch {
    execFileSync('apt-get', ['install', '-y', 'poppler-utils'], { stdio: 'ignore' });
  }
}

beforeAll(async () => {
  ensurePoppler();
  fx = await openFixture();
  appendSession(fx.kiosk, { sessionId: '7d0c5e2a-4b1f-4c8e-9a31-2f6b8d90e1c4' });
  appendSession(fx.kiosk, { sessionId: 'hostile', viewerName: 'Zofia Wiśniewska <b>&amp;</b>' });
  const [r, h] = buildViewingReports(fx.kiosk, { caseSignature: CASE });
  if (r === undefined || h === undefined) throw new Error('no report');
  report = r;
  hostile = h;
}, 120_000);

afterAll(() => fx.close());

const LABELS: Record<Language, readonly string[]> = {
  pl: ['Protokół udostępnienia zapisów do przeglądania', 'Sygnatura akt', 'Osoba przeglądająca', 'Zapisy obrazu i dźwięku', 'Czas trwania', 'Odtworzone fragmenty', 'dowód osobisty', 'zakończona przez osobę przeglądającą', 'Wydane bajty'],
  uk: ['Протокол ознайомлення із записами', 'Шифр справи', 'Особа, яка переглядала', 'Записи, надані для перегляду', 'Тривалість', 'Відтворені фрагменти', 'посвідчення особи', 'завершено особою, яка переглядала', 'Видано байтів'],
  en: ['Report on the viewing of recordings', 'Case-file signature', 'Viewer', 'Recordings made available', 'Duration', 'Parts played', 'identity card', 'ended by the viewer', 'Bytes served'],
};

function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('viewing report rendering', () => {
  it('[Q-4] [DC-6] HTML in pl, uk and en has translated labels, PL-3.4 dates, PL-3.5 durations, played ranges and served ranges beside them', () => {
    for (const lang of LANGUAGES) {
      const html = renderViewingReportHtml(report, lang);
      expect(html).toContain(`<html lang="${lang}">`);
      for (const label of LABELS[lang]) expect(html, `${lang}: ${label}`).toContain(label);
      for (const other of LANGUAGES.filter((l) => l !== lang)) expect(html, `${lang} shows ${other}`).not.toContain(LABELS[other][0]);
      expect(html).toContain('2026-03-1409:30:00'); // PL-3.4: no separator between day and hour
      expect(html).toContain('01:02:05'); // PL-3.5 hh:mm:ss
      expect(html).toContain('00:00–01:36, 10:00–12:05'); // ranges as mm:ss–mm:ss
      expect(html).toContain(lang === 'en' ? '220.4' : '220,4'); // numbers in the report's language (defect 9)
      expect(html).toContain('00:00–02:06, 09:58–12:36'); // served to the player, beside played
      expect(html).toContain('48213774');
      expect(html).toMatch(/\d{4}-\d{2}-\d{4}:\d{2}:\d{2}</u); // log times in the PL-3.4 form, local court time
      expect(html).not.toMatch(/\d{2}:\d{2}:\d{2}Z/u); // no UTC "Z" (defect 5)
      expect(html).toContain(report.signature);
      expect(html).not.toMatch(/<script/iu);
    }
  });

  it('escapes every value taken from the log', () => {
    const html = renderViewingReportHtml(hostile, 'pl');
    expect(html).toContain('Zofia Wiśniewska &lt;b&gt;&amp;amp;&lt;/b&gt;');
    expect(html).not.toContain('<b>&amp;</b>');
  });

  it('[Q-4] PDF in pl, uk and en is a real A4 PDF whose text holds the Polish and Ukrainian words; page 1 becomes docs/screenshots/report-<lang>.png', async () => {
    const dir = path.join(fx.dir, 'pdf');
    fs.mkdirSync(dir);
    const shots = path.join(REPO, 'docs', 'screenshots');
    fs.mkdirSync(shots, { recursive: true });
    for (const lang of LANGUAGES) {
      const pdf = await renderViewingReportPdf(report, lang);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const file = path.join(dir, `report-${lang}.pdf`);
      fs.writeFileSync(file, pdf);
      const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
      expect(info).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/u);
      const text = pdfText(file);
      // Table headers may wrap inside their column, so only labels set on full lines are looked for.
      for (const label of [1, 2, 3, 6, 7].map((i) => LABELS[lang][i] ?? '')) expect(text.replace(/\s+/gu, ' '), `${lang}: ${label}`).toContain(label);
      expect(text).toContain(lang === 'uk' ? 'Запис' : lang === 'pl' ? 'Zapis' : 'Recording');
      expect(text).toContain('Zofia Wiśniewska'); // Polish letters survive in every language's PDF
      expect(text).toContain('Zajęcie ruchomości');
      expect(text).toContain('2026-03-1409:30:00');
      expect(text).toContain('10:00–12:05');
      // Identifiers and times are never split mid-word (defect 5): each stands whole on its line.
      expect(text).toMatch(/KM-2026-0001 /u);
      expect(text).toMatch(/2026-03-1409:30:00/u);
      expect(text).toContain(report.signature.slice(0, 40));

      const base = path.join(shots, `report-${lang}`);
      execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', file, base]);
      const png = fs.readFileSync(`${base}.png`);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(Math.abs(png.readUInt32BE(16) - 496)).toBeLessThanOrEqual(1); // A4 width at 60 dpi
    }
  }, 120_000);
});
