// `exportCase`: the one sanctioned way a recording leaves the kiosk (PL-9,
// PL-5.2, PL-2.2). Plaintext comes only from the store's authenticated reads,
// is hashed as it is written and compared with the SHA-256 recorded at import.
// The package (crp/1, exactly what the kiosk imports) is built in a staging
// folder on the target, INCOMPLETE-EXPORT-<name>, and becomes a package in
// this order, each step durable before the next:
//   1. payload and tag manifest written and fsynced;
//   2. the receipt's JSON, HTML and PDF fsynced as *.part in the data directory;
//   3. the `export` entry appended to the viewing log (committed);
//   4. the signature written and fsynced;
//   5. the folder renamed to <name>, the target fsynced;
//   6. the receipt files renamed to their names.
// So a folder that passes as a finished package is signed and logged: before
// step 5 its name alone makes `check` and `import` refuse it
// (export.incomplete). A kill at any moment leaves the finished package or at
// most the staging folder, which the next export to the target removes, and
// receipts that the owner promotes (logged) or removes (not logged) when it
// next opens the data directory (recoverReceipts).
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { BagWriter } from '../carrier/bagit/writer';
import { IntegrityError, KioskError } from '../errors';
import { crashPoint } from '../faults/crash-point';
import type { Kiosk } from '../kiosk';
import { OwnedSlot } from '../pipeline';
import { problem } from '../../shared/problem';
import type { Language } from '../../shared/i18n/languages';
import { BAG_INFO, SIGNATURE_FILE, SIGNED_FILE, keyFingerprint } from './package-signature';
import { planPackage, type PlannedFile } from './recordings-doc';
import { EXPORT_PURPOSES, selectForExport, type ExportPurpose } from './selection';
import { checkTarget, fsyncDir, packageNameFor } from './target';
import { addLogProof, discardReceipt, prepareReceipt, promoteReceipt, type ExportReceipt, type ReceiptFiles } from './receipt';

export interface ExportOptions {
  readonly caseSignature: string;
  readonly identifier?: string;
  readonly version?: number;
  /** Default true: version n brings the versions it supersedes (PL-3.7). */
  readonly withChain?: boolean;
  /** A carrier's mount point or any directory; the package is written below it. */
  readonly to: string;
  readonly purpose: ExportPurpose;
  readonly recipient: string;
  readonly operator: string;
  /** People who approved the export on the administrator screen (two-person rule). */
  readonly approvedBy?: readonly string[];
  /** PL-10: the sheet of the paper file whose envelope holds this carrier. */
  readonly envelopeSheet?: string | number;
  /** Language of the receipt; default the kiosk's default language. */
  readonly lang?: Language;
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
}

export interface ExportProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** The bag-relative file being written, or null between files. */
  readonly file: string | null;
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly rateBytesPerSec: number;
  /** Seconds left at the current rate; null until there is a rate. */
  readonly etaSec: number | null;
}

export interface ExportedRecording {
  readonly identifier: string | null;
  readonly version: number;
  /** SHA-256 of each part, in order (for a one-part recording, the recording's hash). */
  readonly sha256: string;
  readonly parts: ReadonlyArray<{ path: string; sha256: string; size: number }>;
}

export interface ExportResult {
  /** The finished package folder. */
  readonly package: string;
  readonly recordings: readonly ExportedRecording[];
  /** Payload bytes written. */
  readonly bytes: number;
  /** The detached signature file (tag file of the bag). */
  readonly signature: string;
  /** SHA-256 of tagmanifest-sha256.txt: the package's identity. */
  readonly packageSha256: string;
  readonly receipt: ReceiptFiles;
}

function usage(message: string, rule: string, field: string): never {
  throw new KioskError('usage', message, [problem('export', rule, message, field)]);
}

