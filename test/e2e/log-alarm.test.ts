// The integrity alarm as people meet it: a kiosk witnessed by
// the reference TIS has the newest entries of its log cut with sqlite3 after a
// session; restarted, it shows court IT the alarm on the administrator screen
// (naming the TIS and both sizes) and tells a clerk why no session opens, in
// Polish, Ukrainian and English.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../app/shared/i18n';
import type { Language } from '../../app/shared/i18n/languages';
import { seriousViolations } from '../helpers/a11y';
import { launchChromium } from '../helpers/browser';
import { kioskPage } from '../helpers/launch';
import { REPO } from '../helpers/paths';
import { compose, signInClerk, signInFromPage } from '../helpers/screens';
import { WitnessedKiosk, type WitnessStatus } from '../helpers/witness';
import { makePki, makeTmp } from '../core/tis/fixture';

const SHOTS = path.join(REPO, 'docs', 'screenshots');
const LANGS: readonly Language[] = ['pl', 'uk', 'en'];
let tmp: string;
let kiosk: WitnessedKiosk;
let browser: Browser;
let witnessed: number;
let kept: number;

beforeAll(async () => {
  tmp = makeTmp();
  kiosk = await WitnessedKiosk.create(makePki(tmp), tmp);
  witnessed = await kiosk.runSession(await kiosk.serve());
  await kiosk.stop();
  kept = witnessed - 3;
  kiosk.cutTail(kept);
  // Started, not connected: the browser below spends this launch's one code exchange.
  await kiosk.start();
  expect(kiosk.k.json<WitnessStatus>(['status']).json.witness?.alarm).toBeTruthy();
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await kiosk?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the integrity alarm on the screens', () => {
  it('[Q-3] [Q-4] [Q-5] the administrator screen shows the alarm naming the TIS and both sizes, in pl, uk and en, axe-clean', async () => {
    const page = await kioskPage(browser, kiosk.served!, { width: 1280, height: 900 });
    await page.getByTestId('attract').waitFor();
    await signInFromPage(page, 'demo-admin', 'demo-admin-2026');
    await page.reload();
    await page.getByTestId('admin-screen').waitFor();
    fs.mkdirSync(SHOTS, { recursive: true });
    for (const lang of LANGS) {
      await page.getByTestId(`lang-${lang}`).click();
      const alarm = page.getByTestId('admin-log-alarm');
      await expect.poll(() => alarm.innerText()).toContain(MESSAGES[lang]['admin.logAlarm'].split('{problem}')[0]!.trim());
      const text = await alarm.innerText();
      // The service's own start-up entries (the demo's seeding) may come before its first check: at least the entries kept.
      const held = new RegExp(`TIS ${kiosk.tis.url.replace(/[.]/gu, '\\.')} holds a checkpoint of ${witnessed} entries but the log holds only (\\d+)`, 'u').exec(text);
      expect(Number(held?.[1])).toBeGreaterThanOrEqual(kept);
      expect(Number(held?.[1])).toBeLessThan(witnessed);
      expect(await alarm.getAttribute('role')).toBe('alert');
      expect(await seriousViolations(page), `axe ${lang}`).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, `admin-log-alarm-${lang}.png`), fullPage: false });
    }
    await page.getByTestId('admin-sign-out').click();
    await page.getByTestId('attract').waitFor();
    await page.close();
  }, 120_000);

  it('[Q-3] [Q-4] a clerk who composes a session is told, in the session\'s language, that it cannot open', async () => {
    for (const lang of LANGS) {
      const page = await kioskPage(browser, kiosk.served!, { width: 1280, height: 900 });
      await page.getByTestId('attract').waitFor();
      await page.getByTestId(`lang-${lang}`).click();
      await signInClerk(page);
      await page.getByTestId('compose').waitFor();
      await compose(page, 'KM 123/24', 'KM12324-20240305-01');
      await expect.poll(() => page.locator('.error[role="alert"]').innerText()).toBe(MESSAGES[lang]['compose.logAlarm']);
      expect(await page.getByTestId('compose').isVisible()).toBe(true);
      if (lang === 'pl') await page.screenshot({ path: path.join(SHOTS, 'compose-log-alarm-pl.png'), fullPage: true });
      await page.getByTestId('compose-signout').click();
      await page.getByTestId('attract').waitFor();
      await page.close();
    }
  }, 180_000);
});
