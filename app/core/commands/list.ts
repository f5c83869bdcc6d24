// `kioskctl list [--case SIG] [--json]`
import { listRecordings } from '../catalog';
import { formatPlDate, formatPlDuration } from '../../shared/pl3-format';
import type { Kiosk } from '../kiosk';
import { EXIT_OK } from './exit-codes';
import type { Out } from './out';

export function list(kiosk: Kiosk, opts: { case?: string }, out: Out): number {
  const recs = listRecordings(kiosk.db, opts.case ? { caseSignature: opts.case } : {});
  // Where a recording came from when another kiosk exported it (issue 9): "exported by device X, verified".
  const prov = new Map<string, string>();
  for (const row of kiosk.db
    .prepare(`SELECT c.signature, r.identifier, r.version, i.provenance_json FROM recordings r JOIN cases c ON c.id = r.case_id JOIN imports i ON i.id = r.import_id WHERE r.identifier IS NOT NULL`)
    .all() as Array<{ signature: string; identifier: string; version: number; provenance_json: string }>) {
    const e = (JSON.parse(row.provenance_json) as { export?: { text?: string } }).export;
    if (e?.text) prov.set(`${row.signature}\u0000${row.identifier}\u0000${row.version}`, e.text);
  }
  const doc = {
    recordings: recs.map((r) => ({
      identifier: r.identifier,
      version: r.version,
      case: r.case,
      title: r.title,
      date: r.date ? formatPlDate(r.date) : null,
      duration: r.durationSec !== null ? formatPlDuration(r.durationSec) : null,
      status: r.status,
      flags: r.flags,
      parts: r.parts,
      supersedes: r.supersedes,
      provenance: r.identifier === null ? null : (prov.get(`${r.case.signature}\u0000${r.identifier}\u0000${r.version}`) ?? null),
    })),
  };
  out.result(doc, () =>
    doc.recordings.length === 0
      ? 'no recordings'
      : doc.recordings
          .map((r) => `${r.case.signature}\t${r.identifier ?? '(incomplete)'}\tv${r.version}\t${r.date ?? '-'}\t${r.duration ?? '-'}\t${r.status}${r.flags.length ? `\t[${r.flags.join(', ')}]` : ''}\t${r.title ?? ''}`)
          .join('\n'),
  );
  return EXIT_OK;
}
