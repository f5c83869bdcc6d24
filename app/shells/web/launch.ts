// How the browser gets in, without the secret ever passing through an argv,
// an environment or a URL that others can read.
//
// The shell makes a one-time launch code and writes it into a launcher page,
// a 0600 file in a fresh 0700 directory (mkdtemp), so only the kiosk's user
// (and root) can read it. Chromium is started at that file's file:// URL,
// which names no secret. The page posts the code to POST /launch on the
// shell as a form (a top-level navigation, the code in the body, never in a
// URL); the shell accepts it exactly once, deletes the file, and answers with
// a fresh random session secret in an HttpOnly SameSite=Strict cookie. The
// code dies at the exchange: a second exchange, with that code or any other,
// fails. See docs/security.md.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const SESSION_COOKIE = 'kiosk_session';
export const LAUNCH_PATH = '/launch';

export interface Launch {
  /** The launcher page (0600): holds the one-time code until the exchange deletes it. */
  readonly file: string;
  /** Its file:// URL: what Chromium is started at. Names no secret. */
  readonly url: string;
}

function randomSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

// The launcher's only script: it submits the form. Allowed by its hash, so the
// page's own CSP (file:// pages have none otherwise) refuses anything else.
const SUBMIT = "document.getElementById('launch').submit();";
const SUBMIT_HASH = crypto.createHash('sha256').update(SUBMIT).digest('base64');

/** The launcher page: a form that posts the code to the shell, and nothing else. */
export function launcherHtml(origin: string, code: string): string {
  const csp = `default-src 'none'; script-src 'sha256-${SUBMIT_HASH}'; form-action ${origin}${LAUNCH_PATH}; base-uri 'none'`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="referrer" content="no-referrer">',
    '<title>court-kiosk</title></head>',
    `<body><form id="launch" method="post" action="${origin}${LAUNCH_PATH}"><input type="hidden" name="code" value="${code}"></form>`,
    `<script>${SUBMIT}</script></body></html>`,
    '',
  ].join('\n');
}

/** The page the exchange answers with: it moves to the app by itself, so the cookie's first use is a same-origin navigation. */
export const LAUNCHED_HTML = '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/"><title>court-kiosk</title></head><body></body></html>';

/**
 * One launch of the web shell: the pending one-time code (until exchanged),
 * the launcher file that holds it, and the session secret the exchange made.
 */
export class LaunchGate {
  readonly launch: Launch;
  readonly #dir: string;
  #code: string | null;
  #session: string | null = null;

  constructor(origin: string, parentDir: string = os.tmpdir()) {
    // mkdtemp makes a new directory, 0700, or fails: nobody can have put a link there first.
    this.#dir = fs.mkdtempSync(path.join(parentDir, 'court-kiosk-launch-'));
    fs.chmodSync(this.#dir, 0o700);
    this.#code = randomSecret();
    const file = path.join(this.#dir, 'launch.html');
    fs.writeFileSync(file, launcherHtml(origin, this.#code), { mode: 0o600, flag: 'wx' });
    this.launch = { file, url: pathToFileURL(file).href };
  }

  /** Exchanges the launch code for the session secret, once: null for a wrong code and for every try after the first success. */
  exchange(code: string): string | null {
    const pending = this.#code;
    if (pending === null || !safeEqual(code, pending)) return null;
    this.#code = null;
    this.#session = randomSecret();
    fs.rmSync(this.launch.file, { force: true });
    return this.#session;
  }

  /** Whether `value` is the session secret of the exchange (constant time). */
  isSession(value: string | null): boolean {
    const s = this.#session;
    return s !== null && value !== null && safeEqual(value, s);
  }

  close(): void {
    this.#code = null;
    this.#session = null;
    fs.rmSync(this.#dir, { recursive: true, force: true });
  }
}

export function sessionCookieHeader(secret: string): string {
  return `${SESSION_COOKIE}=${secret}; HttpOnly; SameSite=Strict; Path=/`;
}
