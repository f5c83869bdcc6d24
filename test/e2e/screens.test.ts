// The screens as a party, a clerk and an older viewer meet them (issue "no
// dead ends, no surprises, words a court would use"): one test per defect
// found at the demo, each in the language where it was found and one other.
// The session is driven over the web shell's API where the step itself is not
// what is tested, and through Chromium where it is.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { sessionCookie } from '../helpers/launch';
import { DEMO_CARRIER } from '../helpers/demo';
import { kioskctl, serveKiosk, type Served } from '../helpers/kioskctl';
import { REPO, scratch } from '../helpers/paths';
import { plConfigWithLimits } from '../helpers/config';
import { seriousViolations } from '../helpers/a11y';
import { SessionClient, backToLocked, openDemoSession } from '../helpers/session-client';
import { MESSAGES, type Language } from '../../app/shared/i18n';

// A short idle warning (10 s) and time-out (70 s), so the idle dialog comes soon and counts down.
let served: Served;
let browser: Browser;
let client: SessionClient;
const env: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  Object.assign(env, { KIOSK_DATA_DIR: scratch(), KIOSK_DEMO_CARRIER: DEMO_CARRIER, KIOSK_CONFIG: plConfigWithLimits({ idleWarningSec: 10, idleTimeoutSec: 70, maxSessionMin: 60 }) });
  served = await serveKiosk(['--demo'], env);
  client = await SessionClient.connect(served);
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

/** Back to the attract screen from wherever the last test left the session. */
async function reset(): Promise<void> {
  expect((await backToLocked(client)).screen).toBe('locked');
}

async function openPage(lang: Language, viewport = { width: 1280, height: 800 }): Promise<Page> {
  // The launch code was exchanged once (by the session client): the browser shares that session's cookie.
  const context = await browser.newContext({ viewport });
  const cookie = await sessionCookie(served);
  const eq = cookie.indexOf('=');
  await context.addCookies([{ name: cookie.slice(0, eq), value: cookie.slice(eq + 1), url: served.origin }]);
  const page = await context.newPage();
  // Closing the page closes its context; after the browser itself closed, that has nothing left to close.
  page.on('close', () => void context.close().catch(() => undefined));
  await page.goto(`${served.origin}/`);
  await page.locator('.shell').waitFor();
  await page.getByTestId(`lang-${lang}`).first().click();
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
  return page;
}

/** The data-testid of each Tab stop, in order, from the top of the page. */
async function tabOrder(page: Page, stops = 40): Promise<string[]> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const order: string[] = [];
  for (let i = 0; i < stops; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? ''));
  }
  return order;
}

describe('defect 1: ending a viewing', () => {
  for (const lang of ['en', 'pl'] as const) {
    it(`[Q-5] [defect 1] "End viewing" asks first, is a red danger button after Play in the Tab order, and "Keep watching" returns to the player (${lang})`, async () => {
      await reset();
      await openDemoSession(client);
      const page = await openPage(lang);
      await expect.poll(() => page.getByTestId('player').getAttribute('data-load'), { timeout: 30_000 }).toBe('ready');
      const order = await tabOrder(page);
      expect(order.indexOf('play-pause')).toBeGreaterThanOrEqual(0);
      expect(order.indexOf('player-end')).toBeGreaterThan(order.indexOf('play-pause'));
      // Unlike the language buttons beside which it used to stand.
      const look = (id: string) => page.getByTestId(id).evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(await look('player-end')).not.toBe(await look(`lang-${lang === 'en' ? 'pl' : 'en'}`));

      await page.getByTestId('player-end').click();
      const dialog = page.getByTestId('end-confirm');
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain(MESSAGES[lang]['player.endConfirm.heading']);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('end-keep');
      expect(await seriousViolations(page)).toEqual([]);
      // Keep watching: the dialog closes, the session goes on, the focus is back on the button.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect((await client.view()).screen).toBe('viewing');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('player-end');
      await page.getByTestId('player-end').click();
      await page.getByTestId('end-keep').click();
      await dialog.waitFor({ state: 'detached' });
      expect((await client.view()).screen).toBe('viewing');
      // Only the explicit "Yes, end viewing" ends it.
      await page.getByTestId('player-end').click();
      await page.getByTestId('end-yes').click();
      await page.getByTestId('summary').waitFor();
      expect((await client.view()).ended?.reason).toBe('viewer');
      await page.close();
    });
  }
});

