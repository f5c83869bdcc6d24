// `kioskctl verify`: every stored object re-read, authenticated and its
// whole-file SHA-256 re-checked against the hash recorded at import; every
// catalog row's keyed hash re-checked (Q-3). A purged case is reported as
// purged, not as damaged (PL-7).
import { verifyRowMacs } from '../catalog';
import type { Kiosk } from '../kiosk';

export interface RecordingVerdictOut {
  readonly identifier: string | null;
  readonly version: number;
  readonly case: string;
  readonly ok: boolean;
  readonly status: 'verified' | 'purged' | 'damaged';
  readonly problem?: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly recordings: RecordingVerdictOut[];
  readonly catalog: { ok: boolean; problems: string[] };
}

interface ObjRow {
  recording_id: number;
  name: string;
  object_id: string | null;
  sha256: string;
  size: number;
  wrapped_key: Buffer | null;
}

export async function verifyStore(kiosk: Kiosk, opts: { caseSignature?: string } = {}): Promise<VerifyReport> {
  const recs = kiosk.db
    .prepare(
      `SELECT r.id, r.identifier, r.version, r.purged_at, r.extra_json, c.signature FROM recordings r JOIN cases c ON c.id = r.case_id
        WHERE (@sig IS NULL OR c.signature = @sig) ORDER BY c.signature, r.identifier, r.version`,
    )
    .all({ sig: opts.caseSignature ?? null }) as Array<{ id: number; identifier: string | null; version: number; purged_at: string | null; extra_json: string; signature: string }>;
  const objectsOf = kiosk.db.prepare(
    `SELECT p.recording_id, p.name, p.object_id, p.sha256, p.size, o.wrapped_key FROM parts p LEFT JOIN objects o ON o.id = p.object_id WHERE p.recording_id = @id
     UNION ALL SELECT a.recording_id, a.name, a.object_id, a.sha256, a.size, o.wrapped_key FROM attachments a LEFT JOIN objects o ON o.id = a.object_id WHERE a.recording_id = @id
     UNION ALL SELECT a.recording_id, a.signature_name, a.signature_object_id, a.signature_sha256, a.signature_size, o.wrapped_key FROM attachments a
       LEFT JOIN objects o ON o.id = a.signature_object_id WHERE a.recording_id = @id AND a.signature_object_id IS NOT NULL`,
  );
  const macProblems = verifyRowMacs(kiosk.db, kiosk.rowMac);
  const badRows = new Map(macProblems.map((p) => [p.recordingId, p.problem]));
  const out: RecordingVerdictOut[] = [];
  for (const r of recs) {
    const label = r.identifier ?? (JSON.parse(r.extra_json) as { provisionalId?: string }).provisionalId ?? `#${r.id}`;
    const base = { identifier: r.identifier, version: r.version, case: r.signature };
    if (badRows.has(r.id)) {
      out.push({ ...base, ok: false, status: 'damaged', problem: `${label} v${r.version}: ${badRows.get(r.id)}` });
      kiosk.integrityEvent(`recording ${label} v${r.version}`, r.id, 'catalog-row-mac', 'verify');
      continue;
    }
    if (r.purged_at) {
      out.push({ ...base, ok: true, status: 'purged' });
      continue;
    }
    let problem: string | undefined;
    for (const o of objectsOf.all({ id: r.id }) as ObjRow[]) {
      if (!o.object_id || !o.wrapped_key) {
        problem = `${o.name}: its encrypted object or key is missing`;
        break;
      }
      const v = await kiosk.store.verifyObject(o.object_id, o.wrapped_key, o.size, o.sha256);
      if (!v.ok) {
        problem = `${o.name}: ${v.problem}`;
        break;
      }
    }
    if (problem) kiosk.integrityEvent(`recording ${label} v${r.version}`, r.id, 'object', problem);
    out.push(problem ? { ...base, ok: false, status: 'damaged', problem: `${label} v${r.version}: ${problem}` } : { ...base, ok: true, status: 'verified' });
  }
  const catalogProblems = macProblems.map((p) => `${p.identifier ?? `#${p.recordingId}`} v${p.version}: ${p.problem}`);
  return {
    ok: out.every((r) => r.ok) && catalogProblems.length === 0,
    recordings: out,
    catalog: { ok: catalogProblems.length === 0, problems: catalogProblems },
  };
}
