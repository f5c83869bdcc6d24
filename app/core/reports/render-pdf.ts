// The viewing report as an A4 PDF for the case file: same content as the HTML
// (both come from reportDocument), set in DejaVu, whose glyphs cover Polish
// and Ukrainian; pdfkit's built-in fonts would drop ą, ł, ї, є.
import PDFDocument from 'pdfkit';
import type { Language } from '../../shared/i18n/languages';
import { translateReport } from '../../shared/i18n/report-messages';
import { defaultFontsDir, registerFonts } from './pdf-fonts';
import { reportDocument, type DocSection, type ReportDocument } from './report-document';
import type { ViewingReport } from './viewing-report';

type Pdf = InstanceType<typeof PDFDocument>;

const NAVY = '#1f3a5f';
const GREY = '#444444';
const RULE = '#c8d0da';
const HEAD_BG = '#eef2f6';
const MARGIN = 46; // ~16 mm

export interface PdfOptions {
  /** Folder with DejaVuSans.ttf, DejaVuSans-Bold.ttf, DejaVuSansMono.ttf; defaults to the dejavu-fonts-ttf package. */
  readonly fontsDir?: string;
}

export function renderViewingReportPdf(report: ViewingReport, lang: Language, opts: PdfOptions = {}, timeZone?: string): Promise<Buffer> {
  const doc = reportDocument(report, lang, timeZone);
  return renderDocumentPdf(doc, {
    title: `${doc.title} — ${report.case.signature ?? report.case.caseNumber ?? ''}`,
    author: report.organisation.name,
    footer: `${report.case.signature ?? report.case.caseNumber ?? ''} · ${report.session.id}`,
  }, opts);
}

/** Any document in the report layout (viewing report, export receipt) as an A4 PDF. */
export function renderDocumentPdf(doc: ReportDocument, meta: { readonly title: string; readonly author: string; readonly footer: string }, opts: PdfOptions = {}): Promise<Buffer> {
  const lang = doc.lang;
  const fonts = opts.fontsDir ?? defaultFontsDir();
  const pdf: Pdf = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN + 10, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: { Title: meta.title, Author: meta.author, Creator: 'court-kiosk' },
    lang,
  });
  registerFonts(pdf, fonts);

  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const left = pdf.page.margins.left;
  const width = pdf.page.width - left - pdf.page.margins.right;
  const bottom = (): number => pdf.page.height - pdf.page.margins.bottom;
  const ensure = (h: number): void => {
    if (pdf.y + h > bottom()) pdf.addPage();
  };

  // Title block.
  pdf.font('bold').fontSize(16).fillColor(NAVY).text(doc.title, left, pdf.y, { width });
  pdf.font('body').fontSize(10).fillColor(GREY).text(doc.subtitle, { width });
  pdf.moveDown(0.5);
  facts(pdf, doc.header, left, width, 0.3, ensure);
  pdf.moveDown(0.3);
  pdf.moveTo(left, pdf.y).lineTo(left + width, pdf.y).lineWidth(1.5).strokeColor(NAVY).stroke();
  pdf.moveDown(0.5);

  for (const s of doc.sections) {
    heading(pdf, s.title, left, width, ensure);
    if (s.kind === 'facts') facts(pdf, s.rows, left, width, 0.38, ensure);
    else table(pdf, s, left, width, ensure);
  }

  pdf.addPage();
  heading(pdf, doc.appendix.title, left, width, ensure);
  pdf.font('body').fontSize(9).fillColor('#333333').text(doc.appendix.intro, left, pdf.y, { width });
  pdf.moveDown(0.6);
  for (const [label, text] of doc.appendix.blocks) {
    pdf.font('bold').fontSize(9);
    ensure(pdf.heightOfString(label, { width }) + 30);
    pdf.fillColor(NAVY).text(label, left, pdf.y, { width });
    pdf.moveDown(0.2);
    pdf.font('mono').fontSize(7.5);
    const h = pdf.heightOfString(text, { width: width - 12 }) + 10;
    ensure(h);
    const y = pdf.y;
    pdf.rect(left, y, width, h).fillAndStroke('#f6f7f9', '#e1e5ea');
    pdf.fillColor('#1a1a1a').text(text, left + 6, y + 5, { width: width - 12 });
    pdf.y = y + h;
    pdf.moveDown(0.6);
  }

  // Footer on every page: case, session and page number, so a loose page can be put back.
  const range = pdf.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    const y = pdf.page.height - MARGIN + 4;
    const page = translateReport(lang, 'report.page', { n: i + 1, m: range.count });
    const who = meta.footer;
    // Writing below the bottom margin would make pdfkit add a page; lift the margin while drawing.
    const saved = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0;
    pdf.font('body').fontSize(7.5).fillColor(GREY);
    pdf.text(who, left, y, { width: width * 0.7, lineBreak: false });
    pdf.text(page, left + width * 0.7, y, { width: width * 0.3, align: 'right', lineBreak: false });
    pdf.page.margins.bottom = saved;
  }
  pdf.end();
  return done;
}

