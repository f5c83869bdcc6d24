// bench/playback: playback in Debian's Chromium through the web shell, side by
// side in one run with a floor: hls.js playing the same content as plain,
// unencrypted fMP4 HLS files (the very segments the core packager makes)
// from a trivial node:http static server.
//   - time to first frame on a 1-hour 720p recording (Play -> first presented frame)
//   - seek latency p50/p95 over 20 seeded random seeks (same positions both sides)
//   - session start (compose.confirm -> first frame), 4 GiB vs 100 MiB recording
// Goals: first frame and seeks <= 1.25x the floor; session start 4 GiB <= 1.5x 100 MiB.
// Prints one JSON document.
//   npx tsx bench/playback.ts [--runs 5] [--seeks 20] [--seed N] [--seek-rounds 2] [--session-runs 5]
// Media is made once with ffmpeg and cached in $BENCH_MEDIA_DIR (default
// os.tmpdir()/court-kiosk-bench-playback-v1); each run imports it into a fresh data dir.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { BagWriter } from '../app/core/carrier/bagit/writer';
import { loadConfig } from '../app/core/config';
import { importPath, ingestContextFor } from '../app/core/ingest';
import { openKiosk } from '../app/core/kiosk';
import { INIT_SEGMENT_NAME, indexMp4, initSegment, isProblem, mediaSegment, mediaSegmentName, playlist, type ReadFn } from '../app/core/media';
import { ensureTool, run } from '../app/core/tools/external-tool';
import { MEDIA_CAPABILITY_HEADER, recordingSegment } from '../app/shared/media-contract';
import type { SessionView } from '../app/shared/session-contract';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    seeks: { type: 'string', default: '20' },
    seed: { type: 'string', default: '20261123' },
    'seek-rounds': { type: 'string', default: '2' },
    'session-runs': { type: 'string', default: '5' },
  },
});
const RUNS = Number(values.runs);
const SEEKS = Number(values.seeks);
const SEED = Number(values.seed);
const SEEK_ROUNDS = Number(values['seek-rounds']);
const SESSION_RUNS = Number(values['session-runs']);

const ROOT = path.resolve(import.meta.dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const HLS_JS = path.join(ROOT, 'node_modules/hls.js/dist/hls.min.js');
const MEDIA = process.env.BENCH_MEDIA_DIR ?? path.join(os.tmpdir(), 'court-kiosk-bench-playback-v1');
const work = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'bench-playback-'));
const say = (s: string) => process.stderr.write(`playback: ${s}\n`);

/** One recording of the bench carrier: its own case so a session can choose it alone. */
interface BenchRecording {
  readonly key: 'hour' | 'big' | 'small';
  readonly pkg: string;
  readonly signature: string;
  readonly identifier: string;
}

const RECORDINGS: readonly BenchRecording[] = [
  { key: 'hour', pkg: 'BENCH-HOUR', signature: 'KM 9001/26', identifier: 'BENCH-HOUR-720P' },
  { key: 'big', pkg: 'BENCH-4GIB', signature: 'KM 9002/26', identifier: 'BENCH-4GIB' },
  { key: 'small', pkg: 'BENCH-100MIB', signature: 'KM 9003/26', identifier: 'BENCH-100MIB' },
];

// ---------------------------------------------------------------- media

function probeDuration(file: string): number {
  return Number(run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]).trim());
}

