// The media a running review session may play, as the renderer sees it.
// Everything lives under one capability URL prefix, `/media/<capability>/`,
// handed to the renderer in the session view while (and only while) the
// session it belongs to is viewing; it names no file and dies with the session.
//
//   GET /media/<cap>/manifest.json                       -> MediaManifest
//   GET /media/<cap>/<rec>/playlist.m3u8                 one timeline, EXT-X-DISCONTINUITY between parts (UA-2)
//   GET /media/<cap>/<rec>/parts/<n>/init.mp4            fMP4 init segment of part n
//   GET /media/<cap>/<rec>/parts/<n>/<i>.m4s             media segment i of part n (authenticated reads only)
//   GET /media/<cap>/<rec>/captions/<k>.vtt              a WebVTT attachment
//
// `<rec>` is `<identifier>~v<version>` percent-encoded as one path segment.

export const MEDIA_ROOT = '/media/';

export function recordingSegment(identifier: string, version: number): string {
  return encodeURIComponent(`${identifier}~v${version}`);
}

/** The inverse of recordingSegment: null for anything that is not exactly that shape. */
export function parseRecordingSegment(segment: string): { identifier: string; version: number } | null {
  let s: string;
  try {
    s = decodeURIComponent(segment);
  } catch {
    return null;
  }
  const m = /^(.+)~v(0|[1-9][0-9]{0,5})$/.exec(s);
  if (!m || m[1]!.includes('/') || m[1]!.includes('\\')) return null;
  return { identifier: m[1]!, version: Number(m[2]) };
}

export interface MediaPartSpan {
  /** Where the part starts on the recording's one timeline, seconds. */
  readonly startSec: number;
  readonly durationSec: number;
}

export interface MediaAnnotation {
  /** Seconds from the start of the timeline. */
  readonly atSec: number;
  readonly text: string;
}

export interface MediaCaptions {
  /** URL under the capability prefix. */
  readonly url: string;
  readonly label: string;
  /** BCP 47 when known. */
  readonly lang: string | null;
}

export interface MediaRecording {
  readonly identifier: string;
  readonly version: number;
  /** URL of the HLS playlist under the capability prefix. */
  readonly playlist: string;
  /**
   * False when the recording's coding cannot be packaged for the browser (not
   * H.264): the playlist then answers 404 and the screen should say so.
   */
  readonly playable?: boolean;
  /** PL-3 metadata as stored, for the metadata panel. */
  readonly title: string | null;
  /** PL-3.4 as stored; the UI formats it in the regulation's form. */
  readonly date: string | null;
  /** PL-3.5 as declared, seconds. */
  readonly declaredDurationSec: number | null;
  readonly case: { readonly signature: string; readonly caseNumber: string | null; readonly court: string | null };
  readonly creator: { readonly name: string | null; readonly court: string | null };
  readonly grouping: string | null;
  readonly supersedes: { readonly identifier: string; readonly version: number } | null;
  readonly flags: readonly string[];
  readonly envelopeSheet: string | null;
  /** The media's own timeline: total length and where each part starts. */
  readonly timeline: { readonly durationSec: number; readonly parts: readonly MediaPartSpan[] };
  readonly annotations: readonly MediaAnnotation[];
  readonly captions: readonly MediaCaptions[];
  /** Attachments by title only: the kiosk shows that they exist, never offers them. */
  readonly attachments: readonly { readonly kind: string; readonly title: string | null }[];
  /** What was checked before playback: the first part's SHA-256 recorded at import, and when the check ran. */
  readonly verified: { readonly sha256: string; readonly checkedAt: string };
}

export interface MediaManifest {
  readonly recordings: readonly MediaRecording[];
}
