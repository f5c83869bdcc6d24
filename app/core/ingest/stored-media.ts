// What the catalog says about a recording's media (probe result, playback
// index, PL-4.2/PL-4.3 and duration flags) is derived from the stored object,
// through the store's authenticated reads, never from a second read of the
// carrier: a carrier file swapped between the probe and the copy would
// otherwise leave an index and flags describing bytes other than those stored
// (and hashed). Only ftyp/moov and the sample tables are read, not the media.
// `kioskctl verify` derives the same again and compares.
import type { Problem } from '../../shared/problem';
import { conformanceFlags, indexMp4, isProblem, probeMp4, type MediaIndex, type MediaInfo } from '../media';
import { DURATION_TOLERANCE_SEC } from '../media/probe';
import type { ContentStore } from '../store';

export interface StoredMedia {
  readonly info: MediaInfo;
  /** Segment index for playback through hls.js; null when the coding cannot be packaged for the browser. */
  readonly hls: MediaIndex | null;
}

export interface StoredObjectRef {
  readonly objectId: string;
  readonly wrappedKey: Buffer;
  readonly size: number;
}

/** Probe and playback index of a stored recording part; a Problem (naming `file`) when it is not a playable MP4. */
export async function storedMedia(store: ContentStore, obj: StoredObjectRef, file: string): Promise<StoredMedia | Problem> {
  const reader = store.reader(obj.objectId, obj.wrappedKey, obj.size);
  const read = (o: number, n: number): Promise<Buffer> => reader.readRange(o, o + n);
  const info = await probeMp4(read, obj.size, file);
  if (isProblem(info)) return { ...info, file };
  let hls: MediaIndex | null = null;
  if (info.video?.format === 'h264') {
    const ix = await indexMp4(read, obj.size, file);
    hls = isProblem(ix) ? null : ix;
  }
  return { info, hls };
}

/**
 * A recording's media flags from its parts' probes: PL-4.2 and PL-4.3 of any
 * part, and `duration-mismatch` when the declared duration and the parts'
 * summed duration differ by more than the tolerance (only when every part
 * could be probed). The one definition, for check, import, TIS and verify.
 */
export function recordingMediaFlags(parts: ReadonlyArray<MediaInfo | null>, declaredSec: number | null): string[] {
  const flags: string[] = [];
  let seconds = 0;
  for (const m of parts) {
    if (!m) continue;
    seconds += m.durationSec;
    for (const f of conformanceFlags(m, null)) if (!flags.includes(f)) flags.push(f);
  }
  const allProbed = parts.every((m) => m !== null);
  if (allProbed && declaredSec !== null && Math.abs(declaredSec - seconds) > DURATION_TOLERANCE_SEC) flags.push('duration-mismatch');
  return flags;
}

/** The flags `recordingMediaFlags` can give; any other flag of a recording (e.g. `original-missing`) is not the media's. */
export const MEDIA_FLAGS: ReadonlySet<string> = new Set(['PL-4.2', 'PL-4.3', 'duration-mismatch']);
