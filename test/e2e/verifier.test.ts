// The standalone verifier page (DC-6, Q-3, Q-4): the one HTML file from
// dist/verifier, opened from disk in Debian's Chromium with every request
// other than that file refused. It accepts a real viewing report (written by
// `log export` from a real kiosk's log) and rejects it after one byte of an
// entry, of the signature or of the checkpoint changes, in Polish, Ukrainian
// and English.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportViewingReports } from '../../app/core/reports';
import { verifierText } from '../../app/shared/report-check';
import type { Language } from '../../app/shared/i18n/languages';
import { launchChromium } from '../helpers/browser';
import { REPO, scratch } from '../helpers/paths';
import { tamper, type TamperedPart } from '../helpers/report-tamper';
import { CASE, appendSession, openFixture, type Fixture } from '../core/reports/fixture';

const PAGE = path.join(REPO, 'dist', 'verifier', 'verify-report.html');
const SHOTS = path.join(REPO, 'docs', 'screenshots');
const LANGS: readonly Language[] = ['pl', 'uk', 'en'];

let fx: Fixture;
let browser: Browser;
let context: BrowserContext;
let dir: string;
let report: string;
let pem: string;
const refused: string[] = [];

beforeAll(async () => {
  fx = await openFixture();
  appendSession(fx.kiosk, { sessionId: 's-0001' });
  dir = scratch('verifier-page-');
  const out = await exportViewingReports(fx.kiosk, { caseSignature: CASE, outDir: path.join(dir, 'export') });
  report = out.reports[0]!.json;
  pem = fx.kiosk.signer().publicKeyPem;
  browser = await launchChromium();
  context = await browser.newContext();
  await context.setOffline(true);
  // Nothing but the page itself may load: every other request is refused and remembered.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url === pathToFileURL(PAGE).href) return route.continue();
    refused.push(url);
    return route.abort();
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  fx?.close();
});

async function open(lang: Language): Promise<Page> {
  const page = await context.newPage();
  await page.goto(pathToFileURL(PAGE).href);
  await page.click(`nav button[data-lang="${lang}"]`);
  expect(await page.getAttribute('html', 'lang')).toBe(lang);
  return page;
}

async function check(page: Page, file: string, opts: { pubkey?: string } = {}): Promise<{ ok: string | null; verdict: string; failed: string[] }> {
  if (opts.pubkey !== undefined) await page.fill('[data-testid="pubkey"]', opts.pubkey);
  await page.setInputFiles('[data-testid="file"]', file);
  const verdict = page.locator('[data-testid="verdict"]');
  await verdict.waitFor();
  return {
    ok: await verdict.getAttribute('data-ok'),
    verdict: (await verdict.textContent()) ?? '',
    failed: await page.locator('li[data-ok="false"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-code') ?? '')),
  };
}

describe('the standalone verifier page, opened from disk with no network', () => {
  it('is one self-contained file whose CSP allows no network', () => {
    const html = fs.readFileSync(PAGE, 'utf8');
    expect(html).toMatch(/default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+=*'; style-src 'unsafe-inline'/u);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//u);
  });

  for (const lang of LANGS) {
    it(`[DC-6] [Q-3] [Q-4] accepts a real report and rejects it after one byte of an entry, the signature or the checkpoint changes (${lang})`, async () => {
      const page = await open(lang);
      const good = await check(page, report, { pubkey: pem });
      expect(good, good.failed.join(', ')).toMatchObject({ ok: 'true', verdict: verifierText(lang, 'valid'), failed: [] });
      // One line per entry of the session the report holds.
      expect(await page.locator('li[data-code="entry.ok"]').count()).toBe((JSON.parse(fs.readFileSync(report, 'utf8')) as { entries: unknown[] }).entries.length);
      expect(await page.locator('li[data-code="signature.ok"]').textContent()).toBe(verifierText(lang, 'signature.ok'));
      if (lang === 'pl') {
        fs.mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: path.join(SHOTS, 'verifier-valid-pl.png'), fullPage: false });
      }

      const text = fs.readFileSync(report, 'utf8');
      for (const [part, code] of [
        ['entry', 'entry.leaf'],
        ['signature', 'signature.bad'],
        ['checkpoint', 'checkpoint.bad'],
      ] as Array<[TamperedPart, string]>) {
        const file = path.join(dir, `tampered-${part}-${lang}.json`);
        fs.writeFileSync(file, tamper(text, part));
        const bad = await check(page, file);
        expect(bad.ok, part).toBe('false');
        expect(bad.verdict).toBe(verifierText(lang, 'invalid'));
        expect(bad.failed).toContain(code);
        if (lang === 'uk' && part === 'entry') await page.screenshot({ path: path.join(SHOTS, 'verifier-tampered-uk.png'), fullPage: false });
      }
      await page.close();
      expect(refused).toEqual([]);
    }, 60_000);
  }
});
