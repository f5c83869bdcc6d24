// a whole review session with the keyboard alone — Tab to move, Enter
// and Space to act, the player's shortcuts to play, skip, change speed and
// pause. No pointer event is sent at any step.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { DEMO_CARRIER } from '../helpers/demo';
import { serveKiosk, type Served } from '../helpers/kioskctl';
import { kioskPage } from '../helpers/launch';
import { scratch } from '../helpers/paths';

let served: Served;
let browser: Browser;

beforeAll(async () => {
  served = await serveKiosk(['--demo'], { KIOSK_DATA_DIR: scratch(), KIOSK_DEMO_CARRIER: DEMO_CARRIER });
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

/** Presses Tab until the focused element is (or sits inside) the one with this test id. */
async function tabTo(page: Page, testId: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const there = await page.evaluate((id) => !!document.activeElement?.closest(`[data-testid="${id}"]`), testId);
    if (there) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${testId}`);
}

const videoTime = (page: Page) => page.getByTestId('video').evaluate((v) => (v as HTMLVideoElement).currentTime);

describe('keyboard only', () => {
  it('[Q-5] [DC-2] a clerk and a viewer run a whole session with the keyboard alone', async () => {
    const page = await kioskPage(browser, served, { width: 1366, height: 900 });
    await page.getByTestId('attract').waitFor();

    await tabTo(page, 'clerk-button');
    await page.keyboard.press('Enter');
    await page.getByTestId('pin-pad').waitFor();
    await tabTo(page, 'pin-account');
    await page.keyboard.type('demo-clerk');
    await tabTo(page, 'pin-input');
    await page.keyboard.type('1234');
    await page.keyboard.press('Enter');

    await page.getByTestId('compose').waitFor();
    await tabTo(page, 'case-query');
    await page.keyboard.type('KM 123/24');
    await page.keyboard.press('Enter');
    await page.getByTestId('case-found').waitFor();
    // The case's lone recording is ticked for the clerk.
    await expect.poll(() => page.getByTestId('recording-choice').first().locator('input').isChecked()).toBe(true);
    await tabTo(page, 'viewer-name');
    await page.keyboard.type('Jan Strona');
    await tabTo(page, 'viewer-last4');
    await page.keyboard.type('ab12');
    await tabTo(page, 'viewer-purpose');
    await page.keyboard.type('zapoznanie się z aktami');
    await page.keyboard.press('Enter');

    await page.getByTestId('handover').waitFor();
    await tabTo(page, 'handover-ready');
    await page.keyboard.press('Enter');

    const player = page.getByTestId('player');
    await expect.poll(() => player.getAttribute('data-load'), { timeout: 30_000 }).toBe('ready');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Space');
    await expect.poll(() => player.getAttribute('data-status')).toBe('playing');
    await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(1);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(11);
    await page.keyboard.press(']');
    await expect.poll(() => page.getByTestId('video').evaluate((v) => (v as HTMLVideoElement).playbackRate)).toBe(1.25);
    await page.keyboard.press('Space');
    await expect.poll(() => player.getAttribute('data-status')).toBe('paused');

    await tabTo(page, 'player-end');
    await page.keyboard.press('Enter');
    // Ending asks first; the safe answer has the focus, the ending one is the next Tab stop.
    await page.getByTestId('end-confirm').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('end-keep');
    await tabTo(page, 'end-yes');
    await page.keyboard.press('Enter');
    await page.getByTestId('summary').waitFor();
    expect(await page.getByTestId('summary-played').innerText()).toContain('KM12324-20240305-01');
    await tabTo(page, 'summary-close');
    await page.keyboard.press('Enter');
    await page.getByTestId('attract').waitFor();
    await page.close();
  }, 180_000);
});
