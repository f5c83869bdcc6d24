// A hostile page in the kiosk's own Chromium profile, served on another
// loopback port: the session cookie goes along with its requests (cookies
// ignore ports, and another port is the same site), so SameSite=Strict alone
// stops nothing. The shell's Origin and fetch-metadata checks must.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { serveKiosk, type Served } from '../helpers/kioskctl';
import { kioskContext, kioskPage } from '../helpers/launch';
import { scratch } from '../helpers/paths';

let served: Served;
let browser: Browser;
let hostile: http.Server;
let hostileOrigin: string;

beforeAll(async () => {
  served = await serveKiosk([], { KIOSK_DATA_DIR: scratch() });
  browser = await launchChromium();
  hostile = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title><p>another local service</p>'));
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  hostileOrigin = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await new Promise<void>((resolve) => (hostile ? hostile.close(() => resolve()) : resolve()));
});

describe('a hostile page on another loopback port', () => {
  it('[PL-8.2] [DC-2] its no-cors text/plain POST reaches the shell with the cookie and is refused 403; the session does not move; it cannot read the session either', async () => {
    const kiosk = await kioskPage(browser, served);
    await kiosk.getByTestId('attract').waitFor();
    const page = await (await kioskContext(browser, served)).newPage();
    await page.goto(`${hostileOrigin}/`);

    // The answer is blocked from the page (CORP same-origin), so it is read from the network layer: status and what was sent.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const sent = new Map<string, Record<string, string>>();
    const status = new Map<string, number>();
    const posted: string[] = [];
    cdp.on('Network.requestWillBeSent', (e) => {
      if (e.request.url === `${served.origin}/api/session` && e.request.method === 'POST') posted.push(e.requestId);
    });
    cdp.on('Network.requestWillBeSentExtraInfo', (e) => sent.set(e.requestId, e.headers as Record<string, string>));
    cdp.on('Network.responseReceivedExtraInfo', (e) => status.set(e.requestId, e.statusCode));
    const outcome = await page.evaluate(async (target) => {
      try {
        await fetch(`${target}/api/session`, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ type: 'clerk.begin' }) });
        return 'opaque answer';
      } catch {
        return 'blocked';
      }
    }, served.origin);
    expect(['opaque answer', 'blocked']).toContain(outcome);
    await expect.poll(() => (posted[0] !== undefined ? status.get(posted[0]) : undefined)).toBe(403);
    const headers = sent.get(posted[0]!) ?? {};
    expect(headers.cookie ?? headers.Cookie ?? '', 'the cookie went along: ports do not separate cookies').toMatch(/kiosk_session=/);
    expect(headers['sec-fetch-site'] ?? headers['Sec-Fetch-Site']).toBe('same-site');

    // A CORS read is blocked by the browser, and the shell refuses it anyway.
    const read = await page.evaluate(async (target) => {
      try {
        const r = await fetch(`${target}/api/session`, { credentials: 'include' });
        return `read ${r.status}`;
      } catch {
        return 'blocked';
      }
    }, served.origin);
    expect(read).toBe('blocked');

    // The kiosk page itself still works, and nothing moved.
    const view = await kiosk.evaluate(async () => ((await (await fetch('/api/session')).json()) as { screen: string }).screen);
    expect(view).toBe('locked');
    await page.close();
    await kiosk.close();
  });
});
