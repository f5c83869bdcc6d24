// The web shell over real HTTP on 127.0.0.1: token, cookie, Host check, CSP.
import path from 'node:path';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRequestHandler } from '../../../app/core/http';
import { openKiosk, type Kiosk } from '../../../app/core/kiosk';
import { loadConfig } from '../../../app/core/config';
import { startWebShell, type WebShell } from '../../../app/shells/web';
import { REPO, scratch } from '../../helpers/paths';

let kiosk: Kiosk;
let shell: WebShell;

beforeAll(async () => {
  const assets = scratch();
  fs.writeFileSync(path.join(assets, 'index.html'), '<!doctype html><title>t</title>');
  const configFile = path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json');
  kiosk = await openKiosk({ dataDir: scratch(), config: loadConfig(configFile), configFile });
  shell = await startWebShell({ handler: createRequestHandler({ kiosk, assetsDir: assets, shell: 'web' }) });
});

afterAll(async () => {
  await shell.close();
  kiosk.close();
});

describe('web shell', () => {
  it('[DC-1] [PL-8.2] listens on 127.0.0.1 only: from this machine\'s other addresses, so from any other device, the port is closed', async () => {
    expect(new URL(shell.url).hostname).toBe('127.0.0.1');
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

  it('[DC-1] refuses every request without the per-launch token', async () => {
    for (const p of ['/', '/index.html', '/api/info', '/api/recordings']) {
      const r = await fetch(`${shell.origin}${p}`, { redirect: 'manual' });
      expect(r.status, p).toBe(401);
    }
    const wrong = await fetch(`${shell.origin}/?token=not-the-token`, { redirect: 'manual' });
    expect(wrong.status).toBe(401);
  });

  it('[DC-1] exchanges the token for an HttpOnly SameSite=Strict cookie and drops it from the URL', async () => {
    const r = await fetch(shell.url, { redirect: 'manual' });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/');
    const cookie = r.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const api = await fetch(`${shell.origin}/api/info`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(api.status).toBe(200);
    expect(((await api.json()) as { shell: string }).shell).toBe('web');
  });

  it('[DC-1] refuses a foreign Host header (DNS rebinding)', async () => {
    const http = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(shell.origin);
      http
        .get({ host: u.hostname, port: u.port, path: '/api/info', headers: { host: 'evil.example', cookie: `kiosk_token=${shell.token}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(status).toBe(421);
  });

  it('serves assets with the strict CSP and refuses path escapes', async () => {
    const headers = { cookie: `kiosk_token=${shell.token}` };
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
      const headers = { cookie: `kiosk_token=${failing.token}` };
      const r = await fetch(`${failing.origin}/fail`, { headers });
      expect(r.status).toBe(500);
      expect(await r.text()).toBe('internal error');
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
