// Steps on the kiosk's screens that several browser tests share.
import type { Page } from 'playwright-core';

/** From the attract screen, a clerk signs in through the PIN pad (typing, not the keypad). */
export async function signInClerk(page: Page, accountId = 'demo-clerk', pin = '1234'): Promise<void> {
  await page.getByTestId('clerk-button').click();
  await page.getByTestId('pin-account').fill(accountId);
  await page.getByTestId('pin-input').fill(pin);
  await page.getByTestId('pin-submit').click();
}
