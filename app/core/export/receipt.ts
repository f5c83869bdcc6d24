// The export receipt for the case file (DC-6, PL-9): signed JSON plus its HTML
// and PDF renderings in the operator's language, drawn in the same layout as
// the viewing report. Kept in the data directory's exports/ folder, which an
// export target may never be inside, so the receipt stays with the court.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from '../../shared/canonical-json';
import type { Language } from '../../shared/i18n/languages';
import { translateExport, type ExportMessageKey } from '../../shared/i18n/export-messages';
import { formatPlDate } from '../../shared/pl3-format';
import type { Kiosk } from '../kiosk';
import { renderDocumentHtml, renderDocumentPdf, shipVerifierPage, type ReportDocument } from '../reports';
import type { LogEntry } from '../viewing-log';
import type { ExportPurpose } from './selection';

export interface ExportReceipt {
  readonly type: 'court-kiosk/export-receipt/v1';
  readonly device: { id: string; name: string; keyFingerprint: string };
  readonly organisation: string;
  readonly case: string;
  readonly purpose: ExportPurpose;
  readonly recipient: string;
  readonly operator: string;
  readonly approvedBy: string[];
  readonly envelopeSheet: string | null;
  readonly target: string;
  readonly package: string;
  readonly packageSha256: string;
  readonly bytes: number;
  readonly at: string;
  readonly recordings: Array<{ identifier: string | null; version: number; sha256: string[] }>;
  readonly files: Array<{ path: string; sha256: string; size: number }>;
  /**
   * The export's own viewing-log entry, a checkpoint of the log signed after
   * it, and the entry's inclusion proof in that checkpoint's tree: the receipt
   * proves, offline, that the export is in the log (verify-report, the page).
   */
  readonly log?: { readonly entry: LogEntry; readonly checkpoint: string; readonly inclusionProof: readonly string[] };
}

export interface SignedReceipt {
  readonly receipt: ExportReceipt;
  /** Ed25519 over the canonical JSON of `receipt`, base64. */
  readonly signature: string;
  readonly publicKeyPem: string;
}

export interface ReceiptFiles {
  readonly json: string;
  readonly html: string;
  readonly pdf: string;
  readonly language: Language;
}

export function signReceipt(kiosk: Kiosk, receipt: ExportReceipt): SignedReceipt {
  const signer = kiosk.signer();
  return { receipt, signature: signer.sign(Buffer.from(canonicalJson(receipt))).toString('base64'), publicKeyPem: signer.publicKeyPem };
}

export function receiptDocument(signed: SignedReceipt, lang: Language): ReportDocument {
  const r = signed.receipt;
  const t = (key: ExportMessageKey): string => translateExport(lang, key);
  const none = t('receipt.none');
  const at = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/u.exec(r.at)?.[1];
  return {
    lang,
    title: t('receipt.title'),
    subtitle: t('receipt.subtitle'),
    header: [
      [t('receipt.organisation'), r.organisation],
      [t('receipt.device'), `${r.device.name} (${r.device.id})`],
      [t('receipt.keyFingerprint'), r.device.keyFingerprint],
    ],
    sections: [
      {
        kind: 'facts',
        title: t('section.export'),
        rows: [
          [t('export.case'), r.case],
          [t('export.purpose'), `${t(`purpose.${r.purpose}`)} (${r.purpose})`],
          [t('export.recipient'), r.recipient],
          [t('export.operator'), r.operator],
          [t('export.approvedBy'), r.approvedBy.length ? r.approvedBy.join(', ') : none],
          [t('export.envelopeSheet'), r.envelopeSheet ?? none],
          [t('export.at'), at ? formatPlDate(`${at}Z`) : r.at],
          [t('export.target'), r.target],
          [t('export.package'), r.package],
          [t('export.packageSha256'), r.packageSha256],
          [t('export.bytes'), String(r.bytes)],
        ],
      },
      {
        kind: 'table',
        title: t('section.recordings'),
        columns: [t('rec.identifier'), t('rec.version'), t('rec.sha256')],
        widths: [3, 1, 6],
        rows: r.recordings.map((x) => [x.identifier ?? t('rec.incomplete'), String(x.version), x.sha256.join('\n')]),
        mono: [0, 2],
      },
      {
        kind: 'table',
        title: t('section.files'),
        columns: [t('file.path'), t('file.size'), t('file.sha256')],
        widths: [4, 1.4, 6],
        rows: r.files.map((f) => [f.path, String(f.size), f.sha256]),
        mono: [0, 1, 2],
      },
    ],
    appendix: {
      title: t('section.appendix'),
      intro: t('appendix.intro'),
      blocks: [
        [t('appendix.signature'), signed.signature],
        [t('appendix.publicKey'), signed.publicKeyPem.trim()],
        ...(r.log ? [[t('appendix.checkpoint'), r.log.checkpoint.trimEnd()] as [string, string]] : []),
      ],
    },
  };
}

async function writeAtomic(file: string, data: string | Buffer): Promise<void> {
  const tmp = `${file}.part`;
  const fh = await fsp.open(tmp, 'w', 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fsp.rename(tmp, file);
}

export async function writeReceipt(kiosk: Kiosk, receipt: ExportReceipt, lang: Language): Promise<ReceiptFiles> {
  const signed = signReceipt(kiosk, receipt);
  const dir = path.join(kiosk.layout.exports, 'receipts');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const base = path.join(dir, receipt.package);
  const doc = receiptDocument(signed, lang);
  const files: ReceiptFiles = { json: `${base}.receipt.json`, html: `${base}.receipt.html`, pdf: `${base}.receipt.pdf`, language: lang };
  await writeAtomic(files.json, `${JSON.stringify(signed, null, 2)}\n`);
  await writeAtomic(files.html, renderDocumentHtml(doc, `${doc.title} — ${receipt.case}`));
  await writeAtomic(files.pdf, await renderDocumentPdf(doc, { title: `${doc.title} — ${receipt.case}`, author: receipt.organisation, footer: `${receipt.case} · ${receipt.package}` }));
  // The page that checks the receipt offline lies beside it.
  shipVerifierPage(dir);
  return files;
}