function hms(sec: number): string {
  const s = Math.round(sec);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-y', '-v', 'error', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** `clip` looped with stream copy (no re-encode) to `seconds`. */
function loop(clip: string, seconds: number, out: string): void {
  ffmpeg(['-stream_loop', '-1', '-i', clip, '-t', seconds.toFixed(3), '-c', 'copy', '-movflags', '+faststart', out]);
}

async function* fileChunks(file: string): AsyncIterable<Uint8Array> {
  for await (const c of fs.createReadStream(file, { highWaterMark: 1 << 20 })) yield c as Buffer;
}

async function writePackage(carrier: string, rec: BenchRecording, mp4: string): Promise<void> {
  const rel = `data/${rec.identifier}.mp4`;
  const w = await BagWriter.create(path.join(carrier, rec.pkg));
  await w.addPayloadFile(rel, fileChunks(mp4));
  const doc = {
    profile: 'crp/1',
    case: { jurisdiction: 'PL', signature: rec.signature, court: 'Sąd Rejonowy (bench)', caseNumber: null, proceedingsNumber: null },
    recordings: [
      {
        identifier: rec.identifier,
        creator: { name: 'Bench', court: 'Sąd Rejonowy (bench)' },
        title: `Bench ${rec.key}`,
        date: '2026-11-2312:00:00',
        duration: hms(probeDuration(mp4)),
        grouping: rec.signature,
        version: 0,
        supersedes: null,
        parts: [{ path: rel }],
        annotations: [],
        attachments: [],
        envelopeSheet: null,
      },
    ],
  };
  await w.addTagFile('recordings.json', JSON.stringify(doc, null, 2) + '\n');
  await w.finish([['BagIt-Profile-Identifier', 'crp/1'], ['External-Description', `court-kiosk playback bench: ${rec.key}`]]);
}

/**
 * The carrier (three crp/1 packages), made once and cached:
 *   hour:  60 s of 1280x720 24 fps H.264 (ultrafast) + AAC, looped to 1 hour
 *   big:   30 s of 1280x720 H.264 at ~24 Mbit/s (noise) + AAC, looped to 4 GiB
 *   small: the same high-bitrate clip looped to 100 MiB
 */
async function carrier(): Promise<string> {
  const dir = path.join(MEDIA, 'carrier');
  if (fs.existsSync(path.join(MEDIA, '.complete'))) return dir;
  ensureTool('ffmpeg');
  ensureTool('ffprobe');
  fs.rmSync(MEDIA, { recursive: true, force: true });
  const tmp = path.join(MEDIA, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  say(`making media in ${MEDIA} (once)`);
  const clip = path.join(tmp, 'clip.mp4');
  ffmpeg([
    '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=24,scale=1280:720:flags=neighbor',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', '60', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '30', '-profile:v', 'main', '-pix_fmt', 'yuv420p', '-g', '48',
    '-c:a', 'aac', '-b:a', '64k', '-ac', '2', clip,
  ]);
  const hour = path.join(tmp, 'hour.mp4');
  loop(clip, 3600, hour);
  const dense = path.join(tmp, 'dense.mp4');
  ffmpeg([
    '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=24,noise=alls=30:allf=t',
    '-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=48000',
    '-t', '30', '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '24M', '-maxrate', '24M', '-bufsize', '48M', '-profile:v', 'main', '-pix_fmt', 'yuv420p', '-g', '48',
    '-c:a', 'aac', '-b:a', '64k', '-ac', '2', dense,
  ]);
  const bytesPerSec = fs.statSync(dense).size / probeDuration(dense);
  const big = path.join(tmp, 'big.mp4');
  const small = path.join(tmp, 'small.mp4');
  loop(dense, (4 * 1024 ** 3) / bytesPerSec, big);
  loop(dense, (100 * 1024 ** 2) / bytesPerSec, small);
  const files = { hour, big, small };
  fs.mkdirSync(dir, { recursive: true });
  for (const rec of RECORDINGS) await writePackage(dir, rec, files[rec.key]);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.writeFileSync(path.join(MEDIA, '.complete'), '');
  return dir;
}

const payloadOf = (carrierDir: string, rec: BenchRecording) => path.join(carrierDir, rec.pkg, 'data', `${rec.identifier}.mp4`);

/** The floor's files: the hour recording packaged by the core packager, written out as plain files. */
async function floorFiles(mp4: string): Promise<{ dir: string; segments: number; durationSec: number }> {
  const dir = path.join(MEDIA, 'floor-hls');
  const meta = path.join(dir, 'meta.json');
  if (fs.existsSync(meta)) return JSON.parse(fs.readFileSync(meta, 'utf8')) as { dir: string; segments: number; durationSec: number };
  fs.rmSync(dir, { recursive: true, force: true });
  const fd = fs.openSync(mp4, 'r');
  try {
    const read: ReadFn = async (offset, length) => {
      const buf = Buffer.alloc(length);
      const n = fs.readSync(fd, buf, 0, length, offset);
      return buf.subarray(0, n);
    };
    const index = await indexMp4(read, fs.fstatSync(fd).size, path.basename(mp4));
    if (isProblem(index)) throw new Error(`${index.rule}: ${index.message}`);
    const partDir = path.join(dir, 'parts', '0');
    fs.mkdirSync(partDir, { recursive: true });
    fs.writeFileSync(path.join(partDir, INIT_SEGMENT_NAME), initSegment(index));
    for (let i = 0; i < index.segments.length; i++) fs.writeFileSync(path.join(partDir, mediaSegmentName(i)), await mediaSegment(index, i, read));
    const pl = playlist([{ index, uriPrefix: 'parts/0/' }]);
    fs.writeFileSync(path.join(dir, 'playlist.m3u8'), pl.m3u8);
    const out = { dir, segments: index.segments.length, durationSec: pl.durationSec };
    fs.writeFileSync(meta, JSON.stringify(out));
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

// ---------------------------------------------------------------- servers

const TYPES: Record<string, string> = { '.m3u8': 'application/vnd.apple.mpegurl', '.mp4': 'video/mp4', '.m4s': 'video/iso.segment', '.html': 'text/html; charset=utf-8' };
const BLANK = '<!doctype html><html><head><meta charset="utf-8"><title>bench</title></head><body></body></html>';

/** The floor: files as they are, read per request, no caching on either side. */
function staticServer(dir: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (p === '/') {
      res.writeHead(200, { 'content-type': TYPES['.html']!, 'cache-control': 'no-store' });
      res.end(BLANK);
      return;
    }
    const file = path.join(dir, path.normalize(p));
    if (!file.startsWith(dir + path.sep)) {
      res.writeHead(400).end();
      return;
    }
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store', 'content-length': body.length });
      res.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

interface Kioskd {
  readonly origin: string;
  /** The session cookie (`kiosk_session=…`) from the one launch exchange. */
  readonly cookie: string;
  readonly child: ChildProcess;
}

/** The one-time exchange the launcher page makes: the code from the 0600 page, posted as its form does. */
async function exchangeLaunch(origin: string, launchUrl: string): Promise<string> {
  const html = fs.readFileSync(new URL(launchUrl), 'utf8');
  const code = /name="code" value="([A-Za-z0-9_-]+)"/.exec(html)?.[1];
  if (!code) throw new Error(`no launch code in ${launchUrl}`);
  const r = await fetch(`${origin}/launch`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ code }).toString() });
  if (r.status !== 200) throw new Error(`launch exchange refused: ${r.status}`);
  return (r.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** `kioskctl serve --demo --data-dir D`: demo mode only for the demo clerk account; the catalog is not empty, so nothing is seeded. */
function serve(dataDir: string): Promise<Kioskd> {
  const child = spawn(path.join(ROOT, 'scripts', 'kioskctl'), ['serve', '--demo', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', (line) => {
      const { origin, launch } = JSON.parse(line) as { origin: string; launch: string };
      exchangeLaunch(origin, launch).then((cookie) => resolve({ origin, cookie, child }), reject);
    });
    child.once('exit', (code) => reject(new Error(`kioskctl serve exited ${code}: ${stderr}`)));
  });
}

// ---------------------------------------------------------------- session API

class Session {
  constructor(
    private readonly origin: string,
    private readonly cookie: string,
  ) {}

  async view(): Promise<SessionView> {
    const r = await fetch(`${this.origin}/api/session`, { headers: { cookie: this.cookie } });
    return (await r.json()) as SessionView;
  }

  async send(event: Record<string, unknown>): Promise<SessionView> {
    // As the kiosk page sends it: the shell refuses a change without its own Origin and Sec-Fetch-Site same-origin.
    const headers = { cookie: this.cookie, origin: this.origin, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' };
    const r = await fetch(`${this.origin}/api/session`, { method: 'POST', headers, body: JSON.stringify(event) });
    const body = (await r.json()) as SessionView | { view: SessionView; problem: { rule: string } };
    if ('problem' in body) throw new Error(`${event.type as string}: ${body.problem.rule}`);
    return body;
  }

  /** Polls every 5 ms: the bench times what the kiosk does, not a slow poll. */
  async until(v0: SessionView, ok: (v: SessionView) => boolean, what: string, timeoutMs = 120_000): Promise<SessionView> {
    let v = v0;
    const end = Date.now() + timeoutMs;
    while (!ok(v)) {
      if (Date.now() > end) throw new Error(`session did not reach ${what}: ${v.state}`);
      await new Promise((r) => setTimeout(r, 5));
      v = await this.view();
    }
    return v;
  }

  /** Up to the confirmation: everything a clerk fills in. */
  async compose(rec: BenchRecording): Promise<void> {
    await this.until(await this.send({ type: 'clerk.begin' }), (v) => v.screen === 'authenticating', 'authenticating');
    await this.until(await this.send({ type: 'clerk.pin', accountId: 'demo-clerk', pin: '1234' }), (v) => v.screen === 'composing', 'composing');
    await this.until(await this.send({ type: 'compose.case', query: rec.signature }), (v) => v.composition.lookup === 'found', 'case found');
    await this.send({ type: 'compose.recordings', recordings: [{ identifier: rec.identifier, version: 0 }] });
    await this.send({ type: 'compose.viewer', name: 'Jan Bench', documentType: 'id-card', documentLast4: '1234', purpose: 'pomiar' });
    await this.until(await this.send({ type: 'compose.time', minutes: 30 }), (v) => v.composition.complete, 'composition complete');
  }

  /** compose.confirm through verification and handover to viewing; returns the playlist and the session's capability. */
  async start(rec: BenchRecording): Promise<Stream> {
    const handover = await this.until(await this.send({ type: 'compose.confirm' }), (v) => v.screen === 'handover' || v.screen === 'blocked', 'handover');
    if (handover.screen === 'blocked') throw new Error(`verification blocked: ${JSON.stringify(handover.verification)}`);
    const viewing = await this.until(await this.send({ type: 'handover.viewerReady' }), (v) => v.screen === 'viewing' && v.media !== null, 'viewing');
    return { url: `${this.origin}/media/${recordingSegment(rec.identifier, 0)}/playlist.m3u8`, capability: viewing.media!.capability };
  }

  async end(): Promise<void> {
    await this.until(await this.send({ type: 'viewer.end' }), (v) => v.screen === 'ended', 'ended');
    await this.until(await this.send({ type: 'summary.close' }), (v) => v.screen === 'locked', 'locked');
  }
}

// ---------------------------------------------------------------- in the page

// Plain JS (not a function from this file: tsx would add helpers the page lacks).
// Both sides run exactly this, with hls.js's default config.
const PAGE = `
window.__bench = (() => {
  let hls = null, video = null;
  const errors = [];
  function reset() {
    if (hls) hls.destroy();
    if (video) video.remove();
    hls = null; video = null; errors.length = 0;
  }
  function frame(v, accept, ms) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no frame within ' + ms + ' ms; hls.js errors: ' + JSON.stringify(errors))), ms);
      const tick = (now, meta) => {
        if (accept(meta)) { clearTimeout(timer); resolve(meta); } else v.requestVideoFrameCallback(tick);
      };
      v.requestVideoFrameCallback(tick);
    });
  }
  // Play pressed on an idle player: a new <video> and Hls, then at t0
  // attachMedia + loadSource + play(); ends at the first presented frame.
  // The kiosk side sends the session's capability in its header, as the kiosk's own loader does.
  async function firstFrame(url, capability) {
    reset();
    video = document.createElement('video');
    video.muted = true;
    video.width = 640;
    document.body.appendChild(video);
    hls = new Hls(capability ? { xhrSetup: (xhr) => xhr.setRequestHeader(${JSON.stringify(MEDIA_CAPABILITY_HEADER)}, capability) } : undefined);
    hls.on(Hls.Events.ERROR, (_e, d) => errors.push(d.details + (d.fatal ? ' (fatal)' : '')));
    const first = frame(video, () => true, 60000);
    const t0 = performance.now();
    hls.attachMedia(video);
    hls.loadSource(url);
    video.play().catch(() => {});
    const meta = await first;
    return { seconds: (meta.presentationTime - t0) / 1000, mediaTime: meta.mediaTime, duration: video.duration, errors: [...errors] };
  }
  // On the playing video: at t0 set currentTime; ends at the first presented
  // frame within 0.5 s of the target. settleMs of playback between seeks.
  async function seeks(positions, settleMs) {
    const out = [];
    for (const pos of positions) {
      await new Promise((r) => setTimeout(r, settleMs));
      const next = frame(video, (m) => Math.abs(m.mediaTime - pos) < 0.5, 60000);
      const t0 = performance.now();
      video.currentTime = pos;
      const meta = await next;
      out.push({ position: pos, seconds: (meta.presentationTime - t0) / 1000, mediaTime: meta.mediaTime });
    }
    return { seeks: out, errors: [...errors] };
  }
  return { firstFrame, seeks, reset, errors };
})();
`;

async function benchPage(ctx: BrowserContext, url: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(url);
  await page.addScriptTag({ path: HLS_JS });
  await page.addScriptTag({ content: PAGE });
  return page;
}

interface FrameResult {
  seconds: number;
  mediaTime: number;
  duration: number;
  errors: string[];
}
interface SeekResult {
  position: number;
  seconds: number;
  mediaTime: number;
}

/** A playlist to play: the floor's needs nothing, the kiosk's needs the session's capability in a header. */
interface Stream {
  readonly url: string;
  readonly capability: string | null;
}

const firstFrame = (page: Page, s: Stream) => page.evaluate(`window.__bench.firstFrame(${JSON.stringify(s.url)}, ${JSON.stringify(s.capability)})`) as Promise<FrameResult>;
const seekAll = (page: Page, positions: number[]) => page.evaluate(`window.__bench.seeks(${JSON.stringify(positions)}, 500)`) as Promise<{ seeks: SeekResult[]; errors: string[] }>;

// ---------------------------------------------------------------- numbers

/** mulberry32: the same positions for the same seed, on both sides. */
function positions(seed: number, n: number, durationSec: number): number[] {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, () => Math.round((5 + rnd() * (durationSec - 40)) * 1000) / 1000);
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return s[lo]! + (s[hi]! - s[lo]!) * (i - lo);
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r2 = (x: number) => Math.round(x * 100) / 100;

// ---------------------------------------------------------------- run

async function main(): Promise<void> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  if (!fs.existsSync(path.join(ROOT, 'dist', 'renderer', 'index.html'))) execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--renderer-only'], { stdio: 'inherit' });
  const carrierDir = await carrier();
  const hourRec = RECORDINGS.find((r) => r.key === 'hour')!;
  const floor = await floorFiles(payloadOf(carrierDir, hourRec));
  const sizes = Object.fromEntries(RECORDINGS.map((r) => [r.key, fs.statSync(payloadOf(carrierDir, r)).size]));

  say('importing into a fresh data dir');
  const dataDir = path.join(work, 'data');
  const configFile = path.join(ROOT, 'kiosk-config', 'court-kiosk-pl.json');
  const kiosk = await openKiosk({ dataDir, config: loadConfig(configFile), configFile });
  const t0 = process.hrtime.bigint();
  const imported = await importPath(ingestContextFor(kiosk, { operator: 'bench' }), carrierDir);
  const importSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  kiosk.close();
  if (imported.problems.length || imported.imported.length !== RECORDINGS.length) throw new Error(`import failed: ${JSON.stringify(imported.problems)}`);

  const fileServer = await staticServer(floor.dir);
  const kioskd = await serve(dataDir);
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--autoplay-policy=no-user-gesture-required'],
  });
  try {
    // The same context options on both sides; the kiosk's strict CSP would
    // refuse the injected hls.min.js, so both bypass CSP.
    const floorCtx = await browser.newContext({ bypassCSP: true });
    const kioskCtx = await browser.newContext({ bypassCSP: true });
    const [cookieName, cookieValue] = kioskd.cookie.split('=') as [string, string];
    await kioskCtx.addCookies([{ name: cookieName, value: cookieValue, url: kioskd.origin }]);
    const session = new Session(kioskd.origin, kioskd.cookie);
    // A page of the kiosk's origin that is not the renderer (a 404 with the
    // kiosk's own headers), so the kiosk's player does not also start.
    const floorPage = await benchPage(floorCtx, `${fileServer.origin}/`);
    const kioskPage = await benchPage(kioskCtx, `${kioskd.origin}/bench-blank`);
    const floorUrl: Stream = { url: `${fileServer.origin}/playlist.m3u8`, capability: null };

    // 1. Time to first frame and seeks on the hour recording.
    say('hour recording: first frame and seeks');
    await session.compose(hourRec);
    const kioskUrl = await session.start(hourRec);
    const kioskPlaylist = await (await fetch(kioskUrl.url, { headers: { cookie: kioskd.cookie, [MEDIA_CAPABILITY_HEADER]: kioskUrl.capability! } })).text();
    const kioskSegments = kioskPlaylist.split('\n').filter((l) => l.endsWith('.m4s')).length;
    const ff: { floor: FrameResult[]; kiosk: FrameResult[] } = { floor: [], kiosk: [] };
    for (let i = 0; i < RUNS; i++) {
      // Alternating, so drift on a shared machine hits both sides alike.
      ff.floor.push(await firstFrame(floorPage, floorUrl));
      await floorPage.evaluate('window.__bench.reset()');
      ff.kiosk.push(await firstFrame(kioskPage, kioskUrl));
      await kioskPage.evaluate('window.__bench.reset()');
      await session.send({ type: 'ui.activity' });
    }
    const pos = positions(SEED, SEEKS, floor.durationSec);
    const floorSeeks: SeekResult[] = [];
    const kioskSeeks: SeekResult[] = [];
    const hlsErrors: { floor: string[]; kiosk: string[] } = { floor: ff.floor.flatMap((x) => x.errors), kiosk: ff.kiosk.flatMap((x) => x.errors) };
    for (let round = 0; round < SEEK_ROUNDS; round++) {
      // One side plays at a time; rounds alternate which side went last.
      for (const side of round % 2 === 0 ? (['floor', 'kiosk'] as const) : (['kiosk', 'floor'] as const)) {
        const [page, url, out] = side === 'floor' ? [floorPage, floorUrl, floorSeeks] : [kioskPage, kioskUrl, kioskSeeks];
        await firstFrame(page, url);
        const r = await seekAll(page, pos);
        out.push(...r.seeks);
        hlsErrors[side].push(...r.errors);
        await page.evaluate('window.__bench.reset()');
        await session.send({ type: 'ui.activity' });
      }
    }
    await session.end();

    // 2. Session start: compose.confirm -> first frame, 100 MiB and 4 GiB alternating.
    say('session start: 100 MiB vs 4 GiB');
    const starts: { small: number[]; big: number[] } = { small: [], big: [] };
    const toViewing: { small: number[]; big: number[] } = { small: [], big: [] };
    for (let i = 0; i < SESSION_RUNS; i++) {
      for (const key of ['small', 'big'] as const) {
        const rec = RECORDINGS.find((r) => r.key === key)!;
        await session.compose(rec);
        const tConfirm = performance.now();
        const url = await session.start(rec);
        const tPlay = performance.now();
        const f = await firstFrame(kioskPage, url);
        starts[key].push((tPlay - tConfirm) / 1000 + f.seconds);
        toViewing[key].push((tPlay - tConfirm) / 1000);
        await kioskPage.evaluate('window.__bench.reset()');
        await session.end();
      }
    }

    const med = (xs: readonly number[]) => quantile(xs, 0.5);
    const fSeek = floorSeeks.map((s) => s.seconds);
    const kSeek = kioskSeeks.map((s) => s.seconds);
    const ttffFloor = med(ff.floor.map((x) => x.seconds));
    const ttffKiosk = med(ff.kiosk.map((x) => x.seconds));
    console.log(
      JSON.stringify(
        {
          bench: 'playback',
          browser: `${browser.version()} (${CHROMIUM}, headless, --disable-gpu)`,
          media: {
            hour: { bytes: sizes.hour, durationSec: r3(floor.durationSec), segments: { floor: floor.segments, kiosk: kioskSegments }, video: '1280x720 24 fps H.264 + AAC' },
            big: { bytes: sizes.big },
            small: { bytes: sizes.small },
          },
          importSeconds: r2(importSeconds),
          firstFrame: {
            runs: RUNS,
            floorSeconds: ff.floor.map((x) => r3(x.seconds)),
            kioskSeconds: ff.kiosk.map((x) => r3(x.seconds)),
            floorMedian: r3(ttffFloor),
            kioskMedian: r3(ttffKiosk),
            ratio: r2(ttffKiosk / ttffFloor),
            goal: 1.25,
          },
          seek: {
            seeks: SEEKS,
            rounds: SEEK_ROUNDS,
            seed: SEED,
            positions: pos,
            floor: { p50: r3(quantile(fSeek, 0.5)), p95: r3(quantile(fSeek, 0.95)), seconds: fSeek.map(r3) },
            kiosk: { p50: r3(quantile(kSeek, 0.5)), p95: r3(quantile(kSeek, 0.95)), seconds: kSeek.map(r3) },
            ratioP50: r2(quantile(kSeek, 0.5) / quantile(fSeek, 0.5)),
            ratioP95: r2(quantile(kSeek, 0.95) / quantile(fSeek, 0.95)),
            goal: 1.25,
          },
          sessionStart: {
            runs: SESSION_RUNS,
            smallSeconds: starts.small.map(r3),
            bigSeconds: starts.big.map(r3),
            smallMedian: r3(med(starts.small)),
            bigMedian: r3(med(starts.big)),
            confirmToViewingMedian: { small: r3(med(toViewing.small)), big: r3(med(toViewing.big)) },
            ratio: r2(med(starts.big) / med(starts.small)),
            goal: 1.5,
          },
          hlsErrors,
          notes: [
            'first frame: from the call of attachMedia + loadSource + play() on a new <video> and a new Hls (default config) to the presentationTime of the first requestVideoFrameCallback; median of runs, floor and kiosk alternating',
            'seek: from setting currentTime on the playing video to the presentationTime of the first frame within 0.5 s of the target; 500 ms of playback between seeks; the same seeded positions on both sides, in rounds alternating which side goes first; p50/p95 over all rounds',
            'session start: from sending compose.confirm (which starts verification) through handover and viewerReady (sent at once) to the first frame, measured as above; the bench polls the session API every 5 ms',
            'floor: the hour recording packaged by the core packager (same init and media segments) as plain files from a node:http static server, cache-control no-store like the kiosk',
            'kiosk: kioskctl serve (web shell) on a fresh data dir with the carrier imported; media with the session capability in its request header; the page is a kiosk-origin 404 document, not the renderer',
            "both browser contexts bypass CSP (bypassCSP: true) so the injected hls.min.js runs under the kiosk's strict CSP; the same hls.min.js and page script on both sides",
            'muted video, --autoplay-policy=no-user-gesture-required, headless Chromium without GPU: software decoding on a shared 2-core machine',
          ],
        },
        null,
        2,
      ),
    );
  } finally {
    await browser.close();
    await fileServer.close();
    await new Promise<void>((r) => {
      if (kioskd.child.exitCode !== null) return r();
      kioskd.child.once('exit', () => r());
      kioskd.child.kill('SIGTERM');
    });
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
