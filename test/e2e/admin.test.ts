// The administrator screen in real Chromium through the web shell (`serve
// --demo`): sign-in over the session API, the demo imports, the two-person
// export refused for the same person twice and for a wrong PIN (both logged),
// then accepted for two different people with a receipt. axe-core in pl, uk
// and en; screenshots in docs/screenshots/.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../app/shared/i18n';
import { launchChromium } from '../helpers/browser';
import { DEMO_CARRIER } from '../helpers/demo';
import { kioskctl, serveKiosk, type Served } from '../helpers/kioskctl';
import { kioskPage } from '../helpers/launch';
import { REPO, scratch } from '../helpers/paths';
import { logEntries as entriesOf } from '../helpers/log-entries';
import { signInFromPage } from '../helpers/screens';

const LANGS = ['pl', 'uk', 'en'] as const;
const AXE = fs.readFileSync(path.join(REPO, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const SHOTS = path.join(REPO, 'docs', 'screenshots');

let served: Served;
let browser: Browser;
let dataDir: string;
let target: string;

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: string[];
}

/** axe-core, evaluated over the DevTools protocol (the page's CSP forbids injected script tags). */
async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
}

/** Every control a finger may need is at least 44×44 CSS px. */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, input, select')]
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width < 44 || r.height < 44)
      .map(({ el, r }) => `${el.tagName.toLowerCase()}#${el.id || el.dataset.testid || '?'} ${Math.round(r.width)}x${Math.round(r.height)}`),
  );
}

