// The demo's Ukrainian hearing protocol: three A4 pages in Ukrainian, set in
// DejaVu and embedded (as a court's own system would), so the protocol viewer
// has real pages to turn and Cyrillic to draw. Each page says its number in
// large type, which the browser test reads back as different pictures.
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';

export interface ProtocolText {
  readonly title: string;
  readonly court: string;
  readonly caseNumber: string;
  readonly proceedings: string;
  readonly date: string;
}

const PAGES: readonly (readonly string[])[] = [
  [
    'Головуючий суддя: Демченко О. В.',
    'Секретар судового засідання: Коваль І. М.',
    'Учасники справи: позивач Петренко О. І., відповідач ТОВ «Приклад».',
    'Судове засідання проведено в режимі відеоконференції (підсистема ВКЗ).',
    'Технічна фіксація здійснювалась у трьох частинах.',
  ],
  [
    'Хід судового засідання',
    '10:02 — відкриття судового засідання, перевірка явки.',
    '10:05 — роз’яснення прав та обов’язків учасникам справи.',
    '10:12 — заслухано пояснення позивача.',
    '10:31 — перерва у зв’язку з технічними причинами (частина 2).',
    '10:40 — заслухано пояснення відповідача (частина 3).',
  ],
  [
    'Суд ухвалив: відкласти розгляд справи.',
    'Протокол складено та підписано кваліфікованим електронним підписом секретаря.',
    'Секретар судового засідання ____________ Коваль І. М.',
  ],
];

/** The protocol as PDF bytes. */
export function protocolPdf(p: ProtocolText): Promise<Buffer> {
  const fonts = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  const pdf = new PDFDocument({ size: 'A4', margin: 56, info: { Title: p.title, Author: p.court, Creator: 'court-kiosk demo' }, lang: 'uk' });
  pdf.registerFont('body', path.join(fonts, 'DejaVuSans.ttf'));
  pdf.registerFont('bold', path.join(fonts, 'DejaVuSans-Bold.ttf'));
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  PAGES.forEach((lines, i) => {
    if (i > 0) pdf.addPage();
    pdf.font('bold').fontSize(15).text(p.title, { align: 'center' });
    pdf.font('body').fontSize(11).text(`${p.court} · справа № ${p.caseNumber} · провадження № ${p.proceedings} · ${p.date}`, { align: 'center' });
    pdf.moveDown(1.5);
    for (const line of lines) pdf.font('body').fontSize(12).text(line).moveDown(0.5);
    pdf.font('bold').fontSize(48).text(`${i + 1} / ${PAGES.length}`, 56, 640, { align: 'center' });
  });
  pdf.end();
  return done;
}
