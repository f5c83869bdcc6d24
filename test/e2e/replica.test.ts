// The second copy as court IT and a party meet it (PL-5.1, Q-4, Q-5): a
// replica that is not required sits on a tmpfs too small for the demo. The
// kiosk imports and plays all the same; the administrator screen shows the
// backlog and why, in pl, uk and en; with space back it catches up by itself;
// unmounted, it is shown unreachable, and viewing still goes on.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../app/shared/i18n';
import type { Language } from '../../app/shared/i18n/languages';
import { seriousViolations } from '../helpers/a11y';
import { launchChromium } from '../helpers/browser';
import { DEMO_CARRIER } from '../helpers/demo';
import { serveKiosk, type Served } from '../helpers/kioskctl';
import { kioskPage } from '../helpers/launch';
import { REPO, scratch } from '../helpers/paths';
import { compose, signInClerk, signInFromPage } from '../helpers/screens';

const SHOTS = path.join(REPO, 'docs', 'screenshots');
const LANGS: readonly Language[] = ['pl', 'uk', 'en'];
const CAN_MOUNT = process.getuid?.() === 0 && (() => {
  const d = scratch('probe-mount-');
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', d]).status === 0;
  if (ok) spawnSync('umount', [d]);
  return ok;
})();
if (!CAN_MOUNT) console.log('replica screen test skipped: mounting a tmpfs needs root in a machine that allows it');

let served: Served;
let browser: Browser;
let replica: string;
let mounted = false;

beforeAll(async () => {
  if (!CAN_MOUNT) return;
  replica = scratch('replica-mnt-');
  expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', replica]).status).toBe(0);
  mounted = true;
  const dataDir = scratch('kiosk-data-');
  const base = JSON.parse(fs.readFileSync(path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json'), 'utf8')) as Record<string, unknown>;
  delete base.$schema;
  fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ ...base, replica: { path: replica, required: false } }));
  served = await serveKiosk(['--demo'], { KIOSK_DATA_DIR: dataDir, KIOSK_DEMO_CARRIER: DEMO_CARRIER });
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (mounted) spawnSync('umount', ['-l', replica]);
});

async function adminScreen(page: Page): Promise<void> {
  await page.getByTestId('attract').waitFor();
  await signInFromPage(page, 'demo-admin', 'demo-admin-2026');
  await page.reload();
  await page.getByTestId('admin-screen').waitFor();
}

/** Refreshes the overview until the replica's notice is in `state`. */
async function replicaState(page: Page, state: string): Promise<void> {
  await expect
    .poll(
      async () => {
        await page.getByTestId('admin-refresh').click();
        return page.getByTestId('admin-replica').getAttribute('data-state');
      },
      { timeout: 30_000, interval: 500 },
    )
    .toBe(state);
}

async function viewingStillWorks(page: Page): Promise<void> {
  await page.getByTestId('lang-en').click();
  await signInClerk(page);
  await page.getByTestId('compose').waitFor();
  await compose(page, 'KM 123/24', 'KM12324-20240305-01');
  await page.getByTestId('handover-ready').click();
  await page.getByTestId('player').waitFor();
  await expect.poll(() => page.getByTestId('player').getAttribute('data-load'), { timeout: 30_000 }).toBe('ready');
  await page.getByTestId('player-end').click();
  await page.getByTestId('end-yes').click();
  await page.getByTestId('summary').waitFor();
}

describe.runIf(CAN_MOUNT)('the replica on the administrator screen (acceptance 2, not required)', () => {
  it('[PL-5.1] [Q-4] [Q-5] full: the backlog and why, in pl, uk and en, axe-clean, while a session plays; space back: in sync by itself; unmounted: unreachable, and viewing goes on', async () => {
    const page = await kioskPage(browser, served, { width: 1280, height: 900 });
    await adminScreen(page);
    await replicaState(page, 'backlog');
    const notice = page.getByTestId('admin-replica');
    expect(await notice.getAttribute('role')).toBe('alert');
    expect(await page.getByTestId('admin-replica-problem').innerText()).toContain('no space left');
    fs.mkdirSync(SHOTS, { recursive: true });
    for (const lang of LANGS) {
      await page.getByTestId(`lang-${lang}`).click();
      const head = MESSAGES[lang]['admin.replica.backlog'].split('{path}')[0]!;
      await expect.poll(() => notice.innerText()).toContain(head);
      expect(await notice.innerText()).toContain(replica);
      expect(await seriousViolations(page), `axe ${lang}`).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, `admin-replica-backlog-${lang}.png`) });
    }
    await page.getByTestId('admin-sign-out').click();

    // Viewing does not wait for the replica.
    await viewingStillWorks(page);
    await page.getByTestId('summary-close').click();

    // Space returns: the service catches up by itself, catalog included.
    expect(spawnSync('mount', ['-o', 'remount,size=64m', replica]).status).toBe(0);
    await adminScreen(page);
    await replicaState(page, 'in-sync');
    expect(await notice.getAttribute('role')).toBe('status');
    await page.getByTestId('lang-pl').click();
    await page.screenshot({ path: path.join(SHOTS, 'admin-replica-in-sync-pl.png') });
    const db = new Database(path.join(replica, 'catalog.sqlite'), { readonly: true, fileMustExist: true });
    try {
      expect(db.prepare('SELECT count(*) FROM recordings').pluck().get()).toBe(4);
    } finally {
      db.close();
    }

    // Unmounted: unreachable, named; and still a party can watch.
    expect(spawnSync('umount', ['-l', replica]).status).toBe(0);
    mounted = false;
    await replicaState(page, 'unreachable');
    expect(await page.getByTestId('admin-replica-problem').innerText()).toContain('replica.marker.missing');
    expect(fs.readdirSync(replica)).toEqual([]);
    await page.getByTestId('lang-en').click();
    await page.screenshot({ path: path.join(SHOTS, 'admin-replica-unreachable-en.png') });
    await page.getByTestId('admin-sign-out').click();
    await viewingStillWorks(page);
    await page.close();
  }, 180_000);
});