function query<T>(dir: string, sql: string): T[] {
  const db = new Database(path.join(dir, 'catalog.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const logEntries = (type: string): Array<Record<string, unknown>> => entriesOf(dataDir, type);

/** The page drives the session API itself, as the PIN pad will (until that screen lands). */
async function exportWith(page: Page, first: [string, string], second: [string, string]): Promise<void> {
  await page.getByTestId('export-case').selectOption('KM 123/24');
  await page.getByTestId('export-target').fill(target);
  await page.getByTestId('export-recipient').fill('Prezes Sądu Rejonowego');
  await page.getByTestId('export-first-account').fill(first[0]);
  await page.getByTestId('export-first-secret').fill(first[1]);
  await page.getByTestId('export-second-account').fill(second[0]);
  await page.getByTestId('export-second-secret').fill(second[1]);
  // Keyboard: Enter in the last field submits the form.
  await page.keyboard.press('Enter');
}

beforeAll(async () => {
  dataDir = scratch();
  target = scratch('carrier-');
  served = await serveKiosk(['--demo'], { KIOSK_DATA_DIR: dataDir, KIOSK_DEMO_CARRIER: DEMO_CARRIER });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  fs.rmSync(target, { recursive: true, force: true });
});

describe('administrator screen', () => {
  it('[PL-9] [DC-6] [Q-4] [Q-5] two-person export: same person twice and a wrong PIN are refused and logged, two different people get the receipt; axe-clean in pl, uk and en', async () => {
    const page = await kioskPage(browser, served, { width: 1280, height: 900 });
    await page.getByTestId('attract').waitFor();
    // Nobody signed in: core refuses the admin API.
    expect(await page.evaluate(async () => (await fetch('/api/admin/overview')).status)).toBe(403);

    await signInFromPage(page, 'demo-admin', 'demo-admin-2026');
    await page.reload();
    await page.getByTestId('admin-screen').waitFor();
    await page.getByTestId('admin-imports').waitFor();
    const imports = await page.getByTestId('admin-imports').innerText();
    await page.getByTestId('lang-en').click();
    await expect.poll(() => page.getByTestId('admin-imports').innerText()).toContain(MESSAGES.en['admin.source.demo']);
    expect(await page.getByTestId('admin-import-row').count()).toBe(3);
    expect(imports).toMatch(/KM-123-24|KM-45-25|UA-757-12345-25/);

    for (const lang of LANGS) {
      await page.getByTestId(`lang-${lang}`).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe(MESSAGES[lang]['admin.heading']);
      expect(await seriousViolations(page), `axe ${lang}`).toEqual([]);
      expect(await smallTargets(page), `targets ${lang}`).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, `admin-overview-${lang}.png`), fullPage: true });
    }

    await page.getByTestId('lang-en').click();
    // The same person twice: refused before any PIN is checked, and logged.
    await exportWith(page, ['demo-admin', 'demo-admin-2026'], ['demo-admin', 'demo-admin-2026']);
    await expect.poll(() => page.getByTestId('export-refused').getAttribute('data-rule')).toBe('export.approval.same-person');
    expect(await page.getByTestId('export-refused').innerText()).toContain(MESSAGES.en['admin.export.refused.same']);
    // The PIN fields were cleared after the attempt.
    expect(await page.getByTestId('export-first-secret').inputValue()).toBe('');
    for (const lang of LANGS) {
      await page.getByTestId(`lang-${lang}`).click();
      await expect.poll(() => page.getByTestId('export-refused').innerText()).toContain(MESSAGES[lang]['admin.export.refused.same']);
      expect(await seriousViolations(page), `axe refused ${lang}`).toEqual([]);
      await page.getByTestId('admin-export').screenshot({ path: path.join(SHOTS, `admin-export-refused-${lang}.png`) });
    }

    await page.getByTestId('lang-en').click();
    // A wrong PIN for the second person: refused and logged.
    await exportWith(page, ['demo-admin', 'demo-admin-2026'], ['demo-clerk', '9999']);
    await expect.poll(() => page.getByTestId('export-refused').getAttribute('data-rule')).toBe('export.approval.second-failed');
    expect(await page.getByTestId('export-refused').innerText()).toContain(MESSAGES.en['admin.export.refused.auth']);
    const refused = logEntries('export.approval.refused');
    expect(refused.map((e) => e.reason)).toEqual(['same-person', 'second-failed']);
    expect(refused[1]).toMatchObject({ first: 'demo-admin', second: 'demo-clerk', signedIn: 'demo-admin', case: 'KM 123/24' });
    expect(logEntries('auth.failure').some((e) => e.accountId === 'demo-clerk' && e.purpose === 'export-approval')).toBe(true);
    expect(fs.readdirSync(target)).toEqual([]);

    // Two different people: the export runs and the receipt is shown.
    await exportWith(page, ['demo-admin', 'demo-admin-2026'], ['demo-clerk', '1234']);
    await page.getByTestId('export-receipt').waitFor({ timeout: 60_000 });
    const receipt = await page.getByTestId('export-receipt').innerText();
    expect(receipt).toContain('Piotr Demo (IT)');
    expect(receipt).toContain('Anna Demo');
    expect(receipt).toContain('KM 123/24');
    expect(receipt).toMatch(/[0-9a-f]{64}/);
    const progress = await page.getByTestId('export-progress').innerText();
    expect(progress).toContain(MESSAGES.en['admin.export.rate'].split('{')[0]!);
    expect(progress).toContain(MESSAGES.en['admin.export.eta'].split('{')[0]!);
    expect(logEntries('export.approval')).toEqual([expect.objectContaining({ admin: 'demo-admin', second: 'demo-clerk', secondRole: 'clerk' })]);
    expect(logEntries('export')).toEqual([expect.objectContaining({ case: 'KM 123/24', operator: 'Piotr Demo (IT) (demo-admin)', approvedBy: ['Piotr Demo (IT) (demo-admin)', 'Anna Demo (demo-clerk)'] })]);
    expect(fs.readdirSync(target)).toHaveLength(1);
    for (const lang of LANGS) {
      await page.getByTestId(`lang-${lang}`).click();
      await expect.poll(() => page.locator('#admin-receipt-h').textContent()).toBe(MESSAGES[lang]['admin.receipt.heading']);
      expect(await seriousViolations(page), `axe receipt ${lang}`).toEqual([]);
      expect(await smallTargets(page), `targets receipt ${lang}`).toEqual([]);
      await page.getByTestId('admin-export').screenshot({ path: path.join(SHOTS, `admin-export-${lang}.png`) });
    }

    // Keyboard: sign out with Enter; the screen goes and core closes the admin API again.
    await page.getByTestId('admin-sign-out').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('attract').waitFor();
    expect(await page.evaluate(async () => (await fetch('/api/admin/overview')).status)).toBe(403);
    await page.close();
  });
});

