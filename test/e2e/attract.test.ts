// The attract screen in real Chromium through the web shell, in all three
// languages; screenshots land in docs/screenshots/.
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { serveKiosk, type Served } from '../helpers/kioskctl';
import { kioskContext, kioskPage } from '../helpers/launch';
import { REPO, scratch } from '../helpers/paths';
import { MESSAGES } from '../../app/shared/i18n';
import { seriousViolations, smallTargets } from '../helpers/a11y';

let served: Served;
let browser: Browser;

beforeAll(async () => {
  served = await serveKiosk([], { KIOSK_DATA_DIR: scratch() });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

describe('attract screen', () => {
  it('[Q-4] [Q-5] [DC-1] shows the attract screen in pl, uk and en, axe-clean with 44 px targets, and saves screenshots', async () => {
    const page = await kioskPage(browser, served, { width: 1280, height: 800 });
    await page.getByTestId('attract').waitFor();
    expect(new URL(page.url()).search).toBe(''); // no secret in the address bar
    // hls.js is bundled and finds Media Source Extensions in Chromium.
    expect(await page.evaluate(() => document.documentElement.dataset.playback)).toBe('hls');
    for (const lang of ['pl', 'uk', 'en'] as const) {
      await page.getByTestId(`lang-${lang}`).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe(MESSAGES[lang]['attract.heading']);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
      expect(await seriousViolations(page), lang).toEqual([]);
      expect(await smallTargets(page), lang).toEqual([]);
      await page.screenshot({ path: path.join(REPO, 'docs', 'screenshots', `attract-${lang}.png`) });
    }
    await page.close();
  });

  it('[DC-1] the context menu and the print/save/reload shortcuts are swallowed', async () => {
    const page = await kioskPage(browser, served);
    await page.getByTestId('attract').waitFor();
    const prevented = await page.evaluate(() => {
      const results: Record<string, boolean> = {};
      const fire = (name: string, ev: Event) => {
        document.body.dispatchEvent(ev);
        results[name] = ev.defaultPrevented;
      };
      fire('contextmenu', new MouseEvent('contextmenu', { bubbles: true, cancelable: true }));
      for (const key of ['p', 's', 'r', 'o', 'u']) fire(`ctrl+${key}`, new KeyboardEvent('keydown', { key, ctrlKey: true, bubbles: true, cancelable: true }));
      for (const key of ['F5', 'F12']) fire(key, new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      fire('plain a', new KeyboardEvent('keydown', { key: 'a', bubbles: true, cancelable: true }));
      return results;
    });
    expect(prevented).toEqual({
      contextmenu: true,
      'ctrl+p': true,
      'ctrl+s': true,
      'ctrl+r': true,
      'ctrl+o': true,
      'ctrl+u': true,
      F5: true,
      F12: true,
      'plain a': false,
    });
    await page.close();
  });

  it('[DC-1] the page runs under the strict CSP: inline script is refused', async () => {
    const page = await (await kioskContext(browser, served)).newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${served.origin}/`);
    await page.getByTestId('attract').waitFor();
    const ran = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.appendChild(s);
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    expect(ran).toBe(false);
    expect(violations.length).toBeGreaterThan(0);
    await page.close();
  });
});
