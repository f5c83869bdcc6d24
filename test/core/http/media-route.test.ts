// The media route through the one request handler both shells use, against a
// real data directory with the demo carrier imported and real review
// sessions: what a capability reaches, what it never reaches, and the bytes
// and headers of what it does.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_CAPABILITY_HEADER, recordingSegment, type MediaManifest } from '../../../app/shared/media-contract';
import { endSession, openMediaKiosk, openSession, PL_CASE, PL_REC, UA_CASE, UA_REC, type MediaKiosk } from '../../helpers/media-kiosk';

let mk: MediaKiosk;
/** The first session's (PL recording) capability; the media root and the prefix of its recording. */
let cap: string;
const base = '/media/';
const pl = `${base}${recordingSegment(PL_REC.identifier, PL_REC.version)}/`;

/** A media request as the player makes it: the capability in its header (the first session's unless given). */
function media(rawPath: string, init: RequestInit = {}, capability: string = cap): Promise<Response> {
  return mk.request(rawPath, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), [MEDIA_CAPABILITY_HEADER]: capability } });
}

beforeAll(async () => {
  mk = await openMediaKiosk();
  const view = await openSession(mk.session, PL_CASE, [PL_REC]);
  cap = view.media!.capability;
});

afterAll(() => mk?.close());

async function problemOf(r: Response): Promise<{ title: string; status: number; detail?: string }> {
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await r.json()) as { title: string; status: number; detail?: string };
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at /); // never a stack
  return body;
}

