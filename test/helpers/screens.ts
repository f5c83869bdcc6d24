// Steps on the kiosk's screens that several browser tests share.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** From the attract screen, a clerk signs in through the PIN pad (typing, not the keypad). */
export async function signInClerk(page: Page, accountId = 'demo-clerk', pin = '1234'): Promise<void> {
  await page.getByTestId('clerk-button').click();
  await page.getByTestId('pin-account').fill(accountId);
  await page.getByTestId('pin-input').fill(pin);
  await page.getByTestId('pin-submit').click();
}

/** Signs `accountId` in through the session API from the page (its cookie), as the PIN pad would; resolves on the composing screen. */
export async function signInFromPage(page: Page, accountId: string, pin: string): Promise<void> {
  await page.evaluate(
    async ({ accountId, pin }) => {
      const send = (e: unknown) => fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(e) });
      await send({ type: 'clerk.begin' });
      await send({ type: 'clerk.pin', accountId, pin });
      for (let i = 0; i < 200; i++) {
        const v = (await (await fetch('/api/session')).json()) as { screen: string };
        if (v.screen === 'composing') return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the administrator was not signed in');
    },
    { accountId, pin },
  );
}

/** On the compose screen: finds the case, ticks the recording, names a viewer and confirms. */
export async function compose(page: Page, caseQuery: string, rec: string): Promise<void> {
  await page.getByTestId('case-query').fill(caseQuery);
  await page.getByTestId('case-find').click();
  await page.getByTestId('case-found').waitFor();
  const box = page.getByTestId('recording-choice').filter({ hasText: rec }).locator('input');
  // A case's only recording is ticked by the compose screen itself; among several the clerk ticks it.
  if ((await page.getByTestId('recording-choice').count()) > 1) await box.click();
  await expect.poll(() => box.isChecked()).toBe(true);
  await page.getByTestId('viewer-name').fill('Olena Petrenko');
  await page.getByTestId('viewer-last4').fill('XY34');
  await page.getByTestId('viewer-purpose').fill('ознайомлення');
  await page.getByTestId('compose-confirm').click();
}
