// `kioskctl verify`: every stored object re-read, authenticated and its
// whole-file SHA-256 re-checked against the hash recorded at import; every
// catalog row's keyed hash re-checked (Q-3); every recording part's probe,
// playback index and PL-4.2/PL-4.3 flags derived again from the stored object
// and compared with the catalog. A purged case is reported as purged, not as
// damaged (PL-7).
import { verifyRowMacs } from '../catalog';
import { MEDIA_FLAGS, recordingMediaFlags, storedMedia } from '../ingest/stored-media';
import type { Kiosk } from '../kiosk';
import { checkCopies, replicaReader, type RepairRequest } from '../replica';
import type { ContentStore } from '../store';
import { isProblem, type MediaInfo } from '../media';
import { canonicalJson } from '../../shared/canonical-json';

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
  /** Copies found missing or damaged whose other copy verifies (PL-5.1): the owner restores them. */
  readonly repairs: Array<RepairRequest & { readonly recording: string; readonly index: number }>;
  /** The replica, when kiosk-config names one: checked (null problem), or why it could not be read. */
  readonly replica: { readonly path: string; readonly checked: boolean; readonly problem: string | null } | null;
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
      `SELECT r.id, r.identifier, r.version, r.purged_at, r.extra_json, r.flags_json, c.signature FROM recordings r JOIN cases c ON c.id = r.case_id
        WHERE (@sig IS NULL OR c.signature = @sig) ORDER BY c.signature, r.identifier, r.version`,
    )
    .all({ sig: opts.caseSignature ?? null }) as Array<{ id: number; identifier: string | null; version: number; purged_at: string | null; extra_json: string; flags_json: string; signature: string }>;
  const objectsOf = kiosk.db.prepare(
    `SELECT p.recording_id, p.name, p.object_id, p.sha256, p.size, o.wrapped_key FROM parts p LEFT JOIN objects o ON o.id = p.object_id WHERE p.recording_id = @id
     UNION ALL SELECT a.recording_id, a.name, a.object_id, a.sha256, a.size, o.wrapped_key FROM attachments a LEFT JOIN objects o ON o.id = a.object_id WHERE a.recording_id = @id
     UNION ALL SELECT a.recording_id, a.signature_name, a.signature_object_id, a.signature_sha256, a.signature_size, o.wrapped_key FROM attachments a
       LEFT JOIN objects o ON o.id = a.signature_object_id WHERE a.recording_id = @id AND a.signature_object_id IS NOT NULL`,
  );
  const replica = replicaReader(kiosk);
  const repairs: VerifyReport['repairs'] = [];
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
    // Where each object is read from for the media check: the primary, or the replica's copy when only that one verifies.
    const readFrom = new Map<string, ContentStore>();
    for (const o of objectsOf.all({ id: r.id }) as ObjRow[]) {
      if (!o.object_id || !o.wrapped_key) {
        problem = `${o.name}: its encrypted object or key is missing`;
        break;
      }
      const v = await checkCopies(kiosk, replica.store, { objectId: o.object_id, wrappedKey: o.wrapped_key, size: o.size, sha256: o.sha256 });
      if (!v.ok) {
        problem = `${o.name}: ${v.problem}`;
        break;
      }
      readFrom.set(o.object_id, v.readFrom);
      if (v.repair) repairs.push({ ...v.repair, recording: `${label} v${r.version}`, index: out.length });
    }
    if (problem) kiosk.integrityEvent(`recording ${label} v${r.version}`, r.id, 'object', problem);
    else {
      problem = await mediaDiffers(kiosk, r.id, r.flags_json, (id) => readFrom.get(id) ?? kiosk.store);
      if (problem) kiosk.integrityEvent(`recording ${label} v${r.version}`, r.id, 'media-index', problem);
    }
    out.push(problem ? { ...base, ok: false, status: 'damaged', problem: `${label} v${r.version}: ${problem}` } : { ...base, ok: true, status: 'verified' });
  }
  const catalogProblems = macProblems.map((p) => `${p.identifier ?? `#${p.recordingId}`} v${p.version}: ${p.problem}`);
  return {
    ok: out.every((r) => r.ok) && catalogProblems.length === 0,
    recordings: out,
    catalog: { ok: catalogProblems.length === 0, problems: catalogProblems },
    repairs,
    replica: kiosk.replica ? { path: kiosk.replica.root, checked: replica.store !== null, problem: replica.problem } : null,
  };
}

/**
 * What the catalog says about a recording's media against what its stored
 * objects give now: a stored index or flags that describe other bytes (an
 * import that probed one file and stored another) are named here, even when
 * the row's keyed hash holds. Reads only the moov region of each part.
 * `duration-mismatch` is left out: it also depends on the declared duration,
 * which a clerk may supply later (`kioskctl complete`), and the media's own
 * duration is already compared as part of the probe.
 */
async function mediaDiffers(kiosk: Kiosk, recordingId: number, flagsJson: string, storeOf: (objectId: string) => ContentStore): Promise<string | undefined> {
  const parts = kiosk.db
    .prepare(`SELECT p.name, p.object_id, p.size, p.media_json, o.wrapped_key FROM parts p JOIN objects o ON o.id = p.object_id WHERE p.recording_id = ? ORDER BY p.seq`)
    .all(recordingId) as Array<{ name: string; object_id: string; size: number; media_json: string | null; wrapped_key: Buffer }>;
  const infos: MediaInfo[] = [];
  for (const p of parts) {
    const derived = await storedMedia(storeOf(p.object_id), { objectId: p.object_id, wrappedKey: p.wrapped_key, size: p.size }, p.name);
    if (isProblem(derived)) return `${p.name}: the stored recording is no longer a playable MP4 (${derived.rule})`;
    const recorded: unknown = p.media_json === null ? null : JSON.parse(p.media_json);
    if (canonicalJson(recorded) !== canonicalJson({ info: derived.info, hls: derived.hls }))
      return `${p.name}: the catalog's probe or playback index differs from the one derived from the stored bytes (rule verify.media-index)`;
    infos.push(derived.info);
  }
  const only = (fs: readonly string[]) => fs.filter((f) => MEDIA_FLAGS.has(f) && f !== 'duration-mismatch').sort().join(',');
  const want = only(recordingMediaFlags(infos, null));
  const have = only(JSON.parse(flagsJson) as string[]);
  if (want !== have) return `conformance flags [${have}] in the catalog, [${want}] derived from the stored bytes (rule verify.media-flags)`;
  return undefined;
}
