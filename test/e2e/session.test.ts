// A whole review session in Debian's Chromium through the web shell, as the
// people at a kiosk do it: the clerk signs in on the PIN pad and composes a
// session for the demo PL case, the viewer plays, jumps to an annotation,
// changes speed, pauses, is warned for being idle and ends. The viewing log
// then holds the played ranges (kioskctl log verify, and the exported report).
// Every screen is checked with axe-core and photographed in pl, uk and en.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { DEMO_CARRIER } from '../helpers/demo';
import { kioskctl, serveKiosk, type Served } from '../helpers/kioskctl';
import { kioskContext } from '../helpers/launch';
import { REPO, scratch } from '../helpers/paths';
import { plConfigWithLimits } from '../helpers/config';
import { seriousViolations, smallTargets, type AxeFinding } from '../helpers/a11y';
import { MESSAGES } from '../../app/shared/i18n';
import type { Language } from '../../app/shared/i18n';
import { MEDIA_CAPABILITY_HEADER } from '../../app/shared/media-contract';
import type { ViewingReport } from '../../app/core/reports/viewing-report';

const SHOTS = path.join(REPO, 'docs', 'screenshots');
const LANGS: readonly Language[] = ['pl', 'uk', 'en'];
const PL_CASE = 'KM 123/24';
const PL_REC = 'KM12324-20240305-01';

let served: Served;
let browser: Browser;
let dataDir: string;
const env: NodeJS.ProcessEnv = {};
const axeFindings: Record<string, AxeFinding[]> = {};
const tooSmall: Record<string, string[]> = {};

