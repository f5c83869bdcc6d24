// Stand-in exporter until the export core (branch `export`, exportCase) is
// wired in: writes the case's signed viewing reports (PL-9: the supervisory
// body's copy of the log) into a fresh folder on the target, hashes what was
// written and logs the receipt. Same CaseExporter shape, so swapping it for
// exportCase is one line in createAdminService.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ExportReceiptFile } from '../../shared/admin-contract';
import { problem } from '../../shared/problem';
import { KioskError } from '../errors';
import type { Kiosk } from '../kiosk';
import { exportViewingReports } from '../reports';
import type { CaseExporter } from './export-jobs';

export function viewingReportsExporter(kiosk: Kiosk, now: () => Date = () => new Date()): CaseExporter {
  return async (req, onProgress) => {
    const stat = fs.statSync(req.target, { throwIfNoEntry: false });
    if (!stat?.isDirectory())
      throw new KioskError('invalid-input', `${req.target} is not a directory`, [problem(req.target, 'export.target.missing', 'not an existing directory', 'target')]);
    const exportId = randomUUID();
    const outDir = path.join(req.target, `court-kiosk-export-${exportId}`);
    onProgress({ bytesDone: 0, bytesTotal: null });
    const r = await exportViewingReports(kiosk, { caseSignature: req.caseSignature, outDir });
    const written = r.reports.flatMap((x) => [x.json, x.html, x.pdf]);
    const sizes = written.map((f) => fs.statSync(f).size);
    const total = sizes.reduce((a, b) => a + b, 0);
    const files: ExportReceiptFile[] = [];
    let done = 0;
    for (const [i, f] of written.entries()) {
      const bytes = sizes[i] ?? 0;
      files.push({ path: path.relative(req.target, f), bytes, sha256: createHash('sha256').update(fs.readFileSync(f)).digest('hex') });
      done += bytes;
      onProgress({ bytesDone: done, bytesTotal: total });
    }
    const approvedBy = req.approvers.map((a) => ({ id: a.id, name: a.name, role: a.role }));
    const finishedAt = now().toISOString();
    const { seq } = kiosk.log.append('export.receipt', {
      exportId,
      case: req.caseSignature,
      target: req.target,
      approvedBy,
      files: files.map((f) => ({ path: f.path, bytes: f.bytes, sha256: f.sha256 })),
      totalBytes: total,
    });
    return { exportId, caseSignature: req.caseSignature, target: req.target, finishedAt, approvedBy, files, totalBytes: total, logSeq: seq };
  };
}
