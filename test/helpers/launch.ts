// Getting into a web shell the way the kiosk's browser does: the one-time code
// in the 0600 launcher page, exchanged once for the session cookie. A browser
// goes through the page itself (file:// → POST /launch); a Node client reads
// the code from the file and posts it. Either way, once per launch: the
// cookie (or the signed-in browser context) is kept and shared.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';

export interface Launchable {
  readonly origin: string;
  /** The launcher page's file:// URL. */
  readonly launch: string;
}

/** The one-time code written in a launcher page. */
export function launchCode(launchUrl: string): string {
  const html = fs.readFileSync(fileURLToPath(launchUrl), 'utf8');
  const m = /name="code" value="([A-Za-z0-9_-]+)"/.exec(html);
  if (!m) throw new Error(`no launch code in ${launchUrl}`);
  return m[1]!;
}

/** POST /launch as the launcher page does; the raw response. */
export function postLaunchCode(origin: string, code: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${origin}/launch`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ code }).toString(),
  });
}

const cookies = new Map<string, Promise<string>>();

/** The session cookie (`kiosk_session=…`) of this launch, exchanged on first use and kept. */
export function sessionCookie(s: Launchable): Promise<string> {
  let c = cookies.get(s.launch);
  if (!c) {
    c = postLaunchCode(s.origin, launchCode(s.launch)).then((r) => {
      if (r.status !== 200) throw new Error(`launch exchange refused: ${r.status}`);
      return (r.headers.get('set-cookie') ?? '').split(';')[0]!;
    });
    cookies.set(s.launch, c);
  }
  return c;
}

/** Headers of a request from the kiosk page itself: the cookie, and for a change, Origin and Sec-Fetch-Site as a browser sends them. */
export function pageHeaders(origin: string, cookie: string): Record<string, string> {
  return { cookie, origin, 'sec-fetch-site': 'same-origin' };
}

const contexts = new Map<string, Promise<BrowserContext>>();

/**
 * A browser context let in through the launcher page (real Chromium: file://
 * page, form POST, cookie, redirect to the app). One per launch: the code is
 * exchangeable once; later calls get the same context.
 */
export function kioskContext(browser: Browser, s: Launchable, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  let c = contexts.get(s.launch);
  if (!c) {
    c = (async () => {
      const context = await browser.newContext(options);
      const page = await context.newPage();
      await page.goto(s.launch);
      await page.waitForURL(`${s.origin}/`);
      await page.close();
      return context;
    })();
    contexts.set(s.launch, c);
  }
  return c;
}

/** A new page of the signed-in context, at the app. */
export async function kioskPage(browser: Browser, s: Launchable, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await (await kioskContext(browser, s)).newPage();
  if (viewport) await page.setViewportSize(viewport);
  await page.goto(`${s.origin}/`);
  return page;
}