async function signedInComposing(): Promise<void> {
  await reset();
  await client.sendUntil({ type: 'clerk.begin' }, (v) => v.screen === 'authenticating');
  await client.sendUntil({ type: 'clerk.pin', accountId: 'demo-clerk', pin: '1234' }, (v) => v.screen === 'composing');
}

/** Types a case query into the compose screen and presses Enter. */
async function search(page: Page, q: string): Promise<void> {
  await page.getByTestId('case-query').fill(q);
  await page.getByTestId('case-query').press('Enter');
}

describe('defect 2: finding a case', () => {
  for (const lang of ['pl', 'uk'] as const) {
    it(`[UA-5] [defect 2] case search ignores case, spaces and Latin/Cyrillic look-alikes, accepts the ЄУН without its suffix, and offers candidates as the clerk types (${lang})`, async () => {
      await signedInComposing();
      const page = await openPage(lang);
      await page.getByTestId('compose').waitFor();
      const tries: Array<[string, string]> = [
        ['km 123/24', 'KM 123/24'],
        ['KM123/24', 'KM 123/24'],
        ['757/12345/25', '757/12345/25-ц'],
        ['757/12345/25-c', '757/12345/25-ц'],
      ];
      for (const [q, sig] of tries) {
        // A miss between two tries, so each success is this query's own.
        await search(page, 'XX 0/00');
        await expect.poll(() => page.locator('.status-line .error').count()).toBe(1);
        await search(page, q);
        await expect.poll(() => page.getByTestId('case-found').textContent().catch(() => ''), { message: q }).toContain(sig);
      }
      // The miss says what to check, in the screen's language.
      await search(page, 'KM 999/99');
      await expect.poll(() => page.locator('.status-line .error').innerText()).toContain('KM 999/99');
      // Candidates as the clerk types; one touch opens the case.
      await page.getByTestId('case-query').fill('km 12');
      const candidate = page.getByTestId('case-candidate');
      await expect.poll(() => candidate.allInnerTexts()).toEqual(['KM 123/24']);
      expect(await seriousViolations(page)).toEqual([]);
      await candidate.click();
      await expect.poll(() => page.getByTestId('case-found').textContent().catch(() => '')).toContain('KM 123/24');
      await expect.poll(() => candidate.count()).toBe(0);
      await page.close();
    });
  }
});