function heading(pdf: Pdf, title: string, left: number, width: number, ensure: (h: number) => void): void {
  pdf.moveDown(0.6);
  ensure(60); // never strand a heading at the foot of a page
  pdf.font('bold').fontSize(11.5).fillColor(NAVY).text(title, left, pdf.y, { width });
  pdf.moveTo(left, pdf.y + 1).lineTo(left + width, pdf.y + 1).lineWidth(0.7).strokeColor(RULE).stroke();
  pdf.y += 5;
}

function facts(pdf: Pdf, rows: ReadonlyArray<readonly [string, string]>, left: number, width: number, split: number, ensure: (h: number) => void): void {
  const kw = width * split;
  const vw = width - kw - 8;
  for (const [k, v] of rows) {
    pdf.fontSize(9.5);
    const h = Math.max(pdf.font('body').heightOfString(k, { width: kw }), pdf.font('body').heightOfString(v, { width: vw })) + 4;
    ensure(h);
    const y = pdf.y;
    pdf.font('body').fillColor(GREY).text(k, left, y, { width: kw });
    pdf.font('body').fillColor('#1a1a1a').text(v, left + kw + 8, y, { width: vw });
    pdf.y = y + h;
  }
}

/**
 * Column widths: each column at least as wide as its longest unbreakable
 * piece (an identifier, a date; a hash is set in groups), the rest shared by
 * the relative widths; so pdfkit never splits an identifier mid-word.
 */
function columnWidths(pdf: Pdf, s: Extract<DocSection, { kind: 'table' }>, width: number, pad: number, cellFont: (i: number, header: boolean) => void): number[] {
  const total = s.widths.reduce((a, b) => a + b, 0);
  const share = s.widths.map((w) => (w / total) * width);
  const nowrap = new Set(s.nowrap ?? []);
  const longest = s.widths.map((_, i) => {
    let max = 0;
    for (const [row, header] of [[s.columns, true], ...s.rows.map((r) => [r, false] as const)] as const) {
      cellFont(i, header);
      const cell = row[i] ?? '';
      // A time or a duration is one piece, broken nowhere; other cells may break after a space, comma, slash or dash.
      for (const piece of header || !nowrap.has(i) ? cell.split(/(?<=[\s,/–-])/u) : [cell]) if (piece.length <= 24) max = Math.max(max, pdf.widthOfString(piece.trim()));
    }
    return max + 2 * pad + 1;
  });
  const need = longest.reduce((a, b) => a + b, 0);
  if (need >= width) return share;
  const spare = width - need;
  return longest.map((m, i) => m + (spare * (s.widths[i] ?? 0)) / total);
}

function table(pdf: Pdf, s: Extract<DocSection, { kind: 'table' }>, left: number, width: number, ensure: (h: number) => void): void {
  const mono = new Set(s.mono ?? []);
  const pad = 3;
  const cellFont = (i: number, header: boolean): void => {
    if (header) pdf.font('bold').fontSize(7.5);
    else if (mono.has(i)) pdf.font('mono').fontSize(7.5);
    else pdf.font('body').fontSize(8.5);
  };
  const cols = columnWidths(pdf, s, width, pad, cellFont);
  const rowHeight = (cells: readonly string[], header: boolean): number =>
    Math.max(
      ...cells.map((c, i) => {
        cellFont(i, header);
        return pdf.heightOfString(c, { width: (cols[i] ?? 0) - 2 * pad });
      }),
    ) +
    2 * pad;
  const draw = (cells: readonly string[], header: boolean): void => {
    const h = rowHeight(cells, header);
    const y = pdf.y;
    if (header) pdf.rect(left, y, width, h).fill(HEAD_BG);
    let x = left;
    cells.forEach((c, i) => {
      cellFont(i, header);
      pdf.fillColor('#1a1a1a').text(c, x + pad, y + pad, { width: (cols[i] ?? 0) - 2 * pad });
      x += cols[i] ?? 0;
    });
    pdf.moveTo(left, y + h).lineTo(left + width, y + h).lineWidth(header ? 0.8 : 0.4).strokeColor(header ? '#9aa8b8' : '#e1e5ea').stroke();
    pdf.y = y + h;
  };
  ensure(rowHeight(s.columns, true) + (s.rows[0] ? rowHeight(s.rows[0], false) : 0));
  draw(s.columns, true);
  for (const r of s.rows) {
    const h = rowHeight(r, false);
    if (pdf.y + h > pdf.page.height - pdf.page.margins.bottom) {
      pdf.addPage();
      draw(s.columns, true); // repeat the header on the new page
    }
    draw(r, false);
  }
}