beforeAll(async () => {
  dataDir = scratch();
  Object.assign(env, { KIOSK_DATA_DIR: dataDir, KIOSK_DEMO_CARRIER: DEMO_CARRIER, KIOSK_CONFIG: plConfigWithLimits({ idleWarningSec: 10, idleTimeoutSec: 600, maxSessionMin: 60 }) });
  served = await serveKiosk(['--demo'], env);
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

/** Shows the screen in each language: axe-core, the 44 px rule and a screenshot; ends in `back`. */
async function everyLanguage(page: Page, screen: string, back: Language = 'en'): Promise<void> {
  for (const lang of [...LANGS.filter((l) => l !== back), back]) {
    await page.getByTestId(`lang-${lang}`).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
    axeFindings[`${screen}/${lang}`] = await seriousViolations(page);
    tooSmall[`${screen}/${lang}`] = await smallTargets(page);
    await page.screenshot({ path: path.join(SHOTS, `${screen}-${lang}.png`) });
  }
}

async function videoTime(page: Page): Promise<number> {
  return page.getByTestId('video').evaluate((v) => (v as HTMLVideoElement).currentTime);
}

describe('a review session through the web shell', () => {
  it('[DC-2] [DC-5] [DC-6] [PL-8.1] [Q-4] [Q-5] clerk signs in, composes, viewer plays (watermark overlay drawn, subtitles shown), seeks to an annotation, changes speed, pauses, is warned idle and ends; the log and the report hold the played ranges and, beside them, what was served', async () => {
    const context = await kioskContext(browser, served, { viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    // Every media request the page makes: its URL and its capability header.
    const mediaRequests: Array<{ url: string; capability: string | undefined }> = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/media/')) mediaRequests.push({ url: r.url(), capability: r.headers()[MEDIA_CAPABILITY_HEADER] });
    });
    await page.goto(`${served.origin}/`);
    await page.getByTestId('attract').waitFor();

    // Clerk: PIN pad, wrong PIN first (refused), then the right one on the keypad.
    await page.getByTestId('clerk-button').click();
    await page.getByTestId('pin-pad').waitFor();
    await everyLanguage(page, 'pin');
    await page.getByTestId('pin-account').fill('demo-clerk');
    for (const d of '9999') await page.getByTestId(`pin-key-${d}`).click();
    await page.getByTestId('pin-submit').click();
    await page.getByTestId('pin-rejected').waitFor();
    for (const d of '1234') await page.getByTestId(`pin-key-${d}`).click();
    await page.getByTestId('pin-submit').click();

    // Compose: the case, the recording, the viewer, the time.
    await page.getByTestId('compose').waitFor();
    await page.getByTestId('case-query').fill(PL_CASE);
    await page.getByTestId('case-find').click();
    await page.getByTestId('case-found').waitFor();
    const choice = page.getByTestId('recording-choice').filter({ hasText: PL_REC });
    // The case's lone recording is ticked for the clerk (the box follows core's view, so wait).
    await expect.poll(() => choice.locator('input').isChecked()).toBe(true);
    await page.getByTestId('viewer-name').fill('Jan Strona');
    await page.getByTestId('viewer-doctype').selectOption('id-card');
    await page.getByTestId('viewer-last4').fill('AB12');
    await page.getByTestId('viewer-purpose').fill('zapoznanie się z aktami');
    await page.getByTestId('viewer-minutes').fill('30');
    await everyLanguage(page, 'compose');
    await page.getByTestId('compose-confirm').click();

    // Handover, in the viewer's language.
    await page.getByTestId('handover').waitFor();
    await everyLanguage(page, 'handover');
    await page.getByTestId('handover-ready').click();

    // Player.
    const player = page.getByTestId('player');
    await player.waitFor();
    await expect.poll(() => player.getAttribute('data-load'), { timeout: 30_000 }).toBe('ready');
    await expect.poll(() => page.getByTestId('verified-badge').innerText()).toMatch(/[0-9a-f]{12}/);
    expect(await page.getByTestId('annotation-mark').count()).toBeGreaterThan(0);
    // The watermark's own page (Electron's click-through overlay window) draws while the session plays.
    const overlay = await context.newPage();
    await overlay.goto(`${served.origin}/watermark.html`);
    await overlay.getByTestId('watermark-overlay').waitFor();
    const inked = () =>
      overlay.evaluate(() => {
        const c = document.querySelector('canvas')!;
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
        return n;
      });
    await expect.poll(inked).toBeGreaterThan(100);
    await page.bringToFront();
    await page.getByTestId('play-pause').click();
    await expect.poll(() => player.getAttribute('data-status')).toBe('playing');
    await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(3);
    // Subtitles from the recording's WebVTT attachment, fetched through the session's capability.
    await page.getByTestId('captions').click();
    await expect
      .poll(() => page.getByTestId('video').evaluate((v) => { const t = (v as HTMLVideoElement).textTracks[0]; return t ? `${t.mode}:${t.cues?.length ?? 0}` : 'none'; }))
      .toMatch(/^showing:[1-9]/);
    // A <track src> cannot send the header: the cues were fetched with it and are shown from a blob: URL of the page.
    expect(await page.locator('video track').getAttribute('src')).toMatch(new RegExp(`^blob:${served.origin}/`));
    // Every media request carried the capability in its header, and none in its URL.
    expect(mediaRequests.length).toBeGreaterThan(3);
    expect(mediaRequests.some((r) => r.url.endsWith('.vtt'))).toBe(true);
    for (const r of mediaRequests) {
      expect(r.capability, r.url).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(r.url, r.url).not.toContain(r.capability!);
    }
    await everyLanguage(page, 'player');

    // Jump to the first annotation, change speed, play on, pause.
    const annotation = page.getByTestId('annotation').first();
    const label = (await annotation.innerText()).trim();
    const [mm, ss] = label.split(/\s+/)[0]!.split(':').map(Number) as [number, number];
    const target = mm * 60 + ss;
    await annotation.click();
    await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(target);
    await page.getByTestId('rate').selectOption('1.5');
    await expect.poll(() => page.getByTestId('video').evaluate((v) => (v as HTMLVideoElement).playbackRate)).toBe(1.5);
    await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(target + 3);
    await page.getByTestId('play-pause').click();
    await expect.poll(() => player.getAttribute('data-status')).toBe('paused');

    // Idle: paused and untouched, the warning comes; photographed in each language.
    for (const lang of LANGS) {
      await page.getByTestId(`lang-${lang}`).click();
      await page.getByTestId('idle-warning').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('idle-warning').innerText()).toContain(MESSAGES[lang]['idle.heading']);
      axeFindings[`idle/${lang}`] = await seriousViolations(page);
      await page.screenshot({ path: path.join(SHOTS, `idle-${lang}.png`) });
      await page.getByTestId('idle-continue').click();
      await page.getByTestId('idle-warning').waitFor({ state: 'detached' });
    }

    // The viewer ends; the summary shows what was seen.
    await page.getByTestId('lang-en').click();
    await page.getByTestId('player-end').click();
    await page.getByTestId('end-yes').click();
    await page.getByTestId('summary').waitFor();
    expect(await page.getByTestId('summary-reason').innerText()).toBe(MESSAGES.en['summary.reason.viewer']);
    await overlay.getByTestId('watermark-overlay').waitFor({ state: 'detached' });
    await overlay.close();
    expect(await page.getByTestId('summary-played').innerText()).toContain(PL_REC);
    await everyLanguage(page, 'summary');
    await page.getByTestId('summary-close').click();
    await page.getByTestId('attract').waitFor();

    // The log: intact, and the exported report holds the played ranges around the annotation.
    const verify = kioskctl(['log', 'verify', '--json'], env);
    expect(verify.code, verify.stderr).toBe(0);
    const out = scratch();
    const exp = kioskctl(['log', 'export', '--case', PL_CASE, '--out', out, '--lang', 'en', '--json'], env);
    expect(exp.code, exp.stderr).toBe(0);
    const exported = JSON.parse(exp.stdout) as { reports: Array<{ json: string }> };
    expect(exported.reports).toHaveLength(1);
    const report = JSON.parse(fs.readFileSync(exported.reports[0]!.json, 'utf8')) as ViewingReport;
    expect(report.session.endReason).toBe('viewer');
    const ranges = report.recordings.find((r) => r.identifier === PL_REC)?.played.ranges ?? [];
    expect(ranges.some(([a, b]) => a <= 1 && b >= 3), `a range from the start: ${JSON.stringify(ranges)}`).toBe(true);
    expect(ranges.some(([a, b]) => a <= target + 1 && b >= target + 3), `a range from the annotation at ${target}s: ${JSON.stringify(ranges)}`).toBe(true);
    expect(report.entries.some((e) => e.type === 'playback.rate')).toBe(true);
    // Beside what was played, what the kiosk served the player: bytes, and a timeline that holds every played range.
    const servedToPlayer = report.recordings.find((r) => r.identifier === PL_REC)!.served;
    expect(servedToPlayer.bytes).toBeGreaterThan(0);
    expect(report.entries.some((e) => e.type === 'media.served')).toBe(true);
    for (const [a, b] of ranges) expect(servedToPlayer.ranges.some(([c, d]) => c <= a + 0.5 && d >= b - 0.5), `played ${a}-${b} within served ${JSON.stringify(servedToPlayer.ranges)}`).toBe(true);
    await context.close();
  }, 240_000);

  it('[Q-5] axe-core finds no serious or critical violation on any session screen in pl, uk or en, and every target is at least 44x44 px', () => {
    expect(Object.keys(axeFindings).length).toBeGreaterThanOrEqual(6 * 3);
    expect(Object.entries(axeFindings).filter(([, v]) => v.length > 0)).toEqual([]);
    expect(Object.entries(tooSmall).filter(([, v]) => v.length > 0)).toEqual([]);
  });
});