describe('defect 3: time running out', () => {
  for (const lang of ['en', 'uk'] as const) {
    it(`[Q-5] [defect 3] a banner at 5 minutes and at 1 minute left, announced through a live region, the time left in large type, and the idle dialog counts down (${lang})`, async () => {
      await reset();
      await openDemoSession(client, undefined, undefined, 5);
      const page = await openPage(lang);
      const banner = page.getByTestId('time-banner');
      await expect.poll(() => banner.getAttribute('data-level')).toBe('five');
      expect(await page.getByTestId('time-live').textContent()).toBe(MESSAGES[lang]['player.timeBanner.five']);
      expect(await page.getByTestId('time-live').getAttribute('aria-live')).toBe('assertive');
      const px = await page.getByTestId('remaining').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      expect(px).toBeGreaterThanOrEqual(24);
      expect(await seriousViolations(page)).toEqual([]);

      // Untouched while paused: the idle dialog comes and counts down to the time-out (70 s after the last touch).
      const dialog = page.getByTestId('idle-warning');
      await dialog.waitFor({ timeout: 30_000 });
      const secs = async () => {
        const [m, s] = (await page.getByTestId('idle-countdown').innerText()).split(':').map(Number) as [number, number];
        return m * 60 + s;
      };
      const first = await secs();
      expect(first).toBeGreaterThan(0);
      expect(first).toBeLessThanOrEqual(60);
      await expect.poll(secs, { timeout: 5_000 }).toBeLessThan(first);
      expect(await page.getByTestId('idle-live').getAttribute('aria-live')).toBe('polite');
      expect(await page.getByTestId('idle-live').textContent()).toMatch(/\d:\d\d/);
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByTestId('idle-continue').click();
      await dialog.waitFor({ state: 'detached' });

      // A one-minute session: the last-minute banner at once.
      await reset();
      await openDemoSession(client, undefined, undefined, 1);
      // A new session starts in the kiosk's default language.
      await page.getByTestId(`lang-${lang}`).click();
      await expect.poll(() => banner.getAttribute('data-level'), { timeout: 10_000 }).toBe('one');
      expect(await page.getByTestId('time-live').textContent()).toBe(MESSAGES[lang]['player.timeBanner.one']);
      await reset();
      await page.close();
    });
  }
});

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');

describe('defect 7: the compose form says what is wrong', () => {
  for (const lang of ['pl', 'uk'] as const) {
    it(`[Q-5] [defect 7] the compose form has the case field focused, "Open session" in view at 1280x800, a lone recording ticked, and an error summary with field-level errors (too many minutes, Cyrillic in the last 4) (${lang})`, async () => {
      await signedInComposing();
      const page = await openPage(lang, { width: 1280, height: 800 });
      await page.getByTestId('compose').waitFor();
      await page.reload(); // arriving on the screen afresh, as the clerk does after signing in
      await page.getByTestId('compose').waitFor();
      await expect.poll(() => focusedId(page)).toBe('case-query');
      await page.getByTestId(`lang-${lang}`).click();
      const inView = async () => {
        const box = await page.getByTestId('compose-confirm').boundingBox();
        return box !== null && box.y >= 0 && box.y + box.height <= 800;
      };
      expect(await inView()).toBe(true);

      await search(page, 'KM 123/24');
      await expect.poll(() => page.getByTestId('recording-choice').first().locator('input').isChecked()).toBe(true);
      expect(await inView()).toBe(true);

      // Submitting with too many minutes and nothing else: the summary takes the focus and names every field.
      await page.getByTestId('viewer-minutes').fill('90');
      await page.getByTestId('compose-confirm').click();
      const summary = page.getByTestId('error-summary');
      await summary.waitFor();
      await expect.poll(() => focusedId(page)).toBe('error-summary');
      expect(await summary.locator('h2').innerText()).toBe(MESSAGES[lang]['compose.errors.heading']);
      for (const f of ['name', 'last4', 'purpose', 'minutes']) expect(await page.getByTestId(`err-${f}`).count(), f).toBe(1);
      expect(await page.getByTestId('err-minutes').innerText()).toContain('60');
      expect(await page.getByTestId('viewer-minutes').getAttribute('aria-invalid')).toBe('true');
      expect(await seriousViolations(page)).toEqual([]);
      // A link in the summary takes the clerk to the field.
      await page.getByTestId('err-link-name').click();
      await expect.poll(() => focusedId(page)).toBe('viewer-name');
      expect((await client.view()).screen).toBe('composing');

      // Cyrillic in the last 4 stays visible and is named; look-alikes become Latin.
      await page.getByTestId('viewer-last4').fill('ДЖ12');
      expect(await page.getByTestId('viewer-last4').inputValue()).toBe('ДЖ12');
      expect(await page.getByTestId('err-last4').innerText()).toContain('Д Ж');
      await page.getByTestId('viewer-last4').fill('АВ12'); // Cyrillic А and В
      expect(await page.getByTestId('viewer-last4').inputValue()).toBe('AB12');
      expect(await page.getByTestId('err-last4').count()).toBe(0);

      await page.getByTestId('viewer-name').fill('Jan Strona');
      await page.getByTestId('viewer-purpose').fill('zapoznanie się z aktami');
      await page.getByTestId('viewer-minutes').fill('30');
      await page.getByTestId('compose-confirm').click();
      await page.getByTestId('handover').waitFor();
      await page.close();
    });
  }
});