describe('administrator screen: records awaiting a clerk', () => {
  let served2: Served;
  let dir2: string;
  let provisional: string;

  beforeAll(async () => {
    // Imported before the kiosk starts, by kioskctl, with this config's trust: the UA protocol's
    // demo signer is not trusted here, so that record is held; a camera folder is incomplete.
    dir2 = scratch();
    const env = { KIOSK_DATA_DIR: dir2 };
    expect(kioskctl(['import', DEMO_CARRIER, '--operator', 'Ewa Sekretarz'], env).code).toBe(0);
    const plain = scratch('plain-');
    // A trailing empty `free` box: still a valid MP4, but not the demo's bytes.
    const media = Buffer.concat([fs.readFileSync(path.join(DEMO_CARRIER, 'KM-45-25', 'data', 'KM4525-20250114-02-v0.mp4')), Buffer.from([0, 0, 0, 8, 0x66, 0x72, 0x65, 0x65])]);
    fs.writeFileSync(path.join(plain, 'cam0001.mp4'), media);
    const sha = crypto.createHash('sha256').update(media).digest('hex');
    fs.writeFileSync(path.join(plain, 'SHA256SUMS'), `${sha}  cam0001.mp4\n`);
    expect(kioskctl(['import', plain, '--operator', 'Ewa Sekretarz'], env).code).toBe(0);
    provisional = `sha256:${sha.slice(0, 16)}`;
    served2 = await serveKiosk(['--demo'], env);
  });

  afterAll(async () => {
    await served2?.stop();
  });

  it('[PL-4.1] [PL-3.4] [Q-4] [Q-5] the completion form names a malformed date, then completes the record with the administrator as operator; axe-clean in pl, uk and en', async () => {
    const page = await kioskPage(browser, served2, { width: 1280, height: 900 });
    await page.getByTestId('attract').waitFor();
    await signInFromPage(page, 'demo-admin', 'demo-admin-2026');
    await page.getByTestId('admin-screen').waitFor();
    await page.getByTestId('lang-en').click();
    const rows = page.getByTestId('admin-pending-row');
    await expect.poll(() => rows.count()).toBe(2);
    const pendingText = await page.getByTestId('admin-pending').innerText();
    expect(pendingText).toContain(provisional);
    expect(pendingText).toContain('VKZ-757-12345-25-20250207');
    expect(pendingText).toContain(MESSAGES.en['status.held']);

    // Keyboard: open the form with Enter; focus lands in its first field.
    await page.getByRole('button', { name: MESSAGES.en['admin.pending.completeLabel'].replace('{ref}', provisional) }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('completion-form').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('complete-identifier');
    await page.getByTestId('complete-date').fill('14.01.2025');
    await page.keyboard.press('Enter');
    await page.getByTestId('completion-error').waitFor();
    expect(await page.getByTestId('complete-date').getAttribute('aria-invalid')).toBe('true');
    for (const lang of LANGS) {
      await page.getByTestId(`lang-${lang}`).click();
      await expect.poll(() => page.getByTestId('completion-error').innerText()).toBe(MESSAGES[lang]['admin.complete.error.date']);
      expect(await seriousViolations(page), `axe completion ${lang}`).toEqual([]);
      expect(await smallTargets(page), `targets completion ${lang}`).toEqual([]);
      await page.getByTestId('admin-pending').screenshot({ path: path.join(SHOTS, `admin-completion-${lang}.png`) });
    }
    expect(query(dir2, 'SELECT * FROM completions')).toEqual([]);

    await page.getByTestId('lang-en').click();
    await page.getByTestId('complete-identifier').fill('KM4525-CAM-0001');
    await page.getByTestId('complete-date').fill('2025-01-1409:00:00');
    await page.getByTestId('complete-duration').fill('00:08');
    await page.getByTestId('complete-caseSignature').fill('KM 45/25');
    await page.getByTestId('complete-submit').click();
    await expect.poll(() => page.getByTestId('completion-saved').innerText()).toBe(MESSAGES.en['admin.complete.saved'].replace('{status}', MESSAGES.en['status.complete']));
    await expect.poll(() => rows.count()).toBe(1);
    expect(query<{ field: string; operator: string }>(dir2, 'SELECT field, operator FROM completions ORDER BY id')).toEqual(
      ['identifier', 'date', 'duration', 'grouping'].map((field) => ({ field, operator: 'Piotr Demo (IT) (demo-admin)' })),
    );
    await page.close();
  });
});