export async function exportCase(kiosk: Kiosk, opts: ExportOptions, onProgress?: (p: ExportProgress) => void): Promise<ExportResult> {
  if (!EXPORT_PURPOSES.includes(opts.purpose)) usage(`purpose must be one of ${EXPORT_PURPOSES.join(', ')}`, 'export.usage.purpose', 'purpose');
  const recipient = opts.recipient.trim();
  const operator = opts.operator.trim();
  if (!recipient) usage('the recipient is required (who receives the copy)', 'export.usage.recipient', 'recipient');
  if (!operator) usage('the operator is required (who makes the copy)', 'export.usage.operator', 'operator');
  if (opts.version !== undefined && (!Number.isSafeInteger(opts.version) || opts.version < 0)) usage('version must be a natural number', 'export.usage.version', 'version');
  const envelopeSheet = opts.envelopeSheet === undefined ? undefined : String(opts.envelopeSheet).trim();
  if (envelopeSheet !== undefined && !/^[\p{L}\p{N}./ -]{1,40}$/u.test(envelopeSheet)) usage('envelope sheet must be a sheet number', 'export.usage.envelope-sheet', 'envelopeSheet');
  const now = opts.now ?? (() => new Date());

  const sel = selectForExport(kiosk, {
    caseSignature: opts.caseSignature, purpose: opts.purpose,
    ...(opts.identifier !== undefined ? { identifier: opts.identifier } : {}),
    ...(opts.version !== undefined ? { version: opts.version } : {}),
    ...(opts.withChain !== undefined ? { withChain: opts.withChain } : {}),
  });
  const plan = planPackage(sel, envelopeSheet !== undefined ? { envelopeSheet } : {});
  for (const f of plan.files) {
    if (f.source.object_id === null || f.source.wrapped_key === null) {
      const message = `${f.recordingLabel}: ${f.source.name} has no stored key (shredded); nothing was written`;
      throw new KioskError('refused', message, [problem(f.source.name, 'export.recording.purged', message, f.recordingLabel)]);
    }
  }
  const bytesTotal = plan.files.reduce((n, f) => n + f.source.size, 0);
  const startedAt = now();
  const name = packageNameFor(sel.case.signature, startedAt);
  // A required replica (PL-5.1) must take the export's log entry: if it cannot be written now, nothing is.
  kiosk.replica?.requireReachable('an export');
  const target = await checkTarget(opts.to, name, kiosk.layout.root, bytesTotal, plan.files.length);

  const signer = kiosk.signer();
  const fingerprint = keyFingerprint(signer.publicKeyPem);
  let bytesDone = 0;
  let filesDone = 0;
  const t0 = Date.now();
  let lastEmit = 0;
  const report = (file: string | null, force = false) => {
    if (!onProgress) return;
    const t = Date.now();
    if (!force && t - lastEmit < 100) return;
    lastEmit = t;
    const rate = t > t0 ? (bytesDone * 1000) / (t - t0) : 0;
    onProgress({ bytesDone, bytesTotal, file, filesDone, filesTotal: plan.files.length, rateBytesPerSec: rate, etaSec: rate > 0 ? (bytesTotal - bytesDone) / rate : null });
  };
  const written = new Map<string, { sha256: string; size: number }>();
  let receiptFiles: ReceiptFiles | null = null;
  let logged = false;
  let packageSha256Logged = '';
  let renamed = false;
  try {
    const w = await BagWriter.create(target.stagingDir);
    report(null, true);
    for (const f of plan.files) {
      if (opts.signal?.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : new Error('export aborted');
      written.set(f.path, await copyVerified(kiosk, w, f, (n) => {
        bytesDone += n;
        report(f.path);
      }));
      filesDone++;
      report(null, filesDone === plan.files.length);
    }
    await w.addTagFile('recordings.json', `${JSON.stringify(plan.doc, null, 2)}\n`);
    const exportedAt = now().toISOString();
    const bagInfo: Array<[string, string]> = [
      ['BagIt-Profile-Identifier', 'crp/1'],
      ['Source-Organization', kiosk.config.organisation.name],
      ['Bagging-Date', exportedAt.slice(0, 10)],
      ['External-Description', `court-kiosk export of case ${sel.case.signature} (${opts.purpose})`],
      [BAG_INFO.device, kiosk.config.device.id],
      [BAG_INFO.deviceName, kiosk.config.device.name],
      [BAG_INFO.fingerprint, fingerprint],
      [BAG_INFO.purpose, opts.purpose],
      [BAG_INFO.recipient, recipient],
      [BAG_INFO.operator, operator],
      ...(opts.approvedBy?.length ? [[BAG_INFO.approvedBy, opts.approvedBy.join(', ')] as [string, string]] : []),
      [BAG_INFO.date, exportedAt],
      ...(envelopeSheet !== undefined ? [[BAG_INFO.envelopeSheet, envelopeSheet] as [string, string]] : []),
    ];
    await w.finish(bagInfo);
    crashPoint('export.after-payload');
    const tagManifest = await fsp.readFile(path.join(target.stagingDir, SIGNED_FILE));
    const packageSha256 = crypto.createHash('sha256').update(tagManifest).digest('hex');

    const recordings: ExportedRecording[] = sel.recordings.map(({ row }) => {
      const parts = plan.files
        .filter((f) => f.recordingId === row.id && f.role === 'part')
        .map((f) => ({ path: f.path, sha256: written.get(f.path)!.sha256, size: written.get(f.path)!.size }));
      return { identifier: row.identifier, version: row.version, sha256: parts.map((p) => p.sha256).join(','), parts };
    });
    const receipt: ExportReceipt = {
      type: 'court-kiosk/export-receipt/v1',
      device: { id: kiosk.config.device.id, name: kiosk.config.device.name, keyFingerprint: fingerprint },
      organisation: kiosk.config.organisation.name,
      case: sel.case.signature,
      purpose: opts.purpose,
      recipient,
      operator,
      approvedBy: [...(opts.approvedBy ?? [])],
      envelopeSheet: envelopeSheet ?? null,
      target: target.root,
      package: path.basename(target.finalDir),
      packageSha256,
      bytes: bytesDone,
      at: exportedAt,
      recordings: recordings.map((r) => ({ identifier: r.identifier, version: r.version, sha256: r.parts.map((p) => p.sha256) })),
      files: plan.files.map((f) => ({ path: f.path, sha256: written.get(f.path)!.sha256, size: written.get(f.path)!.size })),
    };
    receiptFiles = await prepareReceipt(kiosk, receipt, opts.lang ?? kiosk.config.languages.default);
    crashPoint('export.after-receipt-parts');
    // Logged before the package can validate: unsigned and under the staging
    // name until this entry is committed, so every package that passes as
    // finished is in the log (DC-6, PL-9).
    const entry = kiosk.log.append('export', {
      case: sel.case.signature, purpose: opts.purpose, recipient, operator, approvedBy: receipt.approvedBy,
      envelopeSheet: receipt.envelopeSheet, target: target.root, package: receipt.package, packageSha256, bytes: bytesDone,
      recordings: receipt.recordings,
    });
    logged = true;
    packageSha256Logged = packageSha256;
    // The entry on the replica too before the package can count as finished (PL-5.1).
    kiosk.replica?.requireCatalog(kiosk.db, "the export's log entry");
    crashPoint('export.after-log');
    // The entry signed a checkpoint (app/shared/log-origin.ts): the receipt carries both and the proof between them.
    await addLogProof(kiosk, receiptFiles, { ...receipt, log: kiosk.log.proveEntry(entry.seq) });
    crashPoint('export.after-receipt-proof');
    const sigFh = await fsp.open(path.join(target.stagingDir, SIGNATURE_FILE), 'wx', 0o644);
    try {
      await sigFh.writeFile(signer.sign(tagManifest));
      await sigFh.sync();
    } finally {
      await sigFh.close();
    }
    await fsyncDir(target.stagingDir);
    crashPoint('export.after-signature');
    await fsp.rename(target.stagingDir, target.finalDir);
    renamed = true;
    await fsyncDir(target.root);
    crashPoint('export.after-rename');
    await promoteReceipt(receiptFiles);
    return {
      package: target.finalDir,
      recordings,
      bytes: bytesDone,
      signature: path.join(target.finalDir, SIGNATURE_FILE),
      packageSha256,
      receipt: receiptFiles,
    };
  } catch (e) {
    if (!renamed) {
      await fsp.rm(target.stagingDir, { recursive: true, force: true }).catch(() => undefined);
      await fsyncDir(target.root).catch(() => undefined);
    }
    // The receipt follows the log: a logged export keeps it, however it ended.
    if (receiptFiles) await (logged ? promoteReceipt(receiptFiles) : discardReceipt(receiptFiles)).catch(() => undefined);
    // Logged but never finished (the carrier was pulled while it was signed,
    // say): the log says so, so its `export` entry is not read as a copy that
    // left the building. A kill here leaves no such entry; the target then
    // holds only a refused INCOMPLETE-EXPORT- folder, which says the same.
    if (logged && !renamed) {
      try {
        kiosk.log.append('export.abandoned', { package: path.basename(target.finalDir), packageSha256: packageSha256Logged, reason: e instanceof Error ? e.message : String(e) });
      } catch {
        // The log cannot take it either: the original error is what the operator must see.
      }
    }
    throw e;
  }
}

/** One file out of the store: authenticated chunks only, hashed as written, compared with the import's SHA-256. */
async function copyVerified(kiosk: Kiosk, w: BagWriter, f: PlannedFile, onBytes: (n: number) => void): Promise<{ sha256: string; size: number }> {
  const src = f.source;
  const subject = `recording ${f.recordingLabel.replace(/ version (\d+)$/, ' v$1')}`;
  const fail = (reason: string): never => {
    const message = `${f.recordingLabel} failed verification (${src.name}: ${reason}); export stopped, nothing was written`;
    kiosk.integrityEvent(subject, f.recordingId, 'export', `${src.name}: ${reason}`);
    throw new KioskError('integrity', message, [problem(src.name, 'export.integrity', message, f.recordingLabel)]);
  };
  const reader = kiosk.store.reader(src.object_id!, src.wrapped_key!, src.size);
  // Slots opened on the cipher worker, taken on by the bag writer without a copy.
  async function* counted(): AsyncIterable<Uint8Array | OwnedSlot> {
    for await (const b of reader.readSlots()) {
      onBytes(b instanceof OwnedSlot ? b.bytes.length : b.length);
      yield b;
    }
  }
  let out: { sha256: string; size: number };
  try {
    out = await w.addPayloadFile(f.path, counted());
  } catch (e) {
    if (e instanceof IntegrityError) return fail(e.message);
    throw e;
  }
  if (out.size !== src.size) return fail(`read ${out.size} bytes, the import stored ${src.size}`);
  if (out.sha256 !== src.sha256.toLowerCase()) return fail(`SHA-256 ${out.sha256} differs from ${src.sha256} recorded at import`);
  return out;
}
