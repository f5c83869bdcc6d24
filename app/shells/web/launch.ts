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

  readonly #shared: boolean;

  /**
   * `shared`: the appliance's launcher directory (the unit's `--launch-dir`,
   * /run/court-kiosk-launch, made 2750 court-kiosk:court-kiosk-display by
   * tmpfiles.d) instead of a private one: the browser runs as another user, the
   * display's, which may read this one page through the directory's group and
   * nothing of the data directory. The page is then launch.html there, 0640.
   */
  constructor(origin: string, parentDir: string = os.tmpdir(), shared = false) {
    this.#shared = shared;
    if (shared) {
      this.#dir = checkSharedLaunchDir(parentDir);
    } else {
      // mkdtemp makes a new directory, 0700, or fails: nobody can have put a link there first.
      this.#dir = fs.mkdtempSync(path.join(parentDir, 'court-kiosk-launch-'));
      fs.chmodSync(this.#dir, 0o700);
    }
    this.#code = randomSecret();
    const file = path.join(this.#dir, 'launch.html');
    // A page a killed service left is stale (its code died with it): replaced,
    // never reused. 'wx' still refuses anything put there in between.
    if (shared) fs.rmSync(file, { force: true });
    const fd = fs.openSync(file, 'wx', 0o600);
    try {
      fs.writeFileSync(fd, launcherHtml(origin, this.#code));
      // Readable by the display's group (the setgid directory's) only once the code is written.
      if (shared) fs.fchmodSync(fd, 0o640);
    } finally {
      fs.closeSync(fd);
    }
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
    // The shared directory is the system's (tmpfiles.d): only the page goes.
    if (this.#shared) fs.rmSync(this.launch.file, { force: true });
    else fs.rmSync(this.#dir, { recursive: true, force: true });
  }
}

/**
 * The appliance's launcher directory, refused unless it is this user's and
 * nobody else may write it: another writer could swap the page the browser
 * opens (a form posting elsewhere) or plant a link where the page is written.
 */
function checkSharedLaunchDir(dir: string): string {
  const st = fs.lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory()) throw new Error(`launch directory ${dir}: not a directory`);
  if (uid !== undefined && st.uid !== uid) throw new Error(`launch directory ${dir}: owned by uid ${st.uid}, not by the kiosk's user (uid ${uid})`);
  if ((st.mode & 0o022) !== 0) throw new Error(`launch directory ${dir}: group- or world-writable (mode ${(st.mode & 0o7777).toString(8)})`);
  if ((st.mode & 0o007) !== 0) throw new Error(`launch directory ${dir}: others may enter it (mode ${(st.mode & 0o7777).toString(8)}); only the display's group may`);
  return dir;
}

export function sessionCookieHeader(secret: string): string {
  return `${SESSION_COOKIE}=${secret}; HttpOnly; SameSite=Strict; Path=/`;
}
