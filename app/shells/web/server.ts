// The web shell: core's request handler served on 127.0.0.1 only, for
// development, the browser tests and machines without the Electron binary.
// The browser is let in once, through the launcher page (launch.ts); every
// request then passes the guard (guard.ts) before core sees it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { RequestHandler } from '../../core/http';
import { problemResponse, securityHeaders } from '../../core/http';
import { checkRequest } from './guard';
import { LAUNCHED_HTML, LaunchGate, sessionCookieHeader, type Launch } from './launch';

export interface WebShell {
  readonly origin: string;
  /** The launcher page to start Chromium at (a 0600 file; its URL names no secret). Exchangeable once. */
  readonly launch: Launch;
  close(): Promise<void>;
}

export interface WebShellOptions {
  readonly handler: RequestHandler;
  readonly port?: number;
  /** Where the launcher's private directory is made; os.tmpdir() unless given. */
  readonly launchDir?: string;
  /** launchDir is the appliance's shared launcher directory (see LaunchGate), not a parent for a private one. */
  readonly sharedLaunchDir?: boolean;
}

const MAX_BODY = 1 << 20;
const MAX_LAUNCH_BODY = 4096;
/** RFC 9110 §15.5.2: a 401 names how to authenticate; here, only through the launcher page. */
const CHALLENGE = { 'www-authenticate': 'KioskLaunch realm="court-kiosk"' };

async function readBody(req: http.IncomingMessage, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    const b = c as Buffer;
    n += b.length;
    if (n > max) return null;
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Writes a fetch Response to node:http (no body for HEAD; a stream stops when its client goes). */
async function send(res: http.ServerResponse, response: Response, method: string | undefined, req?: http.IncomingMessage): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body || method === 'HEAD') {
    res.end();
    return;
  }
  const stream = Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
  req?.on('close', () => stream.destroy());
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** POST /launch from the launcher page: the one-time code for the session cookie, once. */
async function exchange(req: http.IncomingMessage, gate: LaunchGate): Promise<Response> {
  if (req.method !== 'POST') return problemResponse('method-not-allowed', 'the launch code is posted by the launcher page', {}, { allow: 'POST' });
  // The launcher is a file:// page (Origin "null"); a page of any web origin, another loopback port included, may not exchange.
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null') return problemResponse('cross-origin', `the launch code is not taken from a page of ${origin}`);
  const type = req.headers['content-type'] ?? '';
  const body = await readBody(req, MAX_LAUNCH_BODY);
  if (body === null) return problemResponse('body-too-large', `the launch form is at most ${MAX_LAUNCH_BODY} bytes`);
  const code = /^application\/x-www-form-urlencoded\s*(;|$)/i.test(type) ? new URLSearchParams(body.toString('utf8')).get('code') : null;
  const secret = code === null ? null : gate.exchange(code);
  if (secret === null) return problemResponse('launch-code-not-valid', 'the launch code is wrong or was already exchanged: each launch lets one browser in, once', {}, CHALLENGE);
  return new Response(LAUNCHED_HTML, {
    status: 200,
    headers: securityHeaders({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'set-cookie': sessionCookieHeader(secret) }),
  });
}

export async function startWebShell(opts: WebShellOptions): Promise<WebShell> {
  let gate: LaunchGate | null = null;
  let allowedHosts: string[] = [];
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
      const header = (name: string): string | undefined => {
        const v = req.headers[name];
        return Array.isArray(v) ? v.join(', ') : v;
      };
      const verdict = checkRequest(allowedHosts, (c) => gate?.isSession(c) ?? false, {
        method: req.method ?? 'GET',
        path: url.pathname,
        host: req.headers.host,
        cookie: req.headers.cookie,
        origin: header('origin'),
        secFetchSite: header('sec-fetch-site'),
      });
      if (verdict.kind === 'deny') {
        await send(res, problemResponse(verdict.problem, verdict.detail, {}, verdict.problem === 'not-signed-in' ? CHALLENGE : {}), req.method);
        return;
      }
      if (verdict.kind === 'exchange') {
        await send(res, gate ? await exchange(req, gate) : problemResponse('launch-code-not-valid', 'the shell is not ready', {}, CHALLENGE), req.method);
        return;
      }
      let body: Buffer | null = null;
      if (req.method === 'POST' || req.method === 'PUT') {
        body = await readBody(req, MAX_BODY);
        if (body === null) {
          await send(res, problemResponse('body-too-large', `a request body is at most ${MAX_BODY} bytes`), req.method);
          return;
        }
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === 'string') headers.set(k, v);
        else if (Array.isArray(v)) headers.set(k, v.join(', '));
      }
      const ac = new AbortController();
      res.on('close', () => ac.abort());
      const request = new Request(url, { method: req.method ?? 'GET', headers, signal: ac.signal, ...(body ? { body: new Uint8Array(body) } : {}) });
      await send(res, await opts.handler(request), req.method, req);
    })().catch((e: unknown) => {
      // A request that fails is answered here, so no rejection is left
      // unhandled and the shell goes on serving. Said first, so it is said
      // whatever the response does; a body already under way is cut off
      // rather than ended with text that is not part of it.
      process.stderr.write(`web shell: ${e instanceof Error ? e.message : String(e)}\n`);
      if (res.headersSent) res.destroy();
      else send(res, problemResponse('internal-error', 'the request could not be answered; the shell logged why'), req.method).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const origin = `http://127.0.0.1:${port}`;
  try {
    gate = new LaunchGate(origin, opts.launchDir, opts.sharedLaunchDir ?? false);
  } catch (e) {
    server.close();
    throw e;
  }
  const launch = gate.launch;
  return {
    origin,
    launch,
    close: () =>
      new Promise<void>((resolve) => {
        gate?.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
