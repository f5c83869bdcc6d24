// The grammar of media URLs (app/shared/media-contract.ts), and nothing else:
// a path either is exactly one of the six shapes or it is refused. Checked on
// the raw (still percent-encoded) path, so an escape spelled with encodings,
// backslashes or empty segments never reaches a lookup. The capability is not
// part of the path: it comes in its own header (parseCapability).
import { MEDIA_ROOT, parseRecordingSegment } from '../../shared/media-contract';
import { parseSegmentName } from '../media/hls';
import type { RecordingRef } from '../../shared/session-contract';

export type MediaTarget =
  | { readonly kind: 'manifest' }
  | { readonly kind: 'playlist'; readonly recording: RecordingRef }
  | { readonly kind: 'init'; readonly recording: RecordingRef; readonly part: number }
  | { readonly kind: 'segment'; readonly recording: RecordingRef; readonly part: number; readonly index: number }
  | { readonly kind: 'captions'; readonly recording: RecordingRef; readonly caption: number }
  | { readonly kind: 'document'; readonly recording: RecordingRef; readonly document: number };

export type MediaPath =
  | { readonly ok: true; readonly target: MediaTarget }
  | { readonly ok: false; readonly status: 400 | 404; readonly reason: string };

/** The capability's own shape: 32 bytes base64url. Anything else is not one. */
const CAPABILITY = /^[A-Za-z0-9_-]{43}$/;

/** The capability header's value when it has a capability's shape, else null. */
export function parseCapability(header: string | null): string | null {
  return header !== null && CAPABILITY.test(header) ? header : null;
}
const SMALL_INDEX = /^(0|[1-9][0-9]{0,3})$/;
const CAPTION_NAME = /^(0|[1-9][0-9]{0,3})\.vtt$/;
const DOCUMENT_NAME = /^(0|[1-9][0-9]{0,3})\.pdf$/;

/** Segments whose decoded form would climb out of, or blur, the URL tree. */
function escapes(rawPath: string): string | null {
  if (rawPath.includes('\\') || /%5c/i.test(rawPath)) return 'backslash in path';
  if (rawPath.includes('//')) return 'empty path segment';
  if (/%2f/i.test(rawPath)) return 'encoded slash in path';
  if (/%00|\0/i.test(rawPath)) return 'NUL in path';
  for (const seg of rawPath.split('/')) {
    let d: string;
    try {
      d = decodeURIComponent(seg);
    } catch {
      return 'malformed percent-encoding';
    }
    if (d === '.' || d === '..') return 'dot segment in path';
  }
  return null;
}

export function parseMediaPath(rawPath: string): MediaPath {
  if (!rawPath.startsWith(MEDIA_ROOT)) return { ok: false, status: 404, reason: 'not a media path' };
  const escape = escapes(rawPath);
  if (escape) return { ok: false, status: 400, reason: escape };
  const rest = rawPath.slice(MEDIA_ROOT.length).split('/');
  if (rest.length === 1 && rest[0] === 'manifest.json') return { ok: true, target: { kind: 'manifest' } };
  const [recSeg, ...tail] = rest;
  const recording = recSeg === undefined ? null : parseRecordingSegment(recSeg);
  if (!recording) return { ok: false, status: 404, reason: 'no such media' };
  const [a, b, c, ...more] = tail;
  if (more.length > 0) return { ok: false, status: 404, reason: 'no such media' };
  if (a === 'playlist.m3u8' && b === undefined) return { ok: true, target: { kind: 'playlist', recording } };
  if (a === 'captions' && b !== undefined && c === undefined) {
    const m = CAPTION_NAME.exec(b);
    if (m) return { ok: true, target: { kind: 'captions', recording, caption: Number(m[1]) } };
    return { ok: false, status: 404, reason: 'bad captions name' };
  }
  if (a === 'documents' && b !== undefined && c === undefined) {
    const m = DOCUMENT_NAME.exec(b);
    if (m) return { ok: true, target: { kind: 'document', recording, document: Number(m[1]) } };
    return { ok: false, status: 404, reason: 'bad document name' };
  }
  if (a === 'parts' && b !== undefined && c !== undefined) {
    if (!SMALL_INDEX.test(b)) return { ok: false, status: 404, reason: 'bad part number' };
    const part = Number(b);
    const seg = parseSegmentName(c);
    if (seg === null) return { ok: false, status: 404, reason: 'bad segment name' };
    return { ok: true, target: seg === 'init' ? { kind: 'init', recording, part } : { kind: 'segment', recording, part, index: seg } };
  }
  return { ok: false, status: 404, reason: 'no such media' };
}
