// The web shell over real HTTP on 127.0.0.1: the launcher page and its
// one-time exchange, the session cookie, the Host, Origin and fetch-metadata
// checks, problem+json for every refusal, the CSP.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRequestHandler } from '../../../app/core/http';
import { openKiosk, type Kiosk } from '../../../app/core/kiosk';
import { loadConfig } from '../../../app/core/config';
import { createKioskSessionService, type SessionService } from '../../../app/core/session';
import { startWebShell, type WebShell } from '../../../app/shells/web';
import { launchCode, pageHeaders, postLaunchCode } from '../../helpers/launch';
import { REPO, scratch } from '../../helpers/paths';
import { expectProblem } from '../../helpers/problem';

let kiosk: Kiosk;
let session: SessionService;
let shell: WebShell;
/** The launch code, read from the launcher page before the exchange deletes it. */
let code: string;
/** `kiosk_session=…` once exchanged. */
let cookie = '';

beforeAll(async () => {
  const assets = scratch();
  fs.writeFileSync(path.join(assets, 'index.html'), '<!doctype html><title>t</title>');
  const configFile = path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json');
  kiosk = await openKiosk({ dataDir: scratch(), config: loadConfig(configFile), configFile });
  session = createKioskSessionService(kiosk);
  shell = await startWebShell({ handler: createRequestHandler({ kiosk, assetsDir: assets, shell: 'web', session }) });
  code = launchCode(shell.launch.url);
});

afterAll(async () => {
  await shell.close();
  session.dispose();
  kiosk.close();
});