describe('media route: what a running session reaches', () => {
  it('[DC-5] the session view carries the session id and the media capability while viewing', () => {
    const v = mk.session.getSnapshot();
    expect(v.screen).toBe('viewing');
    expect(v.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(v.media?.capability).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('[DC-5] [PL-3] the manifest lists the chosen recording with its PL-3 metadata, annotations, part spans, captions and what was verified', async () => {
    const r = await media(`${base}manifest.json`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('accept-ranges')).toBe('bytes');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
    const m = (await r.json()) as MediaManifest;
    expect(m.recordings).toHaveLength(1);
    const rec = m.recordings[0]!;
    expect(rec).toMatchObject({
      identifier: PL_REC.identifier,
      version: 0,
      playlist: `${pl}playlist.m3u8`,
      playable: true,
      title: 'Opis i oszacowanie nieruchomości',
      case: { signature: PL_CASE, caseNumber: null },
      creator: { name: 'Jan Kowalski' },
      grouping: PL_CASE,
      supersedes: null,
      envelopeSheet: '12',
    });
    expect(rec.date).toMatch(/^2024-03-05T10:15:00/);
    expect(rec.declaredDurationSec).toBeGreaterThan(0);
    expect(rec.timeline.parts).toHaveLength(1);
    expect(rec.timeline.parts[0]!.startSec).toBe(0);
    expect(rec.timeline.durationSec).toBeCloseTo(40, 0);
    expect(rec.annotations.map((a) => a.text)).toEqual(['Wejście do lokalu', 'Oględziny kuchni', 'Odczytanie protokołu']);
    expect(rec.captions).toEqual([{ url: `${pl}captions/1.vtt`, label: 'Napisy (polski)', lang: 'pl' }]);
    // The PDF protocol is readable within the session (UA-3); the captions are not a document. Neither is signed in this package.
    expect(rec.attachments).toEqual([
      { kind: 'protocol', title: 'Protokół czynności', document: `${pl}documents/0.pdf`, signed: false, signature: null },
      { kind: 'subtitles', title: 'Napisy (polski)', document: null, signed: false, signature: null },
    ]);
    const sha = mk.dir.query<{ sha256: string }>(
      "SELECT p.sha256 FROM parts p JOIN recordings r ON r.id = p.recording_id WHERE r.identifier = ? AND p.seq = 0",
      PL_REC.identifier,
    )[0]!.sha256;
    expect(rec.verified.sha256).toBe(sha);
    expect(Number.isNaN(Date.parse(rec.verified.checkedAt))).toBe(false);
  });

  it('[DC-5] serves the playlist, init segment, media segments and WebVTT captions with their content types', async () => {
    const list = await media(`${pl}playlist.m3u8`);
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    const text = await list.text();
    expect(text).toMatch(/^#EXTM3U\n/);
    expect(text).toContain('#EXT-X-MAP:URI="parts/0/init.mp4"');
    expect(text).toContain('parts/0/0.m4s');
    expect(text).toContain('#EXT-X-ENDLIST');

    const init = await media(`${pl}parts/0/init.mp4`);
    expect(init.headers.get('content-type')).toBe('video/mp4');
    const initBytes = Buffer.from(await init.arrayBuffer());
    expect(initBytes.subarray(4, 8).toString('latin1')).toBe('ftyp');

    const seg = await media(`${pl}parts/0/0.m4s`);
    expect(seg.status).toBe(200);
    expect(seg.headers.get('content-type')).toBe('video/iso.segment');
    expect(seg.headers.get('cache-control')).toBe('no-store');
    const segBytes = Buffer.from(await seg.arrayBuffer());
    expect(segBytes.subarray(4, 8).toString('latin1')).toBe('moof');
    expect(Number(seg.headers.get('content-length'))).toBe(segBytes.length);

    const vtt = await media(`${pl}captions/1.vtt`);
    expect(vtt.status).toBe(200);
    expect(vtt.headers.get('content-type')).toBe('text/vtt; charset=utf-8');
    const cues = await vtt.text();
    expect(cues).toMatch(/^WEBVTT/);
    expect(cues).toContain('Przechodzimy do oględzin kuchni.');
  });

  it('[UA-3] [DC-6] serves a PDF attachment as application/pdf, the bytes stored at import, and logs it by name and hash for the session', async () => {
    const r = await media(`${pl}documents/0.pdf`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    expect(r.headers.get('cache-control')).toBe('no-store');
    const bytes = Buffer.from(await r.arrayBuffer());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const sha = mk.dir.query<{ sha256: string }>(
      "SELECT a.sha256 FROM attachments a JOIN recordings r ON r.id = a.recording_id WHERE r.identifier = ? AND a.seq = 0",
      PL_REC.identifier,
    )[0]!.sha256;
    expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(sha);
    const logged = mk.dir
      .query<{ entry: string }>('SELECT entry FROM viewing_log ORDER BY seq')
      .map((e) => JSON.parse(e.entry) as { type: string; data: Record<string, unknown> })
      .filter((e) => e.type === 'document.served');
    expect(logged.at(-1)?.data).toMatchObject({
      sessionId: mk.session.getSnapshot().sessionId,
      identifier: PL_REC.identifier,
      version: 0,
      name: 'data/protokol.pdf',
      title: 'Protokół czynności',
      sha256: sha,
      bytes: bytes.length,
    });
  });

  it('[DC-5] answers a byte range with 206 and the exact Content-Range, an open range to the end, and a suffix range', async () => {
    const whole = Buffer.from(await (await media(`${pl}parts/0/1.m4s`)).arrayBuffer());
    const size = whole.length;
    const r = await media(`${pl}parts/0/1.m4s`, { headers: { range: 'bytes=100-1099' } });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe(`bytes 100-1099/${size}`);
    expect(r.headers.get('content-length')).toBe('1000');
    expect(r.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await r.arrayBuffer()).equals(whole.subarray(100, 1100))).toBe(true);

    const open = await media(`${pl}parts/0/1.m4s`, { headers: { range: `bytes=${size - 10}-` } });
    expect(open.status).toBe(206);
    expect(open.headers.get('content-range')).toBe(`bytes ${size - 10}-${size - 1}/${size}`);
    expect(Buffer.from(await open.arrayBuffer()).equals(whole.subarray(size - 10))).toBe(true);

    const suffix = await media(`${pl}parts/0/init.mp4`, { headers: { range: 'bytes=-8' } });
    const init = Buffer.from(await (await media(`${pl}parts/0/init.mp4`)).arrayBuffer());
    expect(suffix.status).toBe(206);
    expect(Buffer.from(await suffix.arrayBuffer()).equals(init.subarray(init.length - 8))).toBe(true);
  });

  it('[DC-5] HEAD answers the headers of GET without a body', async () => {
    const get = await media(`${pl}parts/0/init.mp4`);
    const head = await media(`${pl}parts/0/init.mp4`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
    expect(head.headers.get('accept-ranges')).toBe('bytes');
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });
});

describe('media route: refusals, each case named', () => {
  it('[DC-5] refuses a media request without the capability header, though the session plays and the path is right', async () => {
    for (const p of ['/media/manifest.json', `${pl}playlist.m3u8`, `${pl}parts/0/init.mp4`, `${pl}parts/0/0.m4s`, `${pl}captions/1.vtt`, `${pl}documents/0.pdf`]) {
      const r = await mk.request(p);
      expect(r.status, p).toBe(403);
      expect(r.headers.get('accept-ranges')).toBe('bytes');
      const body = await problemOf(r);
      expect(body.title, p).toBe('media capability missing');
      expect(body.detail, p).toContain(MEDIA_CAPABILITY_HEADER);
    }
  });

  it('[DC-5] the capability in the URL (the old form) reaches nothing, even with the header', async () => {
    for (const p of [`/media/${cap}/manifest.json`, `/media/${cap}/${recordingSegment(PL_REC.identifier, 0)}/playlist.m3u8`, `/media/manifest.json?capability=${cap}`]) {
      const r = await (p.includes('?') ? mk.request(p) : media(p));
      expect([403, 404], p).toContain(r.status);
      expect(r.headers.get('content-type') ?? '', p).toMatch(/^application\/problem\+json/);
    }
  });

  it('[DC-5] refuses a made-up capability (right shape, never issued)', async () => {
    const fake = crypto.randomBytes(32).toString('base64url');
    const r = await media('/media/manifest.json', {}, fake);
    expect(r.status).toBe(403);
    expect((await problemOf(r)).title).toBe('capability not valid');
    const seg = await media(`/media/${recordingSegment(PL_REC.identifier, 0)}/parts/0/0.m4s`, {}, fake);
    expect(seg.status).toBe(403);
  });

  it('[DC-5] refuses a capability of the wrong shape', async () => {
    for (const wrong of ['abc', cap + 'x', 'A'.repeat(42) + '=', '', `${cap}, ${cap}`]) {
      const r = await media('/media/manifest.json', {}, wrong);
      expect(r.status, wrong).toBe(403);
      expect((await problemOf(r)).title).toBe('capability not valid');
    }
  });

  it('[DC-5] refuses a recording not chosen for the session, though it is in the catalog and verified fine', async () => {
    const ua = `${base}${recordingSegment(UA_REC.identifier, UA_REC.version)}/`;
    for (const p of [`${ua}playlist.m3u8`, `${ua}parts/0/init.mp4`, `${ua}parts/0/0.m4s`]) {
      const r = await media(p);
      expect(r.status, p).toBe(403);
      expect((await problemOf(r)).title).toBe('recording not in this session');
    }
    const other = await media(`${base}${recordingSegment('KM4525-20250114-02', 1)}/playlist.m3u8`);
    expect(other.status).toBe(403);
  });

  it('[DC-5] refuses path escapes in every spelling: dot segments, encoded dots and slashes, backslashes, double slashes, NUL', async () => {
    const escapes = [
      `${pl}../../../catalog.sqlite`,
      `${pl}parts/0/../../../../objects`,
      `${pl}%2e%2e/%2e%2e/manifest.json`,
      `${pl}parts/%2E%2E/0/0.m4s`,
      `${pl}parts/0/..%2f..%2f..%2fcatalog.sqlite`,
      `${pl}parts/0%2F0.m4s`,
      `${pl}parts/0%5c0.m4s`,
      `${pl}parts//0/0.m4s`,
      `${base}/manifest.json`,
      `${pl}parts/0/0.m4s%00`,
      `${base}${encodeURIComponent('../KM12324-20240305-01~v0')}/playlist.m3u8`,
      `${base}..%2F..%2Fkeys/playlist.m3u8`,
    ];
    for (const p of escapes) {
      // Dot segments are resolved by URL parsing before any handler sees them; what is
      // left either fails the media grammar or is a path outside /media/ the assets refuse.
      const r = await media(p);
      expect([400, 403, 404], p).toContain(r.status);
      expect(r.headers.get('content-type') ?? '', p).not.toMatch(/^video\/|mpegurl|vtt/);
      expect(Buffer.from(await r.arrayBuffer()).includes('SQLite format 3'), p).toBe(false);
    }
    // (A literal backslash is a slash to the URL standard, so `parts\\0\\0.m4s` names the same segment; only its encoded form survives parsing.)
    // The spellings URL parsing leaves in place are refused by the grammar itself, as escapes.
    for (const p of [`${pl}parts/0/..%2f..%2f..%2fcatalog.sqlite`, `${pl}parts/0%5c0.m4s`, `${pl}parts//0/0.m4s`, `${pl}parts/0/0.m4s%00`]) {
      const r = await media(p);
      expect(r.status, p).toBe(400);
      expect((await problemOf(r)).title).toBe('path not allowed');
    }
  });

  it('[DC-5] refuses bad segment names, part numbers and caption names', async () => {
    for (const name of ['parts/0/abc.m4s', 'parts/0/01.m4s', 'parts/0/-1.m4s', 'parts/0/1.5.m4s', 'parts/0/0.ts', 'parts/0/init.mp4.bak', 'parts/00/0.m4s', 'parts/x/0.m4s', 'parts/0/9999.m4s', 'parts/7/init.mp4', 'parts/7/0.m4s', 'captions/0.vtt', 'captions/1.srt', 'captions/9.vtt', 'playlist.m3u', 'playlist.m3u8/x', 'documents/1.pdf', 'documents/9.pdf', 'documents/00.pdf', 'documents/0.PDF', 'documents/0.pdf/x', 'documents/0']) {
      const r = await media(pl + name);
      expect(r.status, name).toBe(404);
      expect((await problemOf(r)).title, name).toBe('no such media');
    }
  });

  it('[DC-5] answers 416 with Content-Range bytes */size for a range beyond the end', async () => {
    const size = Number((await media(`${pl}parts/0/init.mp4`)).headers.get('content-length'));
    for (const range of [`bytes=${size}-`, `bytes=${size + 100}-${size + 200}`, 'bytes=-0', 'bytes=50-10']) {
      const r = await media(`${pl}parts/0/init.mp4`, { headers: { range } });
      expect(r.status, range).toBe(416);
      expect(r.headers.get('content-range')).toBe(`bytes */${size}`);
      expect(r.headers.get('accept-ranges')).toBe('bytes');
      expect((await r.arrayBuffer()).byteLength).toBe(0);
    }
  });

  it('[DC-5] answers 416 for a garbage Range header, and no media bytes', async () => {
    for (const range of ['bytes=abc', 'items=0-10', 'bytes=1-2-3', 'bytes', 'bytes=--5', 'bytes=0x10-20']) {
      const r = await media(`${pl}parts/0/0.m4s`, { headers: { range } });
      expect(r.status, range).toBe(416);
      expect((await r.arrayBuffer()).byteLength).toBe(0);
    }
  });

  it('[DC-5] refuses POST and the other methods with 405', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const r = await media(`${pl}parts/0/0.m4s`, { method, ...(method === 'DELETE' ? {} : { body: 'x' }) });
      expect(r.status, method).toBe(405);
      expect(r.headers.get('allow')).toBe('GET, HEAD');
      await problemOf(r);
    }
  });
});

describe('media route: the capability dies with its session', () => {
  it('[DC-5] [UA-2] refuses the capability once its session ended, and a new session reaches only its own recording, played as one timeline', async () => {
    const before = await media(`${base}manifest.json`);
    expect(before.status).toBe(200);
    const ended = endSession(mk.session);
    expect(ended.media).toBeNull();
    for (const p of [`${base}manifest.json`, `${pl}playlist.m3u8`, `${pl}parts/0/0.m4s`]) {
      const r = await media(p);
      expect(r.status, p).toBe(403);
      expect((await problemOf(r)).title).toBe('capability not valid');
    }

    const next = await openSession(mk.session, UA_CASE, [UA_REC]);
    const cap2 = next.media!.capability;
    expect(cap2).not.toBe(cap);
    // Another session's recording, with this session's capability.
    const foreign = await media(`${base}${recordingSegment(PL_REC.identifier, 0)}/playlist.m3u8`, {}, cap2);
    expect(foreign.status).toBe(403);
    // The old capability stays dead.
    expect((await media(`${base}manifest.json`)).status).toBe(403);

    const ua = `${base}${recordingSegment(UA_REC.identifier, UA_REC.version)}/`;
    const text = await (await media(`${ua}playlist.m3u8`, {}, cap2)).text();
    expect(text.match(/#EXT-X-DISCONTINUITY/g)).toHaveLength(2);
    expect([...text.matchAll(/#EXT-X-MAP:URI="([^"]+)"/g)].map((m) => m[1])).toEqual(['parts/0/init.mp4', 'parts/1/init.mp4', 'parts/2/init.mp4']);
    const m = (await (await media(`${base}manifest.json`, {}, cap2)).json()) as MediaManifest;
    const spans = m.recordings[0]!.timeline.parts;
    expect(spans).toHaveLength(3);
    expect(spans[0]!.startSec).toBe(0);
    expect(spans[1]!.startSec).toBeCloseTo(spans[0]!.durationSec, 6);
    expect(spans[2]!.startSec).toBeCloseTo(spans[0]!.durationSec + spans[1]!.durationSec, 6);
    expect(m.recordings[0]!.timeline.durationSec).toBeCloseTo(24, 0);
    const seg = await media(`${ua}parts/2/0.m4s`, {}, cap2);
    expect(seg.status).toBe(200);
    endSession(mk.session);
    expect((await media(`${ua}parts/2/0.m4s`, {}, cap2)).status).toBe(403);
  });
});
