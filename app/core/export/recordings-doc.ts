// recordings.json of an exported package, rebuilt from the catalog in the
// crp/1 shape (FORMATS.md §1): every PL-3 field in the regulation's own forms,
// the version chain, parts in order (UA-2), annotations, attachments with
// their signatures, the PL-10 envelope sheet, and the unknown fields kept at
// import (case and recording level) put back where they came from.
import { formatPlDate, formatPlDuration } from '../../shared/pl3-format';
import type { Selection, StoredFileRow } from './selection';

export interface PlannedFile {
  /** Bag-relative path (`data/…`). */
  readonly path: string;
  readonly source: StoredFileRow;
  /** `recording:<id>` for integrity events. */
  readonly recordingId: number;
  readonly recordingLabel: string;
  readonly role: 'part' | 'attachment' | 'signature';
}

export interface PackagePlan {
  readonly doc: Record<string, unknown>;
  readonly files: PlannedFile[];
}

function parseObject(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Payload paths stay the names the recordings came with; recordings of one
 * case can come from several packages, so a name already taken (compared the
 * way a carrier compares names: NFC, case-folded) moves to `data/<n>/`.
 */
function pathAllocator(): (name: string) => string {
  const used = new Set<string>();
  const key = (p: string) => p.normalize('NFC').toLowerCase();
  return (name) => {
    const base = name.startsWith('data/') ? name.slice(5) : name;
    let candidate = `data/${base}`;
    for (let n = 2; used.has(key(candidate)); n++) candidate = `data/${n}/${base}`;
    used.add(key(candidate));
    return candidate;
  };
}

export function planPackage(sel: Selection, opts: { envelopeSheet?: string }): PackagePlan {
  const alloc = pathAllocator();
  const files: PlannedFile[] = [];
  const c = sel.case;
  const add = (src: StoredFileRow, recId: number, recLabel: string, role: PlannedFile['role']): string => {
    const p = alloc(src.name);
    files.push({ path: p, source: src, recordingId: recId, recordingLabel: recLabel, role });
    return p;
  };
  const recordings = sel.recordings.map(({ row: r, parts, attachments, annotations }) => {
    const lbl = `${r.identifier ?? `(incomplete recording #${r.id})`} version ${r.version}`;
    const envelope = opts.envelopeSheet ?? r.envelope_sheet;
    return {
      ...parseObject(r.extra_json),
      identifier: r.identifier,
      creator: { name: r.creator_name, court: r.creator_court },
      title: r.title,
      date: r.date === null ? null : formatPlDate(r.date),
      duration: r.duration_sec === null ? null : formatPlDuration(r.duration_sec),
      grouping: r.grouping,
      version: r.version,
      supersedes: r.supersedes_identifier !== null && r.supersedes_version !== null ? { identifier: r.supersedes_identifier, version: r.supersedes_version } : null,
      parts: parts.map((p) => ({ path: add(p, r.id, lbl, 'part') })),
      annotations: annotations.map((a) => ({ at: formatPlDuration(a.at_sec), text: a.text })),
      attachments: attachments.map((a) => {
        const p = add(a.file, r.id, lbl, 'attachment');
        // A signature travels with its document: `<document>.p7s` beside it when it was so named.
        const sig = a.signature ? add(a.signature, r.id, lbl, 'signature') : null;
        return { path: p, kind: a.kind, title: a.title, signature: sig };
      }),
      envelopeSheet: envelope === null || envelope === undefined ? null : /^\d+$/.test(envelope) && Number.isSafeInteger(Number(envelope)) ? Number(envelope) : envelope,
    };
  });
  const doc = {
    profile: 'crp/1',
    case: {
      ...parseObject(c.extra_json),
      jurisdiction: c.jurisdiction,
      signature: c.signature,
      court: c.court,
      caseNumber: c.case_number,
      proceedingsNumber: c.proceedings_number,
    },
    recordings,
  };
  return { doc, files };
}
