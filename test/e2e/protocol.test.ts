// The protocol at the kiosk (issue 17, line 3; UA-3, UA-4, PL-8.2, DC-6): in
// Debian's Chromium, the viewer of the Ukrainian hearing opens its signed
// protocol within the session, turns its pages (drawn on a canvas by pdf.js),
// reads the signature's verdict in words, and can neither select, copy, print
// nor download it. Each opening is in the viewing log by name and hash; once
// the session ends the protocol's URL is refused. Screenshots in uk, pl, en.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { sessionCookie } from '../helpers/launch';
import { DEMO_CARRIER, DEMO_PACKAGES } from '../helpers/demo';
import { serveKiosk, type Served } from '../helpers/kioskctl';
import { REPO, scratch } from '../helpers/paths';
import { logEntries as entriesOf } from '../helpers/log-entries';
import { seriousViolations } from '../helpers/a11y';
import { SessionClient, backToLocked, openDemoSession } from '../helpers/session-client';
import type { Language } from '../../app/shared/i18n';
import { MEDIA_CAPABILITY_HEADER } from '../../app/shared/media-contract';

const UA_CASE = '757/12345/25-ц';
const UA_REC = 'VKZ-757-12345-25-20250207';
const SHOTS = path.join(REPO, 'docs', 'screenshots');
const PROTOCOL_SHA256 = crypto.createHash('sha256').update(fs.readFileSync(path.join(DEMO_CARRIER, DEMO_PACKAGES.ua, 'data', 'protocol.pdf'))).digest('hex');

let served: Served;
let browser: Browser;
let client: SessionClient;
let dataDir: string;

beforeAll(async () => {
  dataDir = scratch();
  served = await serveKiosk(['--demo'], { KIOSK_DATA_DIR: dataDir, KIOSK_DEMO_CARRIER: DEMO_CARRIER });
  client = await SessionClient.connect(served);
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

const logEntries = (type: string): Array<Record<string, unknown>> => entriesOf(dataDir, type);

async function openPage(lang: Language): Promise<{ page: Page; downloads: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
  const cookie = await sessionCookie(served);
  const eq = cookie.indexOf('=');
  await context.addCookies([{ name: cookie.slice(0, eq), value: cookie.slice(eq + 1), url: served.origin }]);
  const page = await context.newPage();
  const downloads: string[] = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
  // Closing the page closes its context; after the browser itself closed, that has nothing left to close.
  page.on('close', () => void context.close().catch(() => undefined));
  await page.goto(`${served.origin}/`);
  await page.locator('.shell').waitFor();
  await page.getByTestId(`lang-${lang}`).first().click();
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
  return { page, downloads };
}

/** What the page's canvas shows, as a hash of its pixels. */
const canvasHash = (page: Page): Promise<string> =>
  page.getByTestId('doc-canvas').evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let h = 0x811c9dc5;
    for (let i = 0; i < px.length; i += 7) h = Math.imul(h ^ px[i]!, 0x01000193) >>> 0;
    return `${canvas.width}x${canvas.height}:${h.toString(16)}`;
  });

/** The share of the canvas's pixels that are not white: a drawn page has text on it. */
const inkShare = (page: Page): Promise<number> =>
  page.getByTestId('doc-canvas').evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i]! < 128 && px[i + 3]! > 0) ink++;
    return ink / (px.length / 4);
  });

/** Back to the attract screen from wherever the last test left the session. */
async function reset(): Promise<void> {
  expect((await backToLocked(client)).screen).toBe('locked');
}

