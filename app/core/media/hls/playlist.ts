// One HLS media playlist for a recording of one or more parts (UA-2: a
// videoconference's files play in order as one timeline). Each part keeps its
// own init segment (its SPS/PPS may differ), so parts are separated by
// discontinuities; its segments' decode times are moved to the part's start
// (mediaSegment's timelineStartSec), so timestamps never run backwards either.
import type { MediaIndex } from './media-index';

export const INIT_SEGMENT_NAME = 'init.mp4';

export function mediaSegmentName(i: number): string {
  return `${i}.m4s`;
}

/** The inverse of the names above: 'init', a segment number, or null for anything else. */
export function parseSegmentName(name: string): 'init' | number | null {
  if (name === INIT_SEGMENT_NAME) return 'init';
  const m = /^(0|[1-9][0-9]{0,8})\.m4s$/.exec(name);
  return m ? Number(m[1]) : null;
}

export interface PlaylistPart {
  readonly index: MediaIndex;
  /** Prepended to INIT_SEGMENT_NAME and mediaSegmentName(i), e.g. `parts/0/`. */
  readonly uriPrefix: string;
}

export interface PartSpan {
  readonly startSec: number;
  readonly durationSec: number;
}

export interface Playlist {
  /** The playlist text (application/vnd.apple.mpegurl). */
  readonly m3u8: string;
  /** Where each part starts on the combined timeline, for the UI's part markers. */
  readonly parts: readonly PartSpan[];
  readonly durationSec: number;
}

export function playlist(parts: readonly PlaylistPart[]): Playlist {
  const maxSegment = Math.max(1, ...parts.flatMap((p) => p.index.segments.map((s) => s.durationSec)));
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    // An EXTINF rounded to the nearest integer must not exceed it (RFC 8216 4.3.3.1).
    `#EXT-X-TARGETDURATION:${Math.ceil(maxSegment)}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  const spans: PartSpan[] = [];
  let at = 0;
  parts.forEach((p, n) => {
    if (n > 0) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXT-X-MAP:URI="${uri(p.uriPrefix + INIT_SEGMENT_NAME)}"`);
    let partDuration = 0;
    p.index.segments.forEach((s, i) => {
      lines.push(`#EXTINF:${s.durationSec.toFixed(6)},`, uri(p.uriPrefix + mediaSegmentName(i)));
      partDuration += s.durationSec;
    });
    spans.push({ startSec: at, durationSec: partDuration });
    at += partDuration;
  });
  lines.push('#EXT-X-ENDLIST', '');
  return { m3u8: lines.join('\n'), parts: spans, durationSec: at };
}

function uri(u: string): string {
  if (/["\r\n]/.test(u)) throw new Error('playlist: a segment URI may not contain quotes or line breaks');
  return u;
}