describe('defect 6: played ranges as people read them', () => {
  for (const lang of ['pl', 'uk'] as const) {
    it(`[DC-6] [defect 6] the summary and the printed report show merged ranges that never run past the recording's end, and a speed change back to 1× is said (${lang})`, async () => {
      await reset();
      const viewing = await openDemoSession(client); // KM12324-20240305-01, 00:40 long
      const sessionId = viewing.sessionId!;
      const page = await openPage(lang);
      await page.getByTestId('player').waitFor();
      // Two stretches that overlap once rounded to seconds, and one that runs past the end.
      const steps: Array<Record<string, unknown>> = [
        { type: 'viewer.play', mediaTime: 0 },
        { type: 'media.progress', mediaTime: 5 },
        { type: 'media.progress', mediaTime: 10.6 },
        { type: 'viewer.pause', mediaTime: 10.6 },
        { type: 'viewer.seek', mediaTime: 10.8 },
        { type: 'viewer.play', mediaTime: 10.8 },
        { type: 'viewer.rate', rate: 1.5 },
        { type: 'media.progress', mediaTime: 15 },
        { type: 'viewer.rate', rate: 1 },
        { type: 'media.progress', mediaTime: 20 },
        { type: 'viewer.pause', mediaTime: 20 },
        { type: 'viewer.seek', mediaTime: 36 },
        { type: 'viewer.play', mediaTime: 36 },
        { type: 'media.progress', mediaTime: 41.5 },
        { type: 'viewer.pause', mediaTime: 41.5 },
        { type: 'viewer.end' },
      ];
      for (const e of steps) expect((await client.send(e)).status, JSON.stringify(e)).toBeLessThan(300);
      await page.getByTestId('summary').waitFor();
      expect(await page.getByTestId('summary-ranges').innerText()).toContain('00:00–00:20, 00:36–00:40');

      const out = scratch();
      const exp = kioskctl(['log', 'export', '--case', 'KM 123/24', '--out', out, '--lang', lang, '--json'], env);
      expect(exp.code, exp.stderr).toBe(0);
      const html = fs.readFileSync(path.join(out, `${sessionId}.html`), 'utf8');
      expect(html).toContain('00:00–00:20, 00:36–00:40');
      expect(html).not.toMatch(/00:4[1-9]/);
      // 10.6 + 9.2 + 4 s within the recording, written with the language's decimal comma.
      expect(html).toContain('23,8');
      expect(html).toContain(lang === 'pl' ? 'prędkość 1×' : 'швидкість 1×');
      await page.close();
    });
  }
});

