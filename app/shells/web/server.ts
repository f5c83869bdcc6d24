// The web shell: core's request handler served on 127.0.0.1 only, for
// development, the browser tests and machines without the Electron binary.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { RequestHandler } from '../../core/http';
import { problemResponse, securityHeaders } from '../../core/http';
import { checkRequest, newToken, COOKIE } from './token-guard';

export interface WebShell {
  /** URL to open, token included; valid for this launch only. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

async function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    const b = c as Buffer;
    n += b.length;
    if (n > MAX_BODY) return null;
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

export async function startWebShell(opts: { handler: RequestHandler; port?: number; token?: string }): Promise<WebShell> {
  const token = opts.token ?? newToken();
  let allowedHosts: string[] = [];
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
      const verdict = checkRequest(token, allowedHosts, { host: req.headers.host, cookie: req.headers.cookie, url });
      if (verdict.kind === 'deny') {
        await send(res, problemResponse(verdict.status === 421 ? 'host-not-allowed' : 'not-signed-in', verdict.reason), req.method);
        return;
      }
      if (verdict.kind === 'exchange') {
        // Drop the token from the address bar and history: it lives on only as an HttpOnly cookie.
        res.writeHead(303, {
          ...Object.fromEntries(securityHeaders()),
          location: '/',
          'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        });
        res.end();
        return;
      }
      let body: Buffer | null = null;
      if (req.method === 'POST' || req.method === 'PUT') {
        body = await readBody(req);
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
    })().catch(async (e: unknown) => {
      process.stderr.write(`web shell: ${(e as Error).message}\n`);
      if (res.headersSent) res.destroy();
      else await send(res, problemResponse('internal-error', 'the request could not be answered; the shell logged why'), req.method);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
