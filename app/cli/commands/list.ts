// `kioskctl list [--case SIG] [--json]`
import { listRecordings } from '../../core/catalog';
import { formatPlDate, formatPlDuration } from '../../shared/pl3-format';
import type { Kiosk } from '../../core/kiosk';
import { EXIT_OK } from '../exit-codes';
import type { Out } from '../output';

export function list(kiosk: Kiosk, opts: { case?: string }, out: Out): number {
  const recs = listRecordings(kiosk.db, opts.case ? { caseSignature: opts.case } : {});
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
