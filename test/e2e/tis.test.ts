// The case-file system on the administrator screen (acceptance 2 of the
// administration issue, UA-1, PL-6.1): a case fetched from the reference TIS
// with one part still processing; the recording waits in the queue with its
// next attempt, is fetched by itself after Retry-After and is offered in
// compose; a viewing session's report then reaches the TIS without any
// command. axe-clean in pl, uk and en; screenshots of the queue.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../app/shared/i18n';
import { writeTisCase, type CaseJson } from '../../scripts/tis-server/cases';
import { startTisServer, type TisServer } from '../../scripts/tis-server/server';
import { launchChromium } from '../helpers/browser';
import { kioskPage } from '../helpers/launch';
import { seriousViolations, smallTargets } from '../helpers/a11y';
import { DEMO_CARRIER } from '../helpers/demo';
import { serveKiosk, type Served } from '../helpers/kioskctl';
import { REPO, scratch } from '../helpers/paths';
import { SECRETS, TEST_ACCOUNTS } from '../helpers/accounts';
import { makePki } from '../core/tis/fixture';

const LANGS = ['pl', 'uk', 'en'] as const;
const SHOTS = path.join(REPO, 'docs', 'screenshots');
const SIG = 'KM 8/26';
const REC = 'KM826-CAM-01';
const MEDIA = fs.readFileSync(path.join(DEMO_CARRIER, 'KM-45-25', 'data', 'KM4525-20250114-02-v0.mp4'));

let served: Served;
let browser: Browser;
let tis: TisServer;
let root: string;

async function tisCase(processing: boolean): Promise<void> {
  const json: CaseJson = {
    case: { jurisdiction: 'PL', signature: SIG, court: 'Sąd Rejonowy dla Krakowa-Śródmieścia w Krakowie', caseNumber: null, proceedingsNumber: null },
    recordings: [
      {
        identifier: REC, creator: { name: 'Jan Kowalski', court: 'Sąd Rejonowy dla Krakowa-Śródmieścia w Krakowie' }, title: 'Oględziny lokalu', date: '2026-01-0510:00:00',
        duration: '00:08', grouping: SIG, version: 0, supersedes: null,
        parts: [processing ? { name: 'cam.mp4', status: 'processing', retryAfter: 2 } : { name: 'cam.mp4' }],
        annotations: [], attachments: [], envelopeSheet: null,
      },
    ],
  };
  await writeTisCase(root, json, { 'cam.mp4': MEDIA });
}

