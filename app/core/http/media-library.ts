// What the media route needs of a recording, read from the catalog once and
// kept (a few recordings, least recently used out): metadata, annotations,
// attachments, and each part's media index (built at import) parsed into the
// object the packager decodes once. Media bytes are never kept: every read
// goes through the store's authenticated reader, chunk by chunk.
import type { Kiosk } from '../kiosk';
import { IntegrityError } from '../errors';
import { recordingMacInput } from '../catalog';
import { playlist, type MediaIndex, type Playlist } from '../media/hls';
import type { ReadFn } from '../media/read';
import type { RecordingRef } from '../../shared/session-contract';
import type { SignatureVerdict } from '../../shared/media-contract';
import { recordingColumns, type RecordingRow } from '../catalog/rows';

export interface LibraryPart {
  readonly seq: number;
  readonly name: string;
  readonly size: number;
  /** Null when the coding cannot be packaged for the browser (not H.264). */
  readonly index: MediaIndex | null;
  readonly read: ReadFn;
}

export interface LibraryAttachment {
  readonly seq: number;
  readonly kind: string;
  readonly title: string | null;
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
  readonly signed: boolean;
  readonly signature: SignatureVerdict | null;
  readonly read: ReadFn;
}

export interface LibraryRecording {
  readonly id: number;
  readonly identifier: string;
  readonly version: number;
  readonly title: string | null;
  readonly date: string | null;
  readonly declaredDurationSec: number | null;
  readonly case: { readonly signature: string; readonly caseNumber: string | null; readonly court: string | null };
  readonly creator: { readonly name: string | null; readonly court: string | null };
  readonly grouping: string | null;
  readonly supersedes: RecordingRef | null;
  readonly flags: readonly string[];
  readonly envelopeSheet: string | null;
  readonly parts: readonly LibraryPart[];
  readonly attachments: readonly LibraryAttachment[];
  readonly annotations: readonly { readonly atSec: number; readonly text: string }[];
  /** The one playlist over all parts, or null when a part cannot be packaged. */
  readonly playlist: Playlist | null;
}

type RecRow = RecordingRow & { identifier: string; signature: string; case_number: string | null; court: string | null };

/** The segment URIs in a playlist are relative to the playlist: `parts/<n>/…`. */
export const partPrefix = (seq: number): string => `parts/${seq}/`;

const CACHE_SIZE = 8;

export class MediaLibrary {
  readonly #kiosk: Kiosk;
  readonly #cache = new Map<string, LibraryRecording>();

  constructor(kiosk: Kiosk) {
    this.#kiosk = kiosk;
  }

  /**
   * A complete, unpurged recording, or null when the catalog has none by that
   * reference. Throws IntegrityError when its catalog row (which holds the
   * media index) no longer matches its keyed hash.
   */
  get(ref: RecordingRef): LibraryRecording | null {
    const key = `${ref.identifier}\u0000${ref.version}`;
    const hit = this.#cache.get(key);
    if (hit) {
      this.#cache.delete(key);
      this.#cache.set(key, hit);
      return hit;
    }
    const loaded = this.#load(ref);
    if (!loaded) return null;
    this.#cache.set(key, loaded);
    while (this.#cache.size > CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value as string);
    return loaded;
  }

  #reader(objectId: string | null, wrappedKey: Buffer | null, size: number, what: string): ReadFn {
    return async (offset, length) => {
      // A shredded or missing key means the bytes cannot be authenticated: the same as tampering, for the player.
      if (!objectId || !wrappedKey) throw new IntegrityError(`${what}: key missing`, what);
      return this.#kiosk.store.reader(objectId, wrappedKey, size).readRange(offset, offset + length);
    };
  }

