// GET/HEAD /media/…: the only way media reaches the player, in both shells.
// The path grammar is checked first (media-path.ts), then the capability from
// its request header (MEDIA_CAPABILITY_HEADER, never the URL) against the
// running session's grant, then the recording against the grant's list. Bodies are built in memory from authenticated reads
// (segments packaged from the stored MP4 with the index kept at import), and
// a failed read ends the session for integrity instead of sending a byte.
import type { Kiosk } from '../kiosk';
import { IntegrityError, KioskError } from '../errors';
import { initSegment, mediaSegment } from '../media/hls';
import { readExact } from '../media/read';
import type { SessionService } from '../session/service';
import { grantCovers, type MediaGrant } from '../session/media-grant';
import { MEDIA_CAPABILITY_HEADER, MEDIA_ROOT, recordingSegment, type MediaManifest, type MediaRecording } from '../../shared/media-contract';
import type { RecordingRef } from '../../shared/session-contract';
import { parseCapability, parseMediaPath, type MediaTarget } from './media-path';
import { captionsLanguage, isCaptions, isDocument, type MediaLibrary, type LibraryRecording } from './media-library';
import { rangeResponse } from './range';
import { problemResponse, securityHeaders } from './security-headers';
import type { ProblemTypeName } from '../../shared/problem-types';

const TYPES = {
  manifest: 'application/json; charset=utf-8',
  playlist: 'application/vnd.apple.mpegurl',
  init: 'video/mp4',
  segment: 'video/iso.segment',
  captions: 'text/vtt; charset=utf-8',
  document: 'application/pdf',
} as const satisfies Record<MediaTarget['kind'], string>;

export interface MediaRouteDeps {
  readonly kiosk: Kiosk;
  readonly session: SessionService | undefined;
  readonly library: MediaLibrary;
}

/** A refusal: a problem document of the kiosk's own type, never a stack; media responses always advertise ranges. */
function refuse(name: ProblemTypeName, detail: string, headers: Record<string, string> = {}): Response {
  return problemResponse(name, detail, {}, { ...headers, 'accept-ranges': 'bytes' });
}

export async function mediaRoute(req: Request, deps: MediaRouteDeps): Promise<Response> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return refuse('method-not-allowed', 'media is read with GET or HEAD', { allow: 'GET, HEAD' });
  }
  // The raw path: URL parsing has already resolved dot segments, so what is
  // left of an escape attempt is caught by the grammar below.
  const parsed = parseMediaPath(new URL(req.url).pathname);
  if (!parsed.ok) return refuse(parsed.status === 400 ? 'path-not-allowed' : 'no-such-media', parsed.reason);
  const header = req.headers.get(MEDIA_CAPABILITY_HEADER);
  if (header === null) return refuse('media-capability-missing', `media is served only with the session's capability in the ${MEDIA_CAPABILITY_HEADER} header`);
  const capability = parseCapability(header);
  const grant = capability === null ? null : (deps.session?.mediaGrant(capability) ?? null);
  if (!grant || capability === null) return refuse('capability-not-valid', 'unknown, expired or revoked media capability');
  const target = parsed.target;

  let body: Uint8Array;
  /** For a media segment, the stretch of the recording's timeline it covers (for the served-ranges tally). */
  let span: readonly [number, number] | null = null;
  try {
    if (target.kind === 'manifest') {
      const m = manifest(grant, deps.library);
      if ('failed' in m) return integrityFailure(deps, m.failed, m.error);
      body = Buffer.from(JSON.stringify(m));
    } else {
      if (!grantCovers(grant, target.recording)) {
        return refuse('recording-not-in-session', `recording ${target.recording.identifier} v${target.recording.version} was not chosen and verified for this session`);
      }
      const rec = deps.library.get(target.recording);
      if (!rec) return refuse('no-such-media', 'the recording is no longer in the catalog');
      const built = await buildBody(rec, target);
      if (built === null) return refuse('no-such-media', `recording ${rec.identifier} v${rec.version} has no such ${target.kind}`);
      body = built;
      if (target.kind === 'segment') span = segmentSpan(rec, target.part, target.index);
    }
  } catch (e) {
    if (e instanceof IntegrityError && target.kind !== 'manifest') return integrityFailure(deps, target.recording, e);
    if (e instanceof KioskError && e.code === 'not-found') return refuse('no-such-media', e.message);
    deps.kiosk.log.append('media.error', { problem: e instanceof Error ? e.message : String(e) });
    return refuse('media-not-prepared', 'the media could not be read from the store; the event is in the viewing log');
  }
  // The session may have ended while the body was being read: a capability revoked meanwhile gets nothing.
  if (deps.session?.mediaGrant(capability) !== grant) return refuse('capability-not-valid', 'the session ended');
  const headers = securityHeaders({ 'content-type': TYPES[target.kind], 'cache-control': 'no-store' });
  const res = rangeResponse(body, req.headers.get('range'), headers);
  if (req.method === 'HEAD') return new Response(null, { status: res.status, headers: res.headers });
  // Every media byte that leaves is counted for the session (DC-6): the viewing log keeps it beside what was played.
  const bytes = Number(res.headers.get('content-length') ?? 0);
  if (target.kind === 'document') {
    // A document is logged each time it leaves, by name and hash, before it
    // leaves: the log says which protocol the viewer read (DC-6), and a
    // reading it could not record is refused.
    const a = deps.library.get(target.recording)?.attachments.find((x) => x.seq === target.document);
    const logged = a !== undefined && deps.session?.documentServed(capability, { recording: target.recording, name: a.name, title: a.title, sha256: a.sha256, bytes }) === true;
    if (!logged) return refuse('capability-not-valid', 'the session ended, or the viewing log could not record the document');
  } else if (target.kind !== 'manifest' && bytes > 0) {
    deps.session?.mediaServed(capability, { recording: target.recording, kind: target.kind, bytes, span });
  }
  return res;
}

