// README command one, as a newcomer sees it: the kiosk started with --demo on
// an empty catalog imports the demo carrier and the clerk's list shows the
// demo recordings. Screenshot in docs/screenshots/.
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { DEMO_CARRIER } from '../helpers/demo';
import { serveKiosk, type Served } from '../helpers/kioskctl';
import { kioskPage } from '../helpers/launch';
import { REPO, scratch } from '../helpers/paths';
import { seriousViolations, smallTargets } from '../helpers/a11y';
import { signInClerk } from '../helpers/screens';
import { MESSAGES } from '../../app/shared/i18n';

let served: Served;
let browser: Browser;

beforeAll(async () => {
  served = await serveKiosk(['--demo'], { KIOSK_DATA_DIR: scratch(), KIOSK_DEMO_CARRIER: DEMO_CARRIER });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

describe('demo start', () => {
  it('[DC-3] [PL-3.7] [UA-2] [Q-4] [Q-5] serve --demo imports the demo carrier and lists its recordings for a signed-in clerk; the catalogue passes axe-core in pl, uk and en', async () => {
    const page = await kioskPage(browser, served, { width: 1280, height: 800 });
    await page.getByTestId('lang-en').click();
    await signInClerk(page);
    await page.getByTestId('compose-catalog').click();
    await page.getByTestId('recordings').waitFor();
    const rows = page.getByTestId('recording-row');
    await expect.poll(() => rows.count()).toBe(4);
    const text = await page.getByTestId('recordings').innerText();
    for (const s of ['KM12324-20240305-01', 'KM4525-20250114-02', 'VKZ-757-12345-25-20250207', '2024-03-0510:15:00', 'original', 'supersedes KM4525-20250114-02 v0', '3 parts'])
      expect(text).toContain(s);
    await page.screenshot({ path: path.join(REPO, 'docs', 'screenshots', 'demo-recordings-en.png'), fullPage: true });
    // The clerk's catalogue in every language, checked with axe-core.
    for (const lang of ['pl', 'uk', 'en'] as const) {
      await page.getByTestId(`lang-${lang}`).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe(MESSAGES[lang]['recordings.heading']);
      expect(await seriousViolations(page), lang).toEqual([]);
      expect(await smallTargets(page), lang).toEqual([]);
      await page.screenshot({ path: path.join(REPO, 'docs', 'screenshots', `catalog-${lang}.png`), fullPage: true });
    }
    await page.close();
  });
});
