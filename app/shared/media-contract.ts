// The media a running review session may play, as the renderer sees it.
// Every media request carries the session's capability in one request
// header, MEDIA_CAPABILITY_HEADER, which the player's own loaders set (the
// hls.js loader, the manifest and captions fetches). The capability is handed
// to the renderer in the session view while (and only while) the session it
// belongs to may play; it names no file, dies with the session, and is never
// part of a URL (so never in history, a Referer, a log line or a <video src>).
//
//   GET /media/manifest.json                       -> MediaManifest
//   GET /media/<rec>/playlist.m3u8                 one timeline, EXT-X-DISCONTINUITY between parts (UA-2)
//   GET /media/<rec>/parts/<n>/init.mp4            fMP4 init segment of part n
//   GET /media/<rec>/parts/<n>/<i>.m4s             media segment i of part n (authenticated reads only)
//   GET /media/<rec>/captions/<k>.vtt              a WebVTT attachment
//   GET /media/<rec>/documents/<k>.pdf             a PDF attachment (the protocol, UA-3), shown page by page on canvas
//
// `<rec>` is `<identifier>~v<version>` percent-encoded as one path segment.

export const MEDIA_ROOT = '/media/';

/** The request header that carries the session's media capability (32 random bytes, base64url). */
export const MEDIA_CAPABILITY_HEADER = 'kiosk-media-capability';

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
  /** URL under /media/ (fetched with the capability header, shown through a blob: URL). */
  readonly url: string;
  readonly label: string;
  /** BCP 47 when known. */
  readonly lang: string | null;
}

/**
 * A signed document's verdict, as stored at import: the signer's certificate
 * subject, when it was signed, who issued the certificate and for how long,
 * the key's algorithm; or the rule that failed and why.
 */
export type SignatureVerdict =
  | {
      readonly ok: true;
      readonly signer: string;
      readonly signingTime: string | null;
      readonly issuer: string | null;
      readonly validFrom: string | null;
      readonly validTo: string | null;
      readonly algorithm: string | null;
    }
  | { readonly ok: false; readonly rule: string; readonly message: string };

export interface MediaAttachment {
  readonly kind: string;
  readonly title: string | null;
  /** URL under /media/ of a PDF the session may show (fetched with the capability header, drawn on canvas), else null. */
  readonly document: string | null;
  /** Whether the package carried a signature for it, and the verdict on it when it did. */
  readonly signed: boolean;
  readonly signature: SignatureVerdict | null;
}

export interface MediaRecording {
  readonly identifier: string;
  readonly version: number;
  /** URL of the HLS playlist under /media/. */
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
  /** Attachments: a PDF (the protocol) can be read within the session; nothing is ever offered for download. */
  readonly attachments: readonly MediaAttachment[];
  /** What was checked before playback: the first part's SHA-256 recorded at import, and when the check ran. */
  readonly verified: { readonly sha256: string; readonly checkedAt: string };
}

export interface MediaManifest {
  readonly recordings: readonly MediaRecording[];
}
