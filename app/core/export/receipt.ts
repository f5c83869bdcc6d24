// The export receipt for the case file (DC-6, PL-9): signed JSON plus its HTML
// and PDF renderings in the operator's language, drawn in the same layout as
// the viewing report. Kept in the data directory's exports/ folder, which an
// export target may never be inside, so the receipt stays with the court.
//
// A receipt never goes missing for an export the viewing log holds: all three
// files are rendered and fsynced as `*.part` before the export's log entry is
// appended (prepareReceipt), and renamed to their names only after it
// (promoteReceipt). When the owner opens the data directory, recoverReceipts
// finishes what a kill left: the .part files of a logged export are promoted,
// those of an export the log does not hold are removed, and a missing HTML or
// PDF is drawn again from its JSON.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from '../../shared/canonical-json';
import { isLanguage, type Language } from '../../shared/i18n/languages';
import { translateExport, type ExportMessageKey } from '../../shared/i18n/export-messages';
import { formatPlDate } from '../../shared/pl3-format';
import { crashPoint } from '../faults/crash-point';
import type { Kiosk } from '../kiosk';
import { renderDocumentHtml, renderDocumentPdf, shipVerifierPage, type ReportDocument } from '../reports';
import type { LogEntry } from '../viewing-log';
import type { ExportPurpose } from './selection';
import { fsyncDir } from './target';

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