describe('the protocol within the session', () => {
  for (const lang of ['uk', 'pl', 'en'] as const) {
    it(`[UA-3] [UA-4] [PL-8.2] [DC-6] the viewer opens the signed protocol, pages through it on a canvas beside the signature's verdict, cannot select, copy, print or download it, and after the session its URL is refused (${lang})`, async () => {
      await reset();
      const before = logEntries('document.served').length;
      const view = await openDemoSession(client, UA_CASE, UA_REC);
      const capability = view.media?.capability;
      expect(capability).toBeTruthy();
      const { page, downloads } = await openPage(lang);
      await expect.poll(() => page.getByTestId('player').getAttribute('data-load'), { timeout: 30_000 }).toBe('ready');

      await page.getByTestId('open-document').click();
      const viewer = page.getByTestId('document-viewer');
      await expect.poll(() => viewer.getAttribute('data-state'), { timeout: 20_000 }).toBe('ready');
      await expect.poll(() => viewer.getAttribute('data-page')).toBe('1');
      expect(await viewer.getAttribute('data-pages')).toBe('3');
      expect(await inkShare(page)).toBeGreaterThan(0.002);
      // The signature's verdict in words, from what the kiosk verified at import.
      expect(await page.getByTestId('sig-verdict').getAttribute('data-verdict')).toBe('verified');
      expect(await page.getByTestId('sig-signer').textContent()).toBe('Demo Secretary');
      const panel = (await page.getByTestId('sig-panel').textContent()) ?? '';
      expect(panel).toContain('Demo Court');
      expect(panel).toContain('ECDSA');
      // The same watermark as over the picture lies over the page.
      expect(await viewer.getByTestId('watermark').count()).toBe(1);

      // Paging: the buttons and the keys, each page a different picture.
      const first = await canvasHash(page);
      await page.getByTestId('doc-next').click();
      await expect.poll(() => viewer.getAttribute('data-page')).toBe('2');
      const second = await canvasHash(page);
      expect(second).not.toBe(first);
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => viewer.getAttribute('data-page')).toBe('3');
      expect(await page.getByTestId('doc-next').isDisabled()).toBe(true);
      await page.keyboard.press('PageUp');
      await expect.poll(() => viewer.getAttribute('data-page')).toBe('2');
      expect(await canvasHash(page)).toBe(second);
      await page.screenshot({ path: path.join(SHOTS, `protocol-${lang}.png`) });

      // Nothing to select or copy: no text layer, no link; select-all and a drag select nothing.
      expect(
        await page.evaluate(() => ({
          textLayers: document.querySelectorAll('.textLayer, .annotationLayer').length,
          links: document.querySelectorAll('a[href], a[download], iframe, embed, object').length,
          userSelect: getComputedStyle(document.querySelector('[data-testid="doc-canvas"]')!).userSelect,
        })),
      ).toEqual({ textLayers: 0, links: 0, userSelect: 'none' });
      // Every copy the page sees (in the capture phase, beside the lockdown's listener): what was selected then.
      await page.evaluate(() => {
        const w = window as unknown as { __copies: string[] };
        w.__copies = [];
        window.addEventListener('copy', () => w.__copies.push(document.getSelection()?.toString() ?? ''), true);
      });
      await page.keyboard.press('Control+KeyA');
      await page.keyboard.press('Control+KeyC');
      const box = (await page.getByTestId('doc-canvas').boundingBox())!;
      await page.mouse.move(box.x + 20, box.y + 20);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width - 20, box.y + 300, { steps: 5 });
      await page.mouse.up();
      await page.keyboard.press('Control+KeyC');
      expect(await page.evaluate(() => document.getSelection()?.toString() ?? '')).toBe('');
      const copies = await page.evaluate(() => (window as unknown as { __copies: string[] }).__copies);
      expect(copies.every((c) => c === '')).toBe(true);

      // No print: Ctrl+P is swallowed, and a printout would be blank.
      const ctrlP = page.evaluate(
        () =>
          new Promise<boolean>((resolve) => {
            const onKey = (e: KeyboardEvent) => {
              if (e.code !== 'KeyP') return;
              window.removeEventListener('keydown', onKey, true);
              setTimeout(() => resolve(e.defaultPrevented), 0);
            };
            // On the window in the capture phase, after the lockdown's own listener there (it stops propagation).
            window.addEventListener('keydown', onKey, true);
          }),
      );
      await page.keyboard.press('Control+KeyP');
      expect(await ctrlP).toBe(true);
      await page.emulateMedia({ media: 'print' });
      expect(await viewer.isVisible()).toBe(false);
      await page.emulateMedia({ media: 'screen' });

      // No download: nothing was offered, and the document's URL gives nothing without the session's header.
      const docUrl = await page.evaluate(async () => {
        const v = (await (await fetch('/api/session')).json()) as { media: { capability: string } | null };
        const m = (await (await fetch('/media/manifest.json', { headers: { 'kiosk-media-capability': v.media!.capability } })).json()) as {
          recordings: Array<{ attachments: Array<{ document: string | null }> }>;
        };
        return m.recordings[0]!.attachments.find((a) => a.document)!.document!;
      });
      expect(await page.evaluate(async (u) => (await fetch(u)).status, docUrl)).toBe(403);
      expect(downloads).toEqual([]);

      expect(await seriousViolations(page)).toEqual([]);

      // Esc returns to the recording, the focus back on the button that opened the document.
      await page.keyboard.press('Escape');
      await expect.poll(() => viewer.count()).toBe(0);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('open-document');

      // The log holds the opening: which document, its hash, for this session.
      const served = logEntries('document.served').slice(before);
      expect(served).toEqual([expect.objectContaining({ sessionId: view.sessionId, identifier: UA_REC, name: 'data/protocol.pdf', sha256: PROTOCOL_SHA256 })]);

      // The session ends: the document's URL is refused with the capability that opened it.
      await client.send({ type: 'viewer.end' });
      await page.getByTestId('summary').waitFor();
      const after = await page.evaluate(
        async ({ u, cap, header }) => {
          const r = await fetch(u, { headers: { [header]: cap } });
          return { status: r.status, type: r.headers.get('content-type') };
        },
        { u: docUrl, cap: capability!, header: MEDIA_CAPABILITY_HEADER },
      );
      expect(after).toEqual({ status: 403, type: 'application/problem+json; charset=utf-8' });
      await client.send({ type: 'summary.close' });
      await page.close();
    }, 180_000);
  }
});