describe('defect 5: local court time', () => {
  for (const lang of ['uk', 'pl'] as const) {
    it(`[PL-3.4] [defect 5] screens and reports show local court time in the regulation form, no "Z" or offset, the zone named once in the report's heading, and no date wraps (${lang})`, async () => {
      await signedInComposing();
      const page = await openPage(lang);
      await search(page, '757/12345/25-ц');
      const choice = page.getByTestId('recording-choice').first();
      await choice.waitFor();
      const text = await choice.innerText();
      expect(text).toMatch(/2025-02-07\d{2}:\d{2}:\d{2}/);
      expect(text).not.toMatch(/[+-]\d{2}:\d{2}\b|\d{2}Z\b/);

      // A session, then its report in this language.
      await reset();
      const viewing = await openDemoSession(client);
      await client.send({ type: 'viewer.end' });
      const out = scratch();
      const exp = kioskctl(['log', 'export', '--case', 'KM 123/24', '--out', out, '--lang', lang, '--json'], env);
      expect(exp.code, exp.stderr).toBe(0);
      const html = fs.readFileSync(path.join(out, `${viewing.sessionId!}.html`), 'utf8');
      expect(html).not.toMatch(/\d{2}:\d{2}:\d{2}Z/);
      expect(html).not.toContain('UTC');
      expect(html.split('Europe/Warsaw').length - 1).toBe(1);
      // Log times are Warsaw time: the hour the kiosk's clock says there now.
      const hourThere = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Warsaw', hour: '2-digit', hourCycle: 'h23' }).format(new Date());
      expect(html).toMatch(new RegExp(`\\d{4}-\\d{2}-\\d{2}${hourThere}:\\d{2}:\\d{2}`));
      // Printed at A4 width, no time or date cell wraps.
      const report = await browser.newPage({ viewport: { width: 794, height: 1123 } });
      await report.setContent(html);
      const wrapped = await report.evaluate(() =>
        Array.from(document.querySelectorAll('td.nowrap'))
          .filter((td) => {
            // One rectangle per line the text takes.
            const r = document.createRange();
            r.selectNodeContents(td);
            return r.getClientRects().length > 1;
          })
          .map((td) => td.textContent),
      );
      expect(await report.locator('td.nowrap').count()).toBeGreaterThan(3);
      expect(wrapped).toEqual([]);
      await report.close();
      await page.close();
    });
  }
});

describe('defect 4: a superseded version', () => {
  for (const lang of ['pl', 'en'] as const) {
    it(`[PL-3.7] [defect 4] a superseded version is marked as such, unticked by default, and chosen only with a reason that the viewing log records (${lang})`, async () => {
      await signedInComposing();
      const page = await openPage(lang);
      await search(page, 'KM 45/25');
      const rows = page.getByTestId('recording-choice');
      await expect.poll(() => rows.count()).toBe(2);
      const v0 = rows.filter({ has: page.getByTestId('superseded-tag') });
      const v1 = rows.filter({ has: page.getByTestId('current-tag') });
      expect(await v0.getByTestId('superseded-tag').innerText()).toBe(MESSAGES[lang]['compose.recordings.superseded'].replace('{v}', '1'));
      // The current version is ticked, the superseded one is not.
      await expect.poll(() => v1.locator('input').isChecked()).toBe(true);
      expect(await v0.locator('input').isChecked()).toBe(false);
      // Ticking it asks for the reason first; without one nothing changes.
      await v0.locator('input').click();
      await page.getByTestId('superseded-reason').waitFor();
      await page.getByTestId('superseded-include').click();
      await page.getByTestId('err-reason').waitFor();
      expect(await v0.locator('input').isChecked()).toBe(false);
      expect(await seriousViolations(page)).toEqual([]);
      const reason = 'porównanie z wersją sprzed zamazania osób trzecich';
      await page.getByTestId('superseded-reason-input').fill(reason);
      await page.getByTestId('superseded-include').click();
      await expect.poll(() => v0.locator('input').isChecked()).toBe(true);
      expect((await client.view()).composition.supersededReason).toBe(reason);

      await page.getByTestId('viewer-name').fill('Jan Strona');
      await page.getByTestId('viewer-last4').fill('AB12');
      await page.getByTestId('viewer-purpose').fill('zapoznanie się z aktami');
      await page.getByTestId('compose-confirm').click();
      await page.getByTestId('handover-ready').click();
      // The player's list says "version 0 (superseded by version 1)", not "· v0".
      const list = page.getByTestId('select-recording');
      await expect.poll(() => list.count()).toBe(2);
      const labels = await list.allInnerTexts();
      expect(labels.join('\n')).not.toMatch(/· v\d/);
      expect(labels.join('\n')).toContain(MESSAGES[lang]['player.supersededShort'].replace('{v}', '1'));
      const sessionId = (await client.view()).sessionId!;
      await reset();
      const out = scratch();
      const exp = kioskctl(['log', 'export', '--case', 'KM 45/25', '--out', out, '--lang', lang, '--json'], env);
      expect(exp.code, exp.stderr).toBe(0);
      const report = JSON.parse(fs.readFileSync(path.join(out, `${sessionId}.json`), 'utf8')) as { entries: Array<{ type: string; data: Record<string, unknown> }> };
      expect(report.entries.find((e) => e.type === 'session.opened')?.data.supersededReason).toBe(reason);
      // …and the printed report says it, in the report's language.
      const html = fs.readFileSync(path.join(out, `${sessionId}.html`), 'utf8');
      expect(html).toContain(reason);
      expect(html).toContain(lang === 'pl' ? 'Przyczyna pokazania wersji zastąpionej' : 'Superseded version shown because');
      await page.close();
    });
  }
});

