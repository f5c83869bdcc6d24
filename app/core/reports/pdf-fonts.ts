// DejaVu for the PDFs (viewing reports, export receipts), parsed once per
// process. pdfkit parses a font given by path or bytes anew for every
// document: fontkit decoding DejaVu's tables took about half of each
// receipt's 80 ms, and an export draws its receipt twice (before and after
// its log entry), on the path a clerk waits for. A parsed font is only read
// by a document (its glyph subset is the document's own), so one serves all.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { create, type Font } from 'fontkit';
import type PDFDocument from 'pdfkit';

type Pdf = InstanceType<typeof PDFDocument>;

/** The names documents use, and the DejaVu face each stands for. */
const FACES = { body: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', mono: 'DejaVuSansMono.ttf' } as const;

const parsed = new Map<string, Font>();

/** The dejavu-fonts-ttf package's ttf folder. */
export function defaultFontsDir(): string {
  return path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
}

function fontAt(file: string): Font {
  let font = parsed.get(file);
  if (!font) {
    font = create(fs.readFileSync(file));
    parsed.set(file, font);
  }
  return font;
}

/** Registers body, bold and mono from `fontsDir` on `pdf`, each parsed once for the process. */
export function registerFonts(pdf: Pdf, fontsDir: string): void {
  for (const [name, file] of Object.entries(FACES)) {
    // pdfkit 0.20 takes a parsed fontkit font (PDFFontFactory.open: an object with layout()); @types/pdfkit 0.17 lists only paths and bytes.
    const register = pdf.registerFont as unknown as (this: Pdf, name: string, font: Font) => Pdf;
    register.call(pdf, name, fontAt(path.join(fontsDir, file)));
  }
}