/**
 * Where media segment `index` of part `part` lies on the recording's one
 * timeline: the part's start plus the EXTINF durations before it, as hls.js
 * lays the playlist out (so it compares with the played ranges).
 */
function segmentSpan(rec: LibraryRecording, part: number, index: number): readonly [number, number] | null {
  const n = rec.parts.findIndex((x) => x.seq === part);
  const partStart = rec.playlist?.parts[n]?.startSec;
  const segments = rec.parts[n]?.index?.segments;
  if (partStart === undefined || !segments || index >= segments.length) return null;
  let at = partStart;
  for (let i = 0; i < index; i++) at += segments[i]!.durationSec;
  return [at, at + segments[index]!.durationSec];
}

async function buildBody(rec: LibraryRecording, target: Exclude<MediaTarget, { kind: 'manifest' }>): Promise<Uint8Array | null> {
  switch (target.kind) {
    case 'playlist':
      return rec.playlist ? Buffer.from(rec.playlist.m3u8) : null;
    case 'init': {
      const part = rec.parts.find((p) => p.seq === target.part);
      return part?.index ? initSegment(part.index) : null;
    }
    case 'segment': {
      const n = rec.parts.findIndex((p) => p.seq === target.part);
      const part = rec.parts[n];
      const start = rec.playlist?.parts[n]?.startSec;
      if (!part?.index || start === undefined || target.index >= part.index.segments.length) return null;
      return mediaSegment(part.index, target.index, part.read, `recording ${rec.identifier} v${rec.version}: ${part.name}`, start);
    }
    case 'captions': {
      const a = rec.attachments.find((x) => x.seq === target.caption);
      if (!a || !isCaptions(a)) return null;
      return readExact(a.read, 0, a.size, `recording ${rec.identifier} v${rec.version}: ${a.name}`);
    }
    case 'document': {
      const a = rec.attachments.find((x) => x.seq === target.document);
      if (!a || !isDocument(a)) return null;
      return readExact(a.read, 0, a.size, `recording ${rec.identifier} v${rec.version}: ${a.name}`);
    }
  }
}

/**
 * Q-3 during playback: the failed read is recorded, the session is told (it
 * ends with reason `integrity`, which revokes the capability), and the player
 * gets a refusal with no media bytes.
 */
function integrityFailure(deps: MediaRouteDeps, ref: RecordingRef, e: IntegrityError): Response {
  const id = (deps.kiosk.db.prepare('SELECT id FROM recordings WHERE identifier = ? AND version = ?').get(ref.identifier, ref.version) as { id: number } | undefined)?.id ?? null;
  deps.kiosk.integrityEvent(`recording ${ref.identifier} v${ref.version}`, id, e.message, 'during-playback');
  deps.session?.notify({ type: 'integrity.failed', identifier: ref.identifier, version: ref.version, problem: e.message });
  return refuse(
    'integrity-check-failed',
    `recording ${ref.identifier} v${ref.version} failed its integrity check during playback and will not be played`,
  );
}

/** The session's manifest, or the first recording whose catalog row failed its check. */
function manifest(grant: MediaGrant, library: MediaLibrary): MediaManifest | { failed: RecordingRef; error: IntegrityError } {
  const base = MEDIA_ROOT;
  const recordings: MediaRecording[] = [];
  for (const g of grant.recordings) {
    let rec: LibraryRecording | null;
    try {
      rec = library.get(g);
    } catch (e) {
      if (e instanceof IntegrityError) return { failed: { identifier: g.identifier, version: g.version }, error: e };
      throw e;
    }
    if (!rec) continue;
    const prefix = `${base}${recordingSegment(rec.identifier, rec.version)}/`;
    recordings.push({
      identifier: rec.identifier,
      version: rec.version,
      playlist: `${prefix}playlist.m3u8`,
      playable: rec.playlist !== null,
      title: rec.title,
      date: rec.date,
      declaredDurationSec: rec.declaredDurationSec,
      case: rec.case,
      creator: rec.creator,
      grouping: rec.grouping,
      supersedes: rec.supersedes,
      flags: rec.flags,
      envelopeSheet: rec.envelopeSheet,
      timeline: rec.playlist
        ? { durationSec: rec.playlist.durationSec, parts: rec.playlist.parts.map((p) => ({ startSec: p.startSec, durationSec: p.durationSec })) }
        : { durationSec: 0, parts: [] },
      annotations: rec.annotations,
      captions: rec.attachments.filter(isCaptions).map((a) => ({
        url: `${prefix}captions/${a.seq}.vtt`,
        label: a.title ?? a.name.split('/').pop() ?? a.name,
        lang: captionsLanguage(a.name),
      })),
      attachments: rec.attachments.map((a) => ({
        kind: a.kind,
        title: a.title,
        document: isDocument(a) ? `${prefix}documents/${a.seq}.pdf` : null,
        signed: a.signed,
        signature: a.signature,
      })),
      verified: { sha256: g.sha256, checkedAt: grant.checkedAt },
    });
  }
  return { recordings };
}