/** A raw request with exactly these headers (fetch would add Origin/Sec-Fetch-* of its own choosing). */
function raw(method: string, p: string, headers: Record<string, string>, body?: string): Promise<Response> {
  const u = new URL(shell.origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path: p, headers: { host: u.host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
        resolve(new Response(res.statusCode === 204 ? null : Buffer.concat(chunks), { status: res.statusCode ?? 0, headers: h }));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('web shell', () => {
  it('[DC-1] [PL-8.2] listens on 127.0.0.1 only: from this machine\'s other addresses, so from any other device, the port is closed', async () => {
    expect(new URL(shell.origin).hostname).toBe('127.0.0.1');
    const net = await import('node:net');
    const os = await import('node:os');
    const port = Number(new URL(shell.origin).port);
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && !a.internal && a.family === 'IPv4')
      .map((a) => a!.address);
    const reach = (host: string) =>
      new Promise<string>((resolve) => {
        const sock = net.connect({ host, port, timeout: 3000 }, () => {
          sock.destroy();
          resolve('connected');
        });
        sock.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        sock.on('timeout', () => {
          sock.destroy();
          resolve('timeout');
        });
      });
    expect(await reach('127.0.0.1')).toBe('connected');
    for (const host of others) expect(await reach(host), host).not.toBe('connected');
  });

  it('[PL-8.2] the launcher page is a 0600 file in a 0700 directory, its URL names no secret, and it posts a 256-bit code to /launch', () => {
    const file = fileURLToPath(shell.launch.url);
    expect(file).toBe(shell.launch.file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(shell.launch.url).not.toContain(code);
    expect(shell.origin).not.toContain(code);
    const html = fs.readFileSync(file, 'utf8');
    expect(html).toContain(`action="${shell.origin}/launch"`);
    expect(html).toContain('method="post"');
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/);
  });

  it('[DC-1] refuses every request without the session cookie: 401 problem+json naming how to get in', async () => {
    for (const p of ['/', '/index.html', '/api/info', '/api/session', '/api/recordings', '/media/manifest.json']) {
      const r = await fetch(`${shell.origin}${p}`, { redirect: 'manual' });
      expect(r.status, p).toBe(401);
      expect(r.headers.get('www-authenticate'), p).toMatch(/^KioskLaunch /);
      expect((await expectProblem(r, p)).type).toMatch(/\/not-signed-in$/);
    }
    // The old way in, a token in the query, is nothing now.
    const old = await fetch(`${shell.origin}/?token=${code}`, { redirect: 'manual' });
    expect(old.status).toBe(401);
  });

  it('[PL-8.2] [DC-1] the launch code is exchanged once: a web origin and a wrong code are refused, the right one gets an HttpOnly SameSite=Strict cookie and deletes the page, a second exchange fails', async () => {
    // A page of another loopback port may not exchange, even with the right code (which stays unused).
    const foreign = await postLaunchCode(shell.origin, code, { origin: 'http://127.0.0.1:1' });
    expect(foreign.status).toBe(403);
    await expectProblem(foreign, 'exchange from a web origin');
    const wrong = await postLaunchCode(shell.origin, code.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')));
    expect(wrong.status).toBe(401);
    await expectProblem(wrong, 'wrong code');
    const get = await fetch(`${shell.origin}/launch`);
    expect(get.status).toBe(405);
    await expectProblem(get, 'GET /launch');
    expect(fs.existsSync(shell.launch.file)).toBe(true);

    const first = await postLaunchCode(shell.origin, code, { origin: 'null', 'sec-fetch-site': 'cross-site' });
    expect(first.status).toBe(200);
    const setCookie = first.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^kiosk_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toContain(code);
    expect(await first.text()).toContain('http-equiv="refresh" content="0;url=/"');
    expect(fs.existsSync(shell.launch.file)).toBe(false);
    cookie = setCookie.split(';')[0]!;
    const api = await fetch(`${shell.origin}/api/info`, { headers: { cookie } });
    expect(api.status).toBe(200);
    expect(((await api.json()) as { shell: string }).shell).toBe('web');

    const second = await postLaunchCode(shell.origin, code, { origin: 'null' });
    expect(second.status).toBe(401);
    expect((await expectProblem(second, 'second exchange')).type).toMatch(/\/launch-code-not-valid$/);
    // The cookie is no second way to a cookie either.
    const again = await postLaunchCode(shell.origin, cookie.split('=')[1]!, { cookie, origin: 'null' });
    expect(again.status).toBe(401);
  });

  it('[DC-1] refuses a foreign Host header (DNS rebinding) with 421 problem+json', async () => {
    const r = await raw('GET', '/api/info', { host: 'evil.example', cookie });
    expect(r.status).toBe(421);
    await expectProblem(r, 'foreign host');
  });

  it('[PL-8.2] [DC-2] a POST from a page on another loopback port is refused 403 though it carries the cookie, and the session does not move', async () => {
    expect(cookie).not.toBe('');
    const event = JSON.stringify({ type: 'clerk.begin' });
    const attempts: Array<[string, Record<string, string>]> = [
      // What Chromium sends for a no-cors text/plain fetch from http://127.0.0.1:<other port>: the cookie goes along (same site).
      ['no-cors text/plain from another port', { cookie, origin: 'http://127.0.0.1:9', 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors', 'content-type': 'text/plain;charset=UTF-8' }],
      ['JSON from another port', { cookie, origin: 'http://127.0.0.1:9', 'sec-fetch-site': 'same-site', 'content-type': 'application/json' }],
      ['JSON from another site', { cookie, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' }],
      ['no Origin', { cookie, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }],
      ['no Sec-Fetch-Site', { cookie, origin: shell.origin, 'content-type': 'application/json' }],
      ['Origin of localhost, not this host', { cookie, origin: `http://localhost:${new URL(shell.origin).port}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }],
    ];
    for (const [what, headers] of attempts) {
      const r = await raw('POST', '/api/session', headers, event);
      expect(r.status, what).toBe(403);
      expect((await expectProblem(r, what)).type, what).toMatch(/\/cross-origin$/);
      expect(session.getSnapshot().screen, what).toBe('locked');
    }
    // Reading is refused to another site or port too, whatever the method.
    const read = await raw('GET', '/api/session', { cookie, 'sec-fetch-site': 'same-site' });
    expect(read.status).toBe(403);
    await expectProblem(read, 'GET from another port');
  });

  it('[PL-8.2] [DC-2] a text/plain POST from the kiosk page itself is refused 403 too: the API takes application/json only', async () => {
    for (const type of ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await raw('POST', '/api/session', { ...pageHeaders(shell.origin, cookie), 'content-type': type }, JSON.stringify({ type: 'clerk.begin' }));
      expect(r.status, type).toBe(403);
      expect((await expectProblem(r, type)).type, type).toMatch(/\/content-type-not-json$/);
    }
    expect(session.getSnapshot().screen).toBe('locked');
    const ok = await raw('POST', '/api/session', { ...pageHeaders(shell.origin, cookie), 'content-type': 'application/json' }, JSON.stringify({ type: 'clerk.begin' }));
    expect(ok.status).toBe(200);
    expect(session.getSnapshot().screen).toBe('authenticating');
    expect(session.send({ type: 'clerk.cancel' }).ok).toBe(true);
  });

  it('[PL-8.1] the catalogue is refused (403) to a cookie holder while no clerk is signed in', async () => {
    const r = await fetch(`${shell.origin}/api/recordings`, { headers: { cookie } });
    expect(r.status).toBe(403);
    expect((await expectProblem(r, 'catalogue while locked')).type).toMatch(/\/clerk-required$/);
  });

  it('[Q-2] every refusal of the shell and the handler behind it is problem+json: too large a body, unknown routes and files, a bad method', async () => {
    const big = await raw('POST', '/api/session', { ...pageHeaders(shell.origin, cookie), 'content-type': 'application/json' }, 'x'.repeat((1 << 20) + 10));
    expect(big.status).toBe(413);
    await expectProblem(big, 'too large');
    for (const [what, r, status] of [
      ['missing file', await fetch(`${shell.origin}/nothing.html`, { headers: { cookie } }), 404],
      ['missing route', await fetch(`${shell.origin}/api/nothing`, { headers: { cookie } }), 404],
      ['DELETE', await raw('DELETE', '/api/session', pageHeaders(shell.origin, cookie)), 405],
      ['media without capability', await fetch(`${shell.origin}/media/manifest.json`, { headers: { cookie } }), 403],
    ] as const) {
      expect(r.status, what).toBe(status);
      await expectProblem(r, what);
    }
  });

  it('serves assets with the strict CSP and refuses path escapes', async () => {
    const headers = { cookie };
    const ok = await fetch(`${shell.origin}/`, { headers });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    for (const p of ['/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/nothing.html']) {
      const r = await fetch(`${shell.origin}${p}`, { headers });
      expect([400, 404]).toContain(r.status);
    }
  });

  it('[Q-1] a handler that fails answers 500 with the security headers, says why, leaves no rejection unhandled, and the shell goes on serving', async () => {
    const failing = await startWebShell({
      handler: async (req) => {
        if (new URL(req.url).pathname === '/fail') throw new Error('catalog unreadable');
        return new Response('ok');
      },
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    const said = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const exchanged = await postLaunchCode(failing.origin, launchCode(failing.launch.url));
      const headers = { cookie: (exchanged.headers.get('set-cookie') ?? '').split(';')[0]! };
      const r = await fetch(`${failing.origin}/fail`, { headers });
      expect(r.status).toBe(500);
      await expectProblem(r, 'a failing handler');
      expect(r.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
      expect(said.mock.calls.map((c) => String(c[0]))).toContain('web shell: catalog unreadable\n');
      const next = await fetch(`${failing.origin}/`, { headers });
      expect(await next.text()).toBe('ok');
      await new Promise((res) => setTimeout(res, 20));
      expect(unhandled).toEqual([]);
    } finally {
      said.mockRestore();
      process.off('unhandledRejection', onUnhandled);
      await failing.close();
    }
  });
});