  #load(ref: RecordingRef): LibraryRecording | null {
    const db = this.#kiosk.db;
    const r = db
      .prepare(
        `SELECT ${recordingColumns('r')}, c.signature, c.case_number, c.court
           FROM recordings r JOIN cases c ON c.id = r.case_id
          WHERE r.identifier = ? AND r.version = ? AND r.status = 'complete' AND r.purged_at IS NULL`,
      )
      .get(ref.identifier, ref.version) as RecRow | undefined;
    if (!r) return null;
    const subject = `recording ${r.identifier} v${r.version}`;
    const input = recordingMacInput(db, r.id);
    if (!input || !r.row_mac || !this.#kiosk.rowMac(input).equals(r.row_mac)) {
      throw new IntegrityError(`${subject}: catalog row changed outside the kiosk`, subject);
    }
    const partRows = db
      .prepare(
        `SELECT p.seq, p.name, p.size, p.object_id, p.media_json, o.wrapped_key
           FROM parts p LEFT JOIN objects o ON o.id = p.object_id WHERE p.recording_id = ? ORDER BY p.seq`,
      )
      .all(r.id) as Array<{ seq: number; name: string; size: number; object_id: string | null; media_json: string | null; wrapped_key: Buffer | null }>;
    const parts: LibraryPart[] = partRows.map((p) => ({
      seq: p.seq,
      name: p.name,
      size: p.size,
      index: mediaIndexOf(p.media_json),
      read: this.#reader(p.object_id, p.wrapped_key, p.size, `${subject}: ${p.name}`),
    }));
    const attRows = db
      .prepare(
        `SELECT a.seq, a.kind, a.title, a.name, a.size, a.sha256, a.object_id, a.signature_name, a.signature_verdict_json, o.wrapped_key
           FROM attachments a LEFT JOIN objects o ON o.id = a.object_id WHERE a.recording_id = ? ORDER BY a.seq`,
      )
      .all(r.id) as Array<{
      seq: number;
      kind: string;
      title: string | null;
      name: string;
      size: number;
      sha256: string;
      object_id: string | null;
      signature_name: string | null;
      signature_verdict_json: string | null;
      wrapped_key: Buffer | null;
    }>;
    const attachments: LibraryAttachment[] = attRows.map((a) => ({
      seq: a.seq,
      kind: a.kind,
      title: a.title,
      name: a.name,
      size: a.size,
      sha256: a.sha256,
      signed: a.signature_name !== null,
      signature: parseVerdict(a.signature_verdict_json),
      read: this.#reader(a.object_id, a.wrapped_key, a.size, `${subject}: ${a.name}`),
    }));
    const annotations = (db.prepare('SELECT at_sec, text FROM annotations WHERE recording_id = ? ORDER BY seq').all(r.id) as Array<{ at_sec: number; text: string }>).map(
      (a) => ({ atSec: a.at_sec, text: a.text }),
    );
    const indexes = parts.map((p) => p.index);
    const packaged = parts.length > 0 && indexes.every((ix) => ix !== null);
    return {
      id: r.id,
      identifier: r.identifier,
      version: r.version,
      title: r.title,
      date: r.date,
      declaredDurationSec: r.duration_sec,
      case: { signature: r.signature, caseNumber: r.case_number, court: r.court },
      creator: { name: r.creator_name, court: r.creator_court },
      grouping: r.grouping,
      supersedes: r.supersedes_identifier !== null && r.supersedes_version !== null ? { identifier: r.supersedes_identifier, version: r.supersedes_version } : null,
      flags: parseFlags(r.flags_json),
      envelopeSheet: r.envelope_sheet,
      parts,
      attachments,
      annotations,
      playlist: packaged ? playlist(parts.map((p) => ({ index: p.index!, uriPrefix: partPrefix(p.seq) }))) : null,
    };
  }
}

function mediaIndexOf(json: string | null): MediaIndex | null {
  if (!json) return null;
  const parsed = JSON.parse(json) as { hls?: MediaIndex | null } | null;
  return parsed?.hls ?? null;
}

function parseFlags(json: string): string[] {
  const v = JSON.parse(json) as unknown;
  return Array.isArray(v) ? v.filter((f): f is string => typeof f === 'string') : [];
}

/** The verdict stored at import, read defensively (rows from before issuer and validity were kept lack them). */
function parseVerdict(json: string | null): SignatureVerdict | null {
  if (!json) return null;
  const v = JSON.parse(json) as Record<string, unknown> | null;
  if (!v || typeof v !== 'object') return null;
  const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);
  if (v.ok === true) {
    return {
      ok: true,
      signer: str(v.signer) ?? '',
      signingTime: str(v.signingTime),
      issuer: str(v.issuer),
      validFrom: str(v.validFrom),
      validTo: str(v.validTo),
      algorithm: str(v.algorithm),
    };
  }
  return { ok: false, rule: str(v.rule) ?? 'unknown', message: str(v.message) ?? '' };
}

/** Whether an attachment is a PDF the player can show page by page (the protocol). */
export function isDocument(a: LibraryAttachment): boolean {
  return /\.pdf$/i.test(a.name);
}

/** Whether an attachment is a WebVTT captions file the player can show. */
export function isCaptions(a: LibraryAttachment): boolean {
  return /\.vtt$/i.test(a.name);
}

/** `napisy.pl.vtt` → `pl`: the language tag before the extension, when the name has one. */
export function captionsLanguage(name: string): string | null {
  const m = /\.([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\.vtt$/i.exec(name);
  return m ? m[1]! : null;
}
