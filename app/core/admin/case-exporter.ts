// Binds the export core (exportCase) to the administrator screen's jobs: the
// two approvers go into the package and the receipt, progress is passed on,
// and the signed receipt exportCase keeps in the data directory is read back
// for the screen.
import fs from 'node:fs';
import type { AdminExportPurpose, ExportReceiptView } from '../../shared/admin-contract';
import { exportCase, type ExportPurpose, type SignedReceipt } from '../export';
import type { Kiosk } from '../kiosk';
import type { CaseExporter } from './export-jobs';

// The screen's purposes are the export core's, checked at compile time both ways.
const samePurposes: [AdminExportPurpose, ExportPurpose] extends [ExportPurpose, AdminExportPurpose] ? true : never = true;
void samePurposes;

/** The log entry exportCase appended for this package (searched from the end; a few entries at most). */
function exportLogSeq(kiosk: Kiosk, packageSha256: string): number | null {
  const size = kiosk.log.size;
  if (size === 0) return null;
  const hit = kiosk.log
    .entries(Math.max(0, size - 50), size)
    .reverse()
    .find((e) => e.type === 'export' && e.data.packageSha256 === packageSha256);
  return hit ? hit.seq : null;
}

export function caseExporter(kiosk: Kiosk): CaseExporter {
  return async (req, onProgress) => {
    const [admin, second] = req.approvers;
    const r = await exportCase(
      kiosk,
      {
        caseSignature: req.caseSignature,
        to: req.target,
        purpose: req.purpose,
        recipient: req.recipient,
        operator: req.operator,
        approvedBy: [`${admin.name} (${admin.id})`, `${second.name} (${second.id})`],
        ...(req.lang ? { lang: req.lang } : {}),
      },
      (p) => onProgress({ bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, rateBytesPerSec: p.rateBytesPerSec, etaSec: p.etaSec }),
    );
    const signed = JSON.parse(fs.readFileSync(r.receipt.json, 'utf8')) as SignedReceipt;
    const rc = signed.receipt;
    const view: ExportReceiptView = {
      exportId: rc.package,
      packageSha256: rc.packageSha256,
      caseSignature: rc.case,
      purpose: rc.purpose,
      recipient: rc.recipient,
      target: rc.target,
      finishedAt: rc.at,
      approvedBy: [admin, second].map((a) => ({ id: a.id, name: a.name, role: a.role })),
      files: rc.files.map((f) => ({ path: `${rc.package}/${f.path}`, bytes: f.size, sha256: f.sha256 })),
      totalBytes: rc.bytes,
      logSeq: exportLogSeq(kiosk, rc.packageSha256),
      receiptFiles: { json: r.receipt.json, html: r.receipt.html, pdf: r.receipt.pdf },
    };
    return view;
  };
}
