// native/tls (tls.c) where client.test.ts cannot reach it: a server whose
// certificate names another host, a peer that never answers the handshake,
// a download stopped while it connects, the addon's refusal of bad
// arguments, and no thread left behind. The TIS protocol itself (resume,
// framing, digests, faults) runs on both readers in client.test.ts.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAddon, nativeAddonPath } from '../../../app/core/native-addon';
import { TisClient } from '../../../app/core/tis/client';
import type { TlsReader } from '../../../app/core/tis/native-tls-exchange';
import type { Sink } from '../../../app/core/tis/sink';
import { makePki, makeTmp, rejection, type Pki } from './fixture';

let tmp: string;
let pki: Pki;

beforeAll(() => {
  tmp = makeTmp();
  pki = makePki(tmp);
  // Issued by the court CA, for a server auth, but for another host than 127.0.0.1.
  execFileSync('openssl', [
    'req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', path.join(pki.dir, 'elsewhere.key'), '-out', path.join(pki.dir, 'elsewhere.crt'),
    '-subj', '/CN=elsewhere', '-addext', 'subjectAltName=DNS:elsewhere.example', '-addext', 'extendedKeyUsage=serverAuth',
    '-CA', path.join(pki.dir, 'ca.crt'), '-CAkey', path.join(pki.dir, 'ca.key'), '-days', '2',
  ], { stdio: 'pipe' });
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const client = (base: string, reader: TlsReader, timeoutMs = 3000): TisClient =>
  new TisClient({ baseUrl: base, ca: pki.read('ca.crt'), cert: pki.read('client.crt'), key: pki.read('client.key'), timeoutMs, retries: 0, tlsReader: reader });

/** A sink that must never be opened: each test here fails before a body. */
const noSink = async (): Promise<Sink> => {
  throw new Error('no body was expected');
};

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}


/** This process's threads now. */
const threads = (): number => fs.readdirSync('/proc/self/task').length;

describe.each(['openssl-thread', 'node:tls'] as const)('a download over TLS read by %s', (reader) => {
  it('[Q-2] refuses a server whose certificate, from the court CA, names another host', async () => {
    const server = tls.createServer({ key: pki.read('elsewhere.key'), cert: pki.read('elsewhere.crt'), ca: pki.read('ca.crt'), requestCert: true }, (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx'));
    try {
      const base = await listen(server);
      const e = await rejection(client(base, reader).download('/api/v1/cases/X/files/a', { sha256: '0'.repeat(64), size: 1 }, noSink));
      expect(e.rule).toBe('tis.tls.server-untrusted');
      expect(e.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
    } finally {
      server.close();
    }
  });

  it('[Q-2] gives up on a peer that accepts but never answers the handshake, after the idle time-out', async () => {
    const held: net.Socket[] = [];
    const server = net.createServer((s) => held.push(s));
    try {
      const base = await listen(server);
      const t0 = Date.now();
      const e = await rejection(client(base, reader, 300).download('/f', { sha256: '0'.repeat(64), size: 1 }, noSink));
      expect(e.rule).toBe('tis.timeout');
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      for (const s of held) s.destroy();
      server.close();
    }
  });

  it('[Q-2] a refused connection is a network failure, worth another attempt', async () => {
    const server = net.createServer();
    const base = await listen(server);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const e = await rejection(client(base, reader).download('/f', { sha256: '0'.repeat(64), size: 1 }, noSink));
    expect(e.rule).toBe('tis.network');
    expect(e.message).toContain('ECONNREFUSED');
    expect(e.retryable).toBe(true);
  });
});

describe('native/tls (tls.c)', () => {
  const file = nativeAddonPath('tls');
  interface Addon {
    open(o: unknown, request: unknown, cb: unknown): unknown;
    read(h: unknown, view: unknown, fill: unknown): void;
    destroy(h: unknown): void;
  }
  const addon = (): Addon => loadAddon(file!) as Addon;
  const identity = (): { ca: Buffer; cert: Buffer; key: Buffer } => ({ ca: Buffer.from(pki.read('ca.crt')), cert: Buffer.from(pki.read('client.crt')), key: Buffer.from(pki.read('client.key')) });

  it('refuses bad arguments before any thread starts', () => {
    const a = addon();
    const before = threads();
    const ok = { host: '127.0.0.1', port: 1, ip: true, timeoutMs: 1000, ...identity() };
    expect(() => a.open(ok, Buffer.from('GET / HTTP/1.1\r\n\r\n'), 'not a function')).toThrow(TypeError);
    expect(() => a.open({ ...ok, port: 0 }, Buffer.alloc(1), () => undefined)).toThrow(RangeError);
    expect(() => a.open({ ...ok, port: 1.5 }, Buffer.alloc(1), () => undefined)).toThrow(RangeError);
    expect(() => a.open({ ...ok, timeoutMs: 0 }, Buffer.alloc(1), () => undefined)).toThrow(RangeError);
    expect(() => a.open({ ...ok, host: '' }, Buffer.alloc(1), () => undefined)).toThrow(TypeError);
    expect(() => a.open({ ...ok, key: 'a string' }, Buffer.alloc(1), () => undefined)).toThrow(/key must be a Uint8Array/);
    expect(() => a.read({}, Buffer.alloc(1), false)).toThrow(/connection handle/);
    expect(threads()).toBe(before);
  });

  it('answers one read at a time, refuses an empty view, answers ECONNABORTED when destroyed while it connects, and refuses reads after destroy', async () => {
    const held: net.Socket[] = [];
    const server = net.createServer((s) => held.push(s));
    const base = new URL(await listen(server));
    try {
      const a = addon();
      const answers: Array<[string | null, number, boolean]> = [];
      let done!: () => void;
      const answered = new Promise<void>((resolve) => (done = resolve));
      const h = a.open({ host: '127.0.0.1', port: Number(base.port), ip: true, timeoutMs: 10_000, ...identity() }, Buffer.from('GET / HTTP/1.1\r\n\r\n'), (code: string | null, _m: string | null, n: number, final: boolean) => {
        answers.push([code, n, final]);
        done();
      });
      expect(() => a.read(h, Buffer.alloc(0), false)).toThrow(RangeError);
      a.read(h, Buffer.alloc(16), false);
      expect(() => a.read(h, Buffer.alloc(16), false)).toThrow(/already pending/);
      await new Promise((r) => setTimeout(r, 100)); // the thread is in the handshake now, waiting on a silent peer
      a.destroy(h);
      await answered;
      expect(answers).toEqual([['ECONNABORTED', 0, true]]);
      expect(() => a.read(h, Buffer.alloc(16), false)).toThrow(/has ended/);
      // Destroyed with no read pending, the thread ends without an answer: a later read is refused, not left hanging.
      const h2 = a.open({ host: '127.0.0.1', port: Number(base.port), ip: true, timeoutMs: 10_000, ...identity() }, Buffer.from('GET / HTTP/1.1\r\n\r\n'), () => undefined);
      a.destroy(h2);
      expect(() => a.read(h2, Buffer.alloc(16), false)).toThrow(/has ended/);
    } finally {
      for (const s of held) s.destroy();
      server.close();
    }
  });

  it('leaves no thread behind once its downloads have ended, whichever way', async () => {
    const tlsServer = tls.createServer({ key: pki.read('server.key'), cert: pki.read('server.crt'), ca: pki.read('ca.crt'), requestCert: true }, (s) => {
      s.once('data', () => s.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'));
    });
    const base = await listen(tlsServer);
    const before = threads();
    try {
      for (let i = 0; i < 20; i += 1) {
        const e = await rejection(client(base, 'openssl-thread').download(`/f${i}`, { sha256: '0'.repeat(64), size: 1 }, noSink));
        expect(e.message).toContain('404');
      }
      // Each connection's thread ends after its last answer; give the last ones a moment.
      for (let i = 0; i < 50 && threads() > before; i += 1) await new Promise((r) => setTimeout(r, 20));
      expect(threads()).toBeLessThanOrEqual(before);
    } finally {
      tlsServer.close();
    }
  });
});
