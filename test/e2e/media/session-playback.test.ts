// hls.js in Debian's Chromium playing a session's recording through the web
// shell (loopback server, session cookie) and core's one request handler: the
// capability from the session view sent in its request header, segments
// packaged in core from the encrypted store. The UA videoconference's three
// parts play as one timeline.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebShell, type WebShell } from '../../../app/shells/web/server';
import { MEDIA_CAPABILITY_HEADER, recordingSegment, type MediaManifest } from '../../../app/shared/media-contract';
import { launchChromium } from '../../helpers/browser';
import { kioskPage, type Launchable } from '../../helpers/launch';
import { openMediaKiosk, openSession, UA_CASE, UA_REC, type MediaKiosk } from '../../helpers/media-kiosk';
import { REPO } from '../../helpers/paths';

// No inline script: the shell's CSP allows only our own files.
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>player</title></head>
<body><video id="v" muted playsinline></video>
<script src="/hls.min.js"></script><script src="/player.js"></script></body></html>`;

const PLAYER = `
window.hlsState = { errors: [], fatal: null, statuses: [] };
window.startPlayback = function (src, capability) {
  const video = document.getElementById('v');
  // As the kiosk's own loader does: the capability in its header, never in the URL.
  const hls = new Hls({ enableWorker: false, xhrSetup: function (xhr) { if (capability) xhr.setRequestHeader('${MEDIA_CAPABILITY_HEADER}', capability); } });
  hls.on(Hls.Events.ERROR, function (_e, d) {
    window.hlsState.errors.push(d.type + ':' + d.details + (d.fatal ? ':fatal' : ''));
    if (d.response && d.response.code) window.hlsState.statuses.push(d.response.code);
    if (d.fatal) window.hlsState.fatal = d.details;
  });
  hls.on(Hls.Events.MANIFEST_PARSED, function () { video.play(); });
  hls.loadSource(src);
  hls.attachMedia(video);
  window.hls = hls;
};`;

let mk: MediaKiosk;
let shell: WebShell;
let launched: Launchable;
let browser: Browser;

beforeAll(async () => {
  mk = await openMediaKiosk({
    'index.html': PAGE,
    'player.js': PLAYER,
    'hls.min.js': fs.readFileSync(path.join(REPO, 'node_modules', 'hls.js', 'dist', 'hls.min.js')),
  });
  shell = await startWebShell({ handler: mk.handler });
  launched = { origin: shell.origin, launch: shell.launch.url };
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
});

afterAll(async () => {
  await browser?.close();
  await shell?.close();
  mk?.close();
});

async function playPast(page: Page, t: number): Promise<void> {
  await page.waitForFunction(
    (target) => {
      const v = document.getElementById('v') as HTMLVideoElement;
      const s = (window as unknown as { hlsState: { fatal: string | null } }).hlsState;
      return s.fatal !== null || v.currentTime > target;
    },
    t,
    { timeout: 90_000, polling: 100 },
  );
}

function state(page: Page): Promise<{ currentTime: number; duration: number; fatal: string | null; errors: string[] }> {
  return page.evaluate(() => {
    const v = document.getElementById('v') as HTMLVideoElement;
    const s = (window as unknown as { hlsState: { errors: string[]; fatal: string | null } }).hlsState;
    return { currentTime: v.currentTime, duration: v.duration, fatal: s.fatal, errors: s.errors };
  });
}

describe('a session plays through the media handler', () => {
  it('[DC-5] [UA-2] hls.js plays the 3-part recording from the session capability across a part boundary, through the web shell', async () => {
    const view = await openSession(mk.session, UA_CASE, [UA_REC]);
    const capability = view.media!.capability;
    const page = await kioskPage(browser, launched);
    try {
      const manifest = await page.evaluate(
        async ([h, c]) => (await fetch('/media/manifest.json', { headers: { [h]: c } })).json(),
        [MEDIA_CAPABILITY_HEADER, capability] as const,
      ) as MediaManifest;
      const rec = manifest.recordings[0]!;
      expect(rec.playlist).toBe(`/media/${recordingSegment(UA_REC.identifier, UA_REC.version)}/playlist.m3u8`);
      const spans = rec.timeline.parts;
      expect(spans).toHaveLength(3);

      await page.evaluate(([src, c]) => (window as unknown as { startPlayback(s: string, c: string): void }).startPlayback(src, c), [rec.playlist, capability] as const);
      await playPast(page, 1);
      const first = await state(page);
      expect(first.fatal).toBeNull();
      expect(first.duration).toBeCloseTo(rec.timeline.durationSec, 0);

      // From just before the second part into it, without stopping.
      const boundary = spans[1]!.startSec;
      await page.evaluate((at) => {
        (document.getElementById('v') as HTMLVideoElement).currentTime = at;
      }, boundary - 1);
      await playPast(page, boundary + 1);
      const across = await state(page);
      expect(across.fatal).toBeNull();
      expect(across.errors.filter((e) => /bufferAppend|Parsing/.test(e))).toEqual([]);
      expect(across.currentTime).toBeGreaterThan(boundary + 1);
    } finally {
      await page.close();
    }
  });

  it('[DC-5] a player that does not send the capability header gets no media, though it has the cookie and the right URLs', async () => {
    const page = await kioskPage(browser, launched);
    try {
      const playlist = `/media/${recordingSegment(UA_REC.identifier, UA_REC.version)}/playlist.m3u8`;
      const plain = await page.evaluate(async (u) => {
        const res = await fetch(u);
        return { status: res.status, type: res.headers.get('content-type') };
      }, playlist);
      expect(plain).toEqual({ status: 403, type: 'application/problem+json; charset=utf-8' });
      await page.evaluate((src) => (window as unknown as { startPlayback(s: string, c: string | null): void }).startPlayback(src, null), playlist);
      await page.waitForFunction(() => (window as unknown as { hlsState: { fatal: string | null } }).hlsState.fatal !== null, null, { timeout: 30_000 });
      const s = await page.evaluate(() => (window as unknown as { hlsState: { statuses: number[] } }).hlsState);
      expect(s.statuses).toContain(403);
    } finally {
      await page.close();
    }
  });

  it('[DC-5] once the session ends the same player gets nothing more: the capability is refused', async () => {
    const capability = mk.session.getSnapshot().media!.capability;
    const page = await kioskPage(browser, launched);
    try {
      const get = (u: string) =>
        page.evaluate(
          async ([url, h, c]) => {
            const res = await fetch(url, { headers: { [h]: c } });
            return { status: res.status, type: res.headers.get('content-type') };
          },
          [u, MEDIA_CAPABILITY_HEADER, capability] as const,
        );
      expect((await get('/media/manifest.json')).status).toBe(200);
      const r = mk.session.send({ type: 'viewer.end' });
      expect(r.ok).toBe(true);
      const after = await get(`/media/${recordingSegment(UA_REC.identifier, UA_REC.version)}/parts/0/0.m4s`);
      expect(after.status).toBe(403);
      expect(after.type).toMatch(/^application\/problem\+json/);
    } finally {
      await page.close();
    }
  });
});
