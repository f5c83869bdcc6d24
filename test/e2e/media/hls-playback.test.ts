// The packaged HLS of real recordings, played by hls.js in Debian's Chromium:
// the same path a viewer's kiosk takes, minus the store and the session.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, makeMedia, packageToDir, tempDir } from '../../core/media/media-fixtures';

const CHROMIUM = '/usr/bin/chromium';

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>hls test</title></head>
<body>
<video id="v" muted playsinline></video>
<script src="/hls.min.js"></script>
<script>
  window.hlsState = { errors: [], fatal: null, parsed: false };
  window.startPlayback = function (src) {
    const video = document.getElementById('v');
    const hls = new Hls({ enableWorker: false });
    hls.on(Hls.Events.ERROR, function (_e, d) {
      window.hlsState.errors.push(d.type + ':' + d.details + (d.fatal ? ':fatal' : ''));
      if (d.fatal) window.hlsState.fatal = d.details;
    });
    hls.on(Hls.Events.MANIFEST_PARSED, function () { window.hlsState.parsed = true; video.play(); });
    hls.loadSource(src);
    hls.attachMedia(video);
    window.hls = hls;
  };
</script>
</body></html>`;

let dir: string;
let server: http.Server;
let base: string;
let browser: Browser;
let partStarts: number[] = [];
let partDurations: number[] = [];

function serve(root: string): Promise<http.Server> {
  const hlsJs = fs.readFileSync(path.join(REPO, 'node_modules', 'hls.js', 'dist', 'hls.min.js'));
  const types: Record<string, string> = { '.m3u8': 'application/vnd.apple.mpegurl', '.mp4': 'video/mp4', '.m4s': 'video/iso.segment' };
  const srv = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    if (url.pathname === '/hls.min.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(hlsJs);
    const file = path.resolve(root, '.' + decodeURIComponent(url.pathname));
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(fs.readFileSync(file));
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

beforeAll(async () => {
  dir = tempDir();
  const first = makeMedia(dir, 'part1.mp4', ['--seconds', '20', '--size', '1280x720', '--fps', '24']);
  // The second file differs in profile (no B-frames) and moov position, as a conference's later file may.
  const second = makeMedia(dir, 'part2.mp4', ['--seconds', '12', '--size', '1280x720', '--fps', '24', '--profile', 'baseline', '--faststart']);
  await packageToDir(path.join(dir, 'single'), [first]);
  const two = await packageToDir(path.join(dir, 'double'), [first, second]);
  partStarts = two.playlist.parts.map((p) => p.startSec);
  partDurations = two.playlist.parts.map((p) => p.durationSec);
  server = await serve(dir);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--autoplay-policy=no-user-gesture-required'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function openPlayer(playlistPath: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${base}/`);
  await page.evaluate((src) => (window as unknown as { startPlayback(s: string): void }).startPlayback(src), playlistPath);
  return page;
}

interface PlayerState {
  currentTime: number;
  duration: number;
  videoWidth: number;
  videoHeight: number;
  decodedFrames: number;
  errors: string[];
  fatal: string | null;
}

function state(page: Page): Promise<PlayerState> {
  return page.evaluate(() => {
    const v = document.getElementById('v') as HTMLVideoElement;
    const s = (window as unknown as { hlsState: { errors: string[]; fatal: string | null } }).hlsState;
    return {
      currentTime: v.currentTime,
      duration: v.duration,
      videoWidth: v.videoWidth,
      videoHeight: v.videoHeight,
      decodedFrames: v.getVideoPlaybackQuality().totalVideoFrames,
      errors: s.errors,
      fatal: s.fatal,
    };
  });
}

/** Waits until playback passes `t` seconds, or a fatal hls.js error ends the wait early. */
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

describe('hls.js plays the packaged recordings in Chromium', () => {
  it('[DC-5] plays a 20 s 1280x720 H.264 + AAC recording past a few seconds with no fatal error', async () => {
    const page = await openPlayer('/single/playlist.m3u8');
    try {
      const supported = await page.evaluate(() => MediaSource.isTypeSupported('video/mp4; codecs="avc1.4d401f,mp4a.40.2"'));
      expect(supported).toBe(true);
      await playPast(page, 4.5);
      const s = await state(page);
      expect(s.fatal).toBeNull();
      expect(s.errors.filter((e) => /bufferAppend|Parsing|mediaSourceRequiresReset/.test(e))).toEqual([]);
      expect(s.currentTime).toBeGreaterThan(4.5);
      expect(s.duration).toBeCloseTo(20, 0);
      expect([s.videoWidth, s.videoHeight]).toEqual([1280, 720]);
      expect(s.decodedFrames).toBeGreaterThan(24 * 4);
    } finally {
      await page.close();
    }
  });

  it('[DC-5] [UA-2] plays two parts as one timeline: across the boundary, and on from a seek into the middle of the second part', async () => {
    expect(partStarts).toEqual([0, 20]);
    const page = await openPlayer('/double/playlist.m3u8');
    try {
      await playPast(page, 1);
      const before = await state(page);
      expect(before.fatal).toBeNull();
      expect(before.duration).toBeCloseTo(partDurations[0]! + partDurations[1]!, 0);

      // Across the boundary: from near the end of part 1 into part 2 without stopping.
      const seekTo = async (t: number): Promise<void> => {
        await page.evaluate((at) => {
          (document.getElementById('v') as HTMLVideoElement).currentTime = at;
        }, t);
      };
      await seekTo(partStarts[1]! - 1.5);
      await playPast(page, partStarts[1]! + 1);
      const across = await state(page);
      expect(across.fatal).toBeNull();
      expect(across.currentTime).toBeGreaterThan(partStarts[1]! + 1);

      const target = partStarts[1]! + partDurations[1]! / 2; // 26 s: 6 s into the second part
      await seekTo(target);
      await playPast(page, target + 2);
      const after = await state(page);
      expect(after.fatal).toBeNull();
      expect(after.errors.filter((e) => /bufferAppend|Parsing|mediaSourceRequiresReset/.test(e))).toEqual([]);
      expect(after.currentTime).toBeGreaterThan(target + 2);
      expect(after.currentTime).toBeLessThan(partStarts[1]! + partDurations[1]!);
      expect([after.videoWidth, after.videoHeight]).toEqual([1280, 720]);
      expect(after.decodedFrames).toBeGreaterThan(before.decodedFrames);
    } finally {
      await page.close();
    }
  });
});
