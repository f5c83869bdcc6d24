// `kioskctl imports [--json]`: the stored import reports (every file, hash,
// verdict and flag), newest first, for the clerk and court IT.
import type { Kiosk } from '../kiosk';
import { EXIT_OK } from './exit-codes';
import type { Out } from './out';
import type { ImportRow as Row } from '../catalog';


export function imports(kiosk: Kiosk, out: Out): number {
  const rows = kiosk.db.prepare('SELECT id, source_kind, source_ref, operator, started_at, finished_at, outcome, report_json, provenance_json FROM imports ORDER BY id DESC').all() as Row[];
  const doc = {
    imports: rows.map((r) => ({
      id: r.id, source: r.source_kind, ref: r.source_ref, operator: r.operator, startedAt: r.started_at, finishedAt: r.finished_at, outcome: r.outcome,
      // Set when the package was exported by another kiosk: "exported by device X, verified" or an unknown device.
      exportedBy: (JSON.parse(r.provenance_json) as { export?: unknown }).export ?? null,
      report: JSON.parse(r.report_json) as { files?: Array<{ path: string; sha256: string; size: number; verdict: string }> },
    })),
  };
  out.result(doc, () =>
    doc.imports
      .map((i) => [`#${i.id} ${i.finishedAt ?? i.startedAt} ${i.source} ${i.ref} by ${i.operator ?? '-'}: ${i.outcome}${i.exportedBy ? ` (${(i.exportedBy as { text: string }).text})` : ''}`, ...(i.report.files ?? []).map((f) => `    ${f.verdict}  ${f.sha256}  ${f.size}  ${f.path}`)].join('\n'))
      .join('\n') || 'no imports',
  );
  return EXIT_OK;
}