/** A session event sent by the page, as the renderer sends them; waits until the screen is `until`. */
async function send(page: Page, event: Record<string, unknown>, until?: string): Promise<void> {
  await page.evaluate(
    async ({ event, until }) => {
      await fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
      for (let i = 0; until && i < 300; i++) {
        const v = (await (await fetch('/api/session')).json()) as { screen: string };
        if (v.screen === until) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      if (until) throw new Error(`the session did not reach ${until}`);
    },
    { event, until },
  );
}

async function signIn(page: Page, accountId: string, secret: string): Promise<void> {
  await send(page, { type: 'clerk.begin' }, 'authenticating');
  await send(page, { type: 'clerk.pin', accountId, pin: secret }, 'composing');
  await page.reload();
}

beforeAll(async () => {
  const tmp = scratch('kiosk-tis-e2e-');
  const pki = makePki(tmp);
  root = path.join(tmp, 'root');
  tis = await startTisServer({ root, certs: pki.dir });
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(dataDir, { mode: 0o700 });
  const base = JSON.parse(fs.readFileSync(path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json'), 'utf8')) as Record<string, unknown>;
  delete base.$schema;
  fs.writeFileSync(
    path.join(dataDir, 'config.json'),
    JSON.stringify({
      ...base, accounts: TEST_ACCOUNTS, importSources: ['carrier', 'tis'],
      tis: { baseUrl: tis.url, caFile: path.join(pki.dir, 'ca.crt'), certFile: path.join(pki.dir, 'client.crt'), keyFile: path.join(pki.dir, 'client.key'), timeoutMs: 5000 },
    }),
  );
  served = await serveKiosk([], { KIOSK_DATA_DIR: dataDir, KIOSK_DRIVELIST_FEED: path.join(tmp, 'no-drives.json') });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await tis?.close();
});

describe('the case-file system on the administrator screen', () => {
  it('[UA-1] [PL-6.1] [Q-4] [Q-5] a processing part waits in the queue, is fetched by itself after Retry-After and offered in compose; the viewing report is delivered without any command', async () => {
    await tisCase(true);
    const page = await kioskPage(browser, served, { width: 1280, height: 900 });
    await page.getByTestId('attract').waitFor();
    await signIn(page, 'anna-it', SECRETS['anna-it']);
    await page.getByTestId('admin-tis').waitFor();
    await page.getByTestId('lang-en').click();

    await page.getByTestId('tis-signature').fill(SIG);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=tis-job][data-state=done]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('tis-outcome').innerText()).toContain(MESSAGES.en['admin.tis.outcome'].replace('{imported}', '0').replace('{unchanged}', '0').replace('{waiting}', '1'));
    await page.getByTestId('tis-waiting-row').waitFor();
    const row = await page.getByTestId('tis-waiting-row').innerText();
    expect(row).toContain(REC);
    expect(row).toMatch(/\d{4}-\d{2}-\d{4}:\d{2}:\d{2}/); // the next attempt, in the regulation's form
    for (const lang of LANGS) {
      await page.getByTestId(`lang-${lang}`).click();
      await expect.poll(() => page.locator('#admin-tis-h').textContent()).toBe(MESSAGES[lang]['admin.tis.heading']);
      expect(await seriousViolations(page), `axe ${lang}`).toEqual([]);
      expect(await smallTargets(page), `targets ${lang}`).toEqual([]);
      await page.getByTestId('admin-tis').screenshot({ path: path.join(SHOTS, `admin-tis-queue-${lang}.png`) });
    }

    // The TIS finishes processing; the kiosk fetches it by itself once Retry-After has passed.
    await tisCase(false);
    await page.getByTestId('tis-waiting-empty').waitFor({ timeout: 30_000 });
    await page.getByTestId('admin-compose').click();
    await page.getByTestId('case-query').fill(SIG);
    await page.getByTestId('case-find').click();
    await page.getByTestId('recording-choice').first().waitFor();
    expect(await page.getByTestId('compose').innerText()).toContain(REC);
    await page.getByTestId('compose-signout').click();
    await page.getByTestId('attract').waitFor();

    // A clerk's viewing session of it; its report reaches the TIS without a command.
    await signIn(page, 'ewa-clerk', SECRETS['ewa-clerk']);
    await send(page, { type: 'compose.case', query: SIG });
    await send(page, { type: 'compose.recordings', recordings: [{ identifier: REC, version: 0 }] });
    await send(page, { type: 'compose.viewer', name: 'Jan Strona', documentType: 'id-card', documentLast4: '1234', purpose: 'wgląd w akta' });
    await send(page, { type: 'compose.time', minutes: 15 });
    await send(page, { type: 'compose.confirm' }, 'handover');
    await send(page, { type: 'handover.viewerReady' }, 'viewing');
    await send(page, { type: 'viewer.play', mediaTime: 0 });
    await send(page, { type: 'media.progress', mediaTime: 2 });
    await send(page, { type: 'viewer.end' }, 'ended');
    await expect.poll(() => tis.reports.all().length, { timeout: 30_000 }).toBe(1);

    await send(page, { type: 'summary.close' }, 'locked');
    await page.getByTestId('attract').waitFor();
    await signIn(page, 'anna-it', SECRETS['anna-it']);
    await page.locator('[data-testid=tis-report-row][data-state=delivered]').waitFor({ timeout: 10_000 });
    await page.getByTestId('lang-en').click();
    expect(await page.getByTestId('tis-report-row').innerText()).toContain('TIS id');
    await page.close();
  }, 300_000);
});