const SHOTS = path.join(REPO, 'docs', 'screenshots');
const rootPx = (page: Page) => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));

/** The smallest font size of any visible element that holds text of its own. */
const smallestText = (page: Page) =>
  page.evaluate(() => {
    let min = Infinity;
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      const own = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
      if (!own || el.closest('.visually-hidden, video, [aria-hidden="true"]') || el.getClientRects().length === 0) continue;
      min = Math.min(min, parseFloat(getComputedStyle(el).fontSize));
    }
    return min;
  });

describe('defect 8: type for a kiosk', () => {
  for (const lang of ['pl', 'uk'] as const) {
    it(`[Q-5] [defect 8] a 20 px base with nothing under 18 px, a text-size control (A / A+ / A++) the session keeps, a 44 px seek handle, and a stacked portrait layout on a 1080x1920 screen (${lang})`, async () => {
      await reset();
      await openDemoSession(client);
      const page = await openPage(lang, { width: 1080, height: 1920 });
      await expect.poll(() => page.getByTestId('player').getAttribute('data-load'), { timeout: 30_000 }).toBe('ready');
      expect(await rootPx(page)).toBe(20);
      expect(await smallestText(page)).toBeGreaterThanOrEqual(18);
      // Portrait: the picture across the screen, the side panel below it, not beside.
      const video = (await page.locator('.video-wrap').boundingBox())!;
      const side = (await page.locator('.side').boundingBox())!;
      expect(video.width).toBeGreaterThan(0.9 * 1080);
      expect(side.y).toBeGreaterThanOrEqual(video.y + video.height);
      // The seek handle and the annotation marks.
      const thumb = await page.getByTestId('seek').evaluate((el) => getComputedStyle(el, '::-webkit-slider-thumb').height);
      expect(parseFloat(thumb)).toBeGreaterThanOrEqual(44);
      const mark = (await page.getByTestId('annotation-mark').first().boundingBox())!;
      expect(mark.width).toBeGreaterThanOrEqual(8);
      expect(mark.height).toBeGreaterThanOrEqual(24);
      await page.screenshot({ path: path.join(SHOTS, `player-portrait-${lang}.png`) });

      // A++: larger everywhere, kept from screen to screen for the rest of the session.
      await page.getByTestId('text-size-larger').click();
      expect(await rootPx(page)).toBe(28);
      expect(await page.getByTestId('text-size-larger').getAttribute('aria-pressed')).toBe('true');
      expect(await seriousViolations(page)).toEqual([]);
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.screenshot({ path: path.join(SHOTS, `player-larger-${lang}.png`) });
      await page.getByTestId('player-end').click();
      await page.getByTestId('end-yes').click();
      await page.getByTestId('summary').waitFor();
      expect(await rootPx(page)).toBe(28);
      await page.screenshot({ path: path.join(SHOTS, `summary-larger-${lang}.png`) });
      // The next person starts at the standard size.
      await page.getByTestId('summary-close').click();
      await page.getByTestId('attract').waitFor();
      expect(await rootPx(page)).toBe(20);
      await page.close();
    });
  }
});