/** The JSON file: the signed receipt, and outside the signature the language its HTML and PDF are drawn in. */
export interface ReceiptFile extends SignedReceipt {
  readonly language: Language;
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

const KINDS = ['json', 'html', 'pdf'] as const;
const RECEIPT_NAME = /^(.+)\.receipt\.(?:json|html|pdf)(\.part|\.redraw)?$/u;
const part = (file: string): string => `${file}.part`;
/** A redrawing's scratch: not a `.part`, which recovery trusts once the log holds the export. */
const redraw = (file: string): string => `${file}.redraw`;

function receiptsDir(kiosk: Kiosk): string {
  return path.join(kiosk.layout.exports, 'receipts');
}

function filesAt(base: string, language: Language): ReceiptFiles {
  return { json: `${base}.receipt.json`, html: `${base}.receipt.html`, pdf: `${base}.receipt.pdf`, language };
}

async function writeSynced(file: string, data: string | Buffer): Promise<void> {
  const fh = await fsp.open(file, 'w', 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function renderings(file: ReceiptFile): Promise<{ html: string; pdf: Buffer }> {
  const r = file.receipt;
  const doc = receiptDocument(file, file.language);
  const title = `${doc.title} — ${r.case}`;
  return { html: renderDocumentHtml(doc, title), pdf: await renderDocumentPdf(doc, { title, author: r.organisation, footer: `${r.case} · ${r.package}` }) };
}

/** Two exports of one case within a second share a package name (on two targets); their receipts must not. */
function freeBase(dir: string, packageName: string): string {
  const taken = (base: string) => KINDS.some((k) => fs.existsSync(path.join(dir, `${base}.receipt.${k}`)) || fs.existsSync(part(path.join(dir, `${base}.receipt.${k}`))));
  let base = packageName;
  for (let n = 2; taken(base); n++) base = `${packageName}-${n}`;
  return path.join(dir, base);
}

/**
 * Before the export's log entry: the receipt signed and all three files
 * rendered and fsynced as `*.part`, none yet under its name. Returns the names
 * promoteReceipt gives them.
 */
export async function prepareReceipt(kiosk: Kiosk, receipt: ExportReceipt, language: Language): Promise<ReceiptFiles> {
  const dir = receiptsDir(kiosk);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = filesAt(freeBase(dir, receipt.package), language);
  await writeRenderings(kiosk, files, receipt, part);
  // The page that checks the receipt offline lies beside it.
  shipVerifierPage(dir);
  return files;
}

/** The signed JSON and its two renderings, each fsynced under `name(file)`, then the folder. */
async function writeRenderings(kiosk: Kiosk, files: ReceiptFiles, receipt: ExportReceipt, name: (file: string) => string): Promise<void> {
  const content: ReceiptFile = { ...signReceipt(kiosk, receipt), language: files.language };
  const { html, pdf } = await renderings(content);
  await writeSynced(name(files.json), `${JSON.stringify(content, null, 2)}\n`);
  await writeSynced(name(files.html), html);
  await writeSynced(name(files.pdf), pdf);
  await fsyncDir(path.dirname(files.json));
}

/**
 * Once the export's log entry is committed (it signed a checkpoint): the
 * receipt's `*.part` files are drawn again with that entry, the checkpoint and
 * the inclusion proof between them, so the receipt proves offline that the
 * export is in the log. Each file is replaced whole by a rename; a kill before
 * that leaves the receipt as prepared, signed and valid, only without the proof.
 */
export async function addLogProof(kiosk: Kiosk, files: ReceiptFiles, receipt: ExportReceipt): Promise<void> {
  await writeRenderings(kiosk, files, receipt, redraw);
  for (const k of KINDS) await fsp.rename(redraw(files[k]), part(files[k]));
  await fsyncDir(path.dirname(files.json));
}

/** After the export's log entry: each `*.part` renamed to its name (those already renamed are left), then the folder fsynced. */
export async function promoteReceipt(files: ReceiptFiles): Promise<void> {
  for (const k of KINDS) {
    try {
      await fsp.rename(part(files[k]), files[k]);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !fs.existsSync(files[k])) throw e;
    }
    if (k === 'json') crashPoint('export.after-receipt-json');
  }
  await fsyncDir(path.dirname(files.json));
}

/** The receipt of an export that was never logged: its `*.part` files go. */
export async function discardReceipt(files: ReceiptFiles): Promise<void> {
  for (const k of KINDS) await fsp.rm(part(files[k]), { force: true });
}

/** A receipt JSON file as the kiosk wrote it, or null (absent, cut short, or not a receipt). */
function readReceiptFile(file: string, fallback: Language): ReceiptFile | null {
  let doc: Partial<ReceiptFile>;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<ReceiptFile>;
  } catch {
    return null;
  }
  const r = doc.receipt;
  if (typeof doc.signature !== 'string' || typeof doc.publicKeyPem !== 'string' || typeof r !== 'object' || r === null) return null;
  if (r.type !== 'court-kiosk/export-receipt/v1' || !/^[0-9a-f]{64}$/u.test(String(r.packageSha256)) || !Array.isArray(r.recordings) || !Array.isArray(r.files)) return null;
  return { receipt: r, signature: doc.signature, publicKeyPem: doc.publicKeyPem, language: isLanguage(doc.language) ? doc.language : fallback };
}

/** Whether the viewing log holds the `export` entry of this package (a scan, for recovery only). */
function exportLogged(kiosk: Kiosk, packageSha256: string): boolean {
  const rows = kiosk.db.prepare('SELECT entry FROM viewing_log WHERE entry LIKE ?').pluck().all(`%"packageSha256":"${packageSha256}"%`) as Array<string | Buffer>;
  return rows.some((row) => {
    const e = JSON.parse(row.toString()) as { type?: unknown; data?: { packageSha256?: unknown } };
    return e.type === 'export' && e.data?.packageSha256 === packageSha256;
  });
}

export interface ReceiptRecovery {
  /** Receipts (by base name) whose export the log holds: their `*.part` files renamed. */
  readonly promoted: string[];
  /** Receipts of exports the log does not hold: their `*.part` files removed. */
  readonly discarded: string[];
  /** Receipts whose HTML or PDF was missing and was drawn again from the JSON. */
  readonly redrawn: string[];
}

/**
 * Run by the owner of the data directory when it opens it (the only writer,
 * so no export is under way): finishes every receipt a kill left half-done.
 */
export async function recoverReceipts(kiosk: Kiosk): Promise<ReceiptRecovery> {
  const out: ReceiptRecovery = { promoted: [], discarded: [], redrawn: [] };
  const dir = receiptsDir(kiosk);
  if (!fs.existsSync(dir)) return out;
  const fallback = kiosk.config.languages.default;
  const bases = new Map<string, { pending: boolean }>();
  for (const name of await fsp.readdir(dir)) {
    const m = RECEIPT_NAME.exec(name);
    if (!m) continue;
    if (m[2] === '.redraw') await fsp.rm(path.join(dir, name), { force: true });
    const seen = bases.get(m[1]!) ?? { pending: false };
    bases.set(m[1]!, { pending: seen.pending || m[2] === '.part' });
  }
  for (const [base, { pending }] of bases) {
    const files = filesAt(path.join(dir, base), fallback);
    if (pending) {
      // The JSON was fsynced before the log entry was appended: if the entry exists, so do all three .part files, whole.
      const json = readReceiptFile(files.json, fallback) ?? readReceiptFile(part(files.json), fallback);
      if (json && exportLogged(kiosk, json.receipt.packageSha256)) {
        await promoteReceipt(files);
        out.promoted.push(base);
      } else {
        await discardReceipt(files);
        out.discarded.push(base);
      }
    }
    if (fs.existsSync(files.html) && fs.existsSync(files.pdf)) continue;
    const json = readReceiptFile(files.json, fallback);
    if (!json) continue;
    const drawn = await renderings(json);
    for (const k of ['html', 'pdf'] as const) {
      if (fs.existsSync(files[k])) continue;
      await writeSynced(redraw(files[k]), drawn[k]);
      await fsp.rename(redraw(files[k]), files[k]);
    }
    out.redrawn.push(base);
  }
  if (out.discarded.length || out.redrawn.length) await fsyncDir(dir);
  return out;
}
