import { createHash } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyDetachedCms } from '../../../app/core/signature/cms';
import { TisClient, type TisClientOptions } from '../../../app/core/tis/client';
import { nativeTls, type TlsReader } from '../../../app/core/tis/native-tls-exchange';
import type { TisListing, TisPart } from '../../../app/core/tis/schema';
import type { Sink } from '../../../app/core/tis/sink';
import { startTisServer, type TisServer } from '../../../scripts/tis-server/server';
import { makeCases, makePki, makeTmp, rejection, PL_SIGNATURE, Sinks, UA_SIGNATURE, type CaseFiles, type Pki } from './fixture';

let tmp: string;
let pki: Pki;
let server: TisServer;
let files: CaseFiles;
let listing: TisListing;
/** Both readers of a download's TLS pass the same tests: native/tls's thread, and Node's socket, its fallback. */
const READERS: readonly TlsReader[] = ['openssl-thread', 'node:tls'];
let reader: TlsReader = 'openssl-thread';

function client(over: Partial<TisClientOptions> = {}): TisClient {
  return new TisClient({
    baseUrl: server.url,
    ca: pki.read('ca.crt'),
    cert: pki.read('client.crt'),
    key: pki.read('client.key'),
    timeoutMs: 3000,
    retries: 2,
    backoffMs: 10,
    tlsReader: reader,
    ...over,
  });
}

function readyPart(i: number): Extract<TisPart, { status: 'ready' }> {
  const p = listing.recordings[0]?.parts[i];
  if (!p || p.status !== 'ready') throw new Error('fixture part not ready');
  return p;
}


const fileRequests = (): ReturnType<TisServer['requests']> => server.requests().filter((r) => r.kind === 'file');

beforeAll(async () => {
  tmp = makeTmp();
  pki = makePki(tmp);
  const root = path.join(tmp, 'root');
  files = await makeCases(root, pki, tmp);
  server = await startTisServer({ root, certs: pki.dir });
  listing = await client().listRecordings(UA_SIGNATURE);
});

afterAll(async () => {
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  server.setFault(null);
  server.clearRequests();
});

describe('TisClient.listRecordings', () => {
  it('[DC-3][PL-6.1] lists a case over mutual TLS, percent-encoding the signature and keeping unknown fields', async () => {
    const l = await client().listRecordings(UA_SIGNATURE);
    expect(l.case).toMatchObject({ jurisdiction: 'UA', signature: UA_SIGNATURE, caseNumber: UA_SIGNATURE, proceedingsNumber: '2/757/1234/25' });
    expect(server.requests()[0]?.path).toBe('/api/v1/cases/757%2F12345%2F25-%D1%86/recordings');
    const rec = l.recordings[0];
    expect(rec?.['x-vkz-room']).toEqual({ id: 17, participants: 4 });
    expect(rec?.attachments[0]).toMatchObject({ kind: 'protocol', title: 'Протокол судового засідання підсистеми ВКЗ', size: files.protocol.length });
    expect(server.requests()[0]?.acceptEncoding).toBe('identity');
  });

  it('[UA-2] keeps the parts of one conference together and in order', async () => {
    const parts = listing.recordings[0]?.parts.map((p) => p.name);
    expect(parts).toEqual(['conf-1.mp4', 'conf-2.mp4']);
  });

  it('[Q-2] an unknown case is a not-found error naming the URL', async () => {
    const e = await rejection(client().listRecordings('KM 999/99'));
    expect(e.rule).toBe('tis.case.unknown');
    expect(e.code).toBe('not-found');
    expect(e.message).toContain('/api/v1/cases/KM%20999%2F99/recordings');
  });

  it('[Q-2] a listing with a wrong sha256 still parses, and the download then refuses it', async () => {
    server.setFault({ kind: 'wrong-sha256', times: 1 });
    const bad = await client().listRecordings(UA_SIGNATURE);
    const p = bad.recordings[0]?.parts[0];
    if (!p || p.status !== 'ready') throw new Error('expected a ready part');
    expect(p.sha256).not.toBe(readyPart(0).sha256);
    const sinks = new Sinks();
    const e = await rejection(client().download(p.href, p, sinks.open));
    expect(e.rule).toBe('tis.hash-mismatch');
    expect(e.code).toBe('integrity');
    expect(sinks.nothingKept()).toBe(true);
  });

  it('[Q-2] a huge JSON listing (chunked) is refused once past maxJsonBytes', async () => {
    server.setFault({ kind: 'huge-listing', bytes: 64 * 1024 * 1024 });
    const e = await rejection(client({ maxJsonBytes: 1024 * 1024 }).listRecordings(UA_SIGNATURE));
    expect(e.rule).toBe('tis.json.too-large');
    expect(e.message).toContain('exceeds the limit of 1048576 bytes');
  });

  it('[Q-2] a huge JSON listing with a Content-Length is refused before reading it', async () => {
    server.setFault({ kind: 'huge-listing', bytes: 64 * 1024 * 1024, chunked: false });
    const e = await rejection(client({ maxJsonBytes: 1024 * 1024 }).listRecordings(UA_SIGNATURE));
    expect(e.rule).toBe('tis.json.too-large');
    expect(e.message).toMatch(/Content-Length \d+ exceeds/);
  });

  it('[Q-2] a listing nested 10,000 levels deep is refused by its depth before it is parsed (tis.json.depth)', async () => {
    server.setFault({ kind: 'deep-listing' });
    const e = await rejection(client().listRecordings(UA_SIGNATURE));
    expect(e.rule).toBe('tis.json.depth');
    expect(e.message).toContain('deeper than 64 levels');
  });

  it('[Q-2] a gzip bomb listing is refused without decompressing', async () => {
    server.setFault({ kind: 'gzip-bomb', on: 'listing' });
    const e = await rejection(client().listRecordings(UA_SIGNATURE));
    expect(e.rule).toBe('tis.encoding-refused');
    expect(server.requests()[0]?.acceptEncoding).toBe('identity');
  });

  it('retries a 500 and then succeeds', async () => {
    server.setFault({ kind: 'status-500', times: 1, on: 'listing' });
    const l = await client().listRecordings(UA_SIGNATURE);
    expect(l.case.signature).toBe(UA_SIGNATURE);
    expect(server.requests().map((r) => r.status)).toEqual([500, 200]);
  });
});

it('[Q-3] native/tls is built in this checkout, so the download tests run on both readers', () => {
  expect(nativeTls().why, 'scripts/build-native.sh builds native/tls/tls.node (setup.sh runs it)').toBeNull();
});

describe.each(READERS)('TisClient.download, TLS read by %s', (r) => {
  beforeAll(() => {
    reader = r;
  });

  it('[DC-3][DC-4] downloads a part into one sink and checks sha256 and Repr-Digest', async () => {
    const sinks = new Sinks();
    const r = await client().download(readyPart(0).href, readyPart(0), sinks.open);
    expect(r).toMatchObject({ status: 'ok', size: files.part1.length, attempts: 1, resumes: 0, restarts: 0 });
    expect(sinks.all).toHaveLength(1);
    expect(sinks.kept()[0]?.content().equals(files.part1)).toBe(true);
  });

  it('[UA-1] a part still processing answers 409: not-ready with Retry-After, no sink opened', async () => {
    const pl = await client().listRecordings(PL_SIGNATURE);
    const p = pl.recordings[0]?.parts[0];
    expect(p?.status).toBe('processing');
    const sinks = new Sinks();
    const r = await client().download(p?.href ?? '', { sha256: '0'.repeat(64), size: 1 }, sinks.open);
    expect(r).toMatchObject({ status: 'not-ready', retryAfterSec: 90 });
    expect(sinks.all).toHaveLength(0);
    // The server logs a status when its response has finished: with the TLS read on its own
    // thread (native/tls) the client can be done before that event has run.
    await vi.waitFor(() => expect(server.requests().at(-1)?.status).toBe(409));
  });

  it('[Q-2] resumes with Range and If-Range after a connection reset mid-body', async () => {
    server.setFault({ kind: 'reset-mid-body', times: 1 });
    const sinks = new Sinks();
    const r = await client().download(readyPart(0).href, readyPart(0), sinks.open);
    expect(r).toMatchObject({ status: 'ok', resumes: 1, restarts: 0 });
    const reqs = fileRequests();
    expect(reqs).toHaveLength(2);
    expect(reqs[0]?.range).toBeNull();
    expect(reqs[1]?.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(reqs[1]?.ifRange).toMatch(/^"sha256-[0-9a-f]{32}"$/);
    expect(reqs[1]?.status).toBe(206);
    expect(sinks.all).toHaveLength(1);
    expect(sinks.kept()[0]?.content().equals(files.part1)).toBe(true);
  });

  it('[Q-2] starts over with a new sink when a resume is answered 200 (validator changed)', async () => {
    server.setFault([{ kind: 'reset-mid-body', times: 1 }, { kind: 'ignore-range', times: 1 }]);
    const sinks = new Sinks();
    const r = await client().download(readyPart(0).href, readyPart(0), sinks.open);
    expect(r).toMatchObject({ status: 'ok', restarts: 1 });
    expect(fileRequests()[1]?.range).toMatch(/^bytes=\d+-$/);
    expect(sinks.all.map((s) => s.state)).toEqual(['aborted', 'finished']);
    expect(sinks.kept()[0]?.content().equals(files.part1)).toBe(true);
  });

  it('[Q-2] a body shorter than Content-Length is resumed', async () => {
    server.setFault({ kind: 'short-body', times: 1 });
    const sinks = new Sinks();
    const r = await client().download(readyPart(1).href, readyPart(1), sinks.open);
    expect(r).toMatchObject({ status: 'ok', resumes: 1 });
    expect(fileRequests()[1]?.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(sinks.kept()[0]?.content().equals(files.part2)).toBe(true);
  });

  it('[Q-2] a body that keeps ending short fails after the retries and keeps nothing', async () => {
    server.setFault({ kind: 'short-body' });
    const sinks = new Sinks();
    const e = await rejection(client({ retries: 2 }).download(readyPart(1).href, readyPart(1), sinks.open));
    expect(e.rule).toBe('tis.network');
    expect(fileRequests()).toHaveLength(3);
    expect(sinks.nothingKept()).toBe(true);
  });

  it('[Q-2] bytes after Content-Length are refused and nothing is kept', async () => {
    server.setFault({ kind: 'long-body' });
    const sinks = new Sinks();
    const e = await rejection(client().download(readyPart(0).href, readyPart(0), sinks.open));
    expect(e.rule).toBe('tis.http.malformed');
    expect(sinks.nothingKept()).toBe(true);
  });

  it('[Q-2] a Content-Length larger than the listed size is refused before reading', async () => {
    server.setFault({ kind: 'oversize-body' });
    const sinks = new Sinks();
    const e = await rejection(client().download(readyPart(0).href, readyPart(0), sinks.open));
    expect(e.rule).toBe('tis.body.too-long');
    expect(sinks.all).toHaveLength(0);
  });

  it('[Q-2] a chunked body longer than the listed size is cut off and nothing is kept', async () => {
    server.setFault({ kind: 'oversize-body', chunked: true });
    const sinks = new Sinks();
    const e = await rejection(client().download(readyPart(0).href, readyPart(0), sinks.open));
    expect(e.rule).toBe('tis.body.too-long');
    expect(sinks.nothingKept()).toBe(true);
  });

  it('[DC-4][Q-2] a body whose hash differs from the listing is refused and nothing is kept', async () => {
    server.setFault({ kind: 'no-repr-digest' });
    const sinks = new Sinks();
    const wrong = { sha256: readyPart(1).sha256, size: readyPart(0).size };
    const e = await rejection(client().download(readyPart(0).href, wrong, sinks.open));
    expect(e.rule).toBe('tis.hash-mismatch');
    expect(e.message).toContain('SHA-256 of the body is');
    expect(sinks.all.map((s) => s.state)).toEqual(['aborted']);
  });

  it('[DC-4][Q-2] with hashInClient off, the sink\'s hash decides and a mismatch is aborted after finish', async () => {
    server.setFault({ kind: 'no-repr-digest' });
    const sinks = new Sinks();
    const wrong = { sha256: readyPart(1).sha256, size: readyPart(0).size };
    const e = await rejection(client({ hashInClient: false }).download(readyPart(0).href, wrong, sinks.open));
    expect(e.rule).toBe('tis.hash-mismatch');
    expect(e.message).toContain('the store hashed');
    expect(sinks.nothingKept()).toBe(true);
  });

  it('[DC-4][Q-2] a wrong Repr-Digest is refused and nothing is kept', async () => {
    server.setFault({ kind: 'wrong-repr-digest' });
    const sinks = new Sinks();
    const e = await rejection(client().download(readyPart(0).href, readyPart(0), sinks.open));
    expect(e.rule).toBe('tis.hash-mismatch');
    expect(e.message).toContain('Repr-Digest');
    expect(sinks.nothingKept()).toBe(true);
  });

  it('[Q-2] a slow trickle hits the idle time-out and nothing is kept', async () => {
    server.setFault({ kind: 'trickle', intervalMs: 1500 });
    const sinks = new Sinks();
    const e = await rejection(client({ timeoutMs: 400, retries: 1 }).download(readyPart(1).href, readyPart(1), sinks.open));
    expect(e.rule).toBe('tis.timeout');
    expect(e.message).toContain('no data for 400 ms');
    expect(fileRequests()).toHaveLength(2);
    expect(sinks.nothingKept()).toBe(true);
  });

  it('a failing sink stops the download at once, without retrying it as a network error', async () => {
    let opened = 0;
    const e = await client()
      .download(readyPart(0).href, readyPart(0), async () => {
        opened += 1;
        return {
          write: async () => Promise.reject(new Error('disk full')),
          finish: async () => ({ sha256: '', size: 0 }),
          abort: async () => undefined,
        };
      })
      .catch((err: unknown) => err);
    expect((e as Error).message).toBe('disk full');
    expect(opened).toBe(1);
    expect(fileRequests()).toHaveLength(1);
  });

  it('retries a 500 and then downloads', async () => {
    server.setFault({ kind: 'status-500', times: 1, on: 'file' });
    const sinks = new Sinks();
    const r = await client().download(readyPart(1).href, readyPart(1), sinks.open);
    expect(r).toMatchObject({ status: 'ok', attempts: 2 });
    expect(fileRequests().map((q) => q.status)).toEqual([500, 200]);
    expect(sinks.kept()).toHaveLength(1);
  });

  it('follows a same-origin redirect', async () => {
    server.setFault({ kind: 'redirect-same-origin', times: 1, on: 'file' });
    const sinks = new Sinks();
    const r = await client().download(readyPart(1).href, readyPart(1), sinks.open);
    expect(r.status).toBe('ok');
    expect(fileRequests().map((q) => q.status)).toEqual([302, 200]);
  });

  it('[Q-2] refuses a redirect to another host and does not follow it', async () => {
    server.setFault({ kind: 'redirect-other-origin', on: 'file' });
    const sinks = new Sinks();
    const e = await rejection(client().download(readyPart(1).href, readyPart(1), sinks.open));
    expect(e.rule).toBe('tis.redirect-refused');
    expect(e.message).toContain('https://localhost:');
    expect(server.requests()).toHaveLength(1);
    expect(sinks.all).toHaveLength(0);
  });

  it('[Q-2] refuses a redirect to plain http', async () => {
    server.setFault({ kind: 'redirect-http', on: 'file' });
    const e = await rejection(client().download(readyPart(1).href, readyPart(1), new Sinks().open));
    expect(e.rule).toBe('tis.redirect-refused');
    expect(e.message).toContain('http:');
    expect(server.requests()).toHaveLength(1);
  });

  it('[Q-2] refuses a file: redirect', async () => {
    server.setFault({ kind: 'redirect-same-origin', location: 'file:///etc/passwd', on: 'file' });
    const e = await rejection(client().download(readyPart(1).href, readyPart(1), new Sinks().open));
    expect(e.rule).toBe('tis.redirect-refused');
    expect(server.requests()).toHaveLength(1);
  });

  it('[Q-2] refuses hrefs that are not on the TIS origin without any request', async () => {
    const c = client();
    for (const href of ['https://evil.example/x.mp4', 'http://127.0.0.1/x.mp4', 'file:///etc/passwd', '//evil.example/x']) {
      const e = await rejection(c.download(href, readyPart(0), new Sinks().open));
      expect(e.rule).toBe('tis.href-origin');
    }
    expect(server.requests()).toHaveLength(0);
  });

  it('[Q-2] a gzip-encoded body is refused without decompressing', async () => {
    server.setFault({ kind: 'gzip-bomb', on: 'file' });
    const sinks = new Sinks();
    const e = await rejection(client().download(readyPart(0).href, readyPart(0), sinks.open));
    expect(e.rule).toBe('tis.encoding-refused');
    expect(sinks.all).toHaveLength(0);
  });
});

describe('protocol with signature from the TIS', () => {
  it('[UA-3][UA-4][UA-6] downloads the protocol and its .p7s and the signature verifies', async () => {
    const att = listing.recordings[0]?.attachments[0];
    const sig = att?.signature;
    if (!att || !sig || typeof sig === 'string') throw new Error('fixture attachment has no signature object');
    expect(att.title).toBe('Протокол судового засідання підсистеми ВКЗ');
    const c = client();
    const pdfSinks = new Sinks();
    const sigSinks = new Sinks();
    await c.download(att.href, att, pdfSinks.open);
    await c.download(sig.href, sig, sigSinks.open);
    const pdf = pdfSinks.kept()[0]?.content() ?? Buffer.alloc(0);
    const p7s = sigSinks.kept()[0]?.content() ?? Buffer.alloc(0);
    expect(pdf.equals(files.protocol)).toBe(true);
    const v = await verifyDetachedCms(pdf, p7s, [pki.read('ca.crt')]);
    expect(v).toMatchObject({ ok: true, signerSubject: 'C=UA, O=Court Kiosk Test, CN=Секретар Іваненко' });
  });
});

describe.each(READERS)('mutual TLS, TLS read by %s', (r) => {
  beforeAll(() => {
    reader = r;
  });

  it('[Q-2] refuses a server certificate from another CA', async () => {
    const other = await startTisServer({ root: path.join(tmp, 'root'), certs: pki.dir, serverCert: 'other-server' });
    try {
      const e = await rejection(client({ baseUrl: other.url }).listRecordings(UA_SIGNATURE));
      expect(e.rule).toBe('tis.tls.server-untrusted');
      expect(e.message).not.toContain('BEGIN');
      expect(other.requests()).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('the server refuses a client without a certificate', async () => {
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      const req = https.get(`${server.url}/api/v1/cases/x/recordings`, { ca: pki.read('ca.crt'), agent: false }, (res) => {
        res.resume();
        resolve(null);
      });
      req.on('error', resolve);
    });
    expect(err).not.toBeNull();
    expect(server.requests()).toHaveLength(0);
  });

  it('[Q-2] a client certificate from another CA is refused by the server, with a clear error', async () => {
    const c = client({ cert: pki.read('other-client.crt'), key: pki.read('other-client.key'), retries: 0 });
    const e = await rejection(c.listRecordings(UA_SIGNATURE));
    // TLS 1.3 sends the server's alert after the client thinks the handshake is done, so the
    // client may see the alert or only the reset that follows it.
    expect(['tis.tls.client-rejected', 'tis.network']).toContain(e.rule);
    expect(e.message).not.toContain('PRIVATE KEY');
    expect(server.requests()).toHaveLength(0);
  });
});

describe('TisClient.postViewingReport', () => {
  it('[PL-6.1] posts a viewing report: 201 with an id, the same key again 200 with the same id', async () => {
    const c = client();
    const body = Buffer.from(JSON.stringify({ report: 'r-1', signature: 'x' }));
    const first = await c.postViewingReport(UA_SIGNATURE, body, 'key-post-1');
    const again = await c.postViewingReport(UA_SIGNATURE, body, 'key-post-1');
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    expect(server.requests().map((r) => r.idempotencyKey)).toEqual(['"key-post-1"', '"key-post-1"']);
  });

  it('[Q-2] the same key with another report is refused', async () => {
    const c = client();
    await c.postViewingReport(UA_SIGNATURE, Buffer.from('{"a":1}'), 'key-post-2');
    const e = await rejection(c.postViewingReport(UA_SIGNATURE, Buffer.from('{"a":2}'), 'key-post-2'));
    expect(e.rule).toBe('tis.report.rejected');
    expect(e.message).toContain('422');
  });
});

// Downloads read in place (app/core/tis/tls-exchange.ts): a sink that offers
// its own memory (space/commit, as the store's slots do) gets the body there,
// without write(), through resumes, back-pressure and faults.
/** Memory handed out in small pieces (records straddle them); every few commits it makes the reader wait. */
class SpaceSink implements Sink {
  state: 'open' | 'finished' | 'aborted' = 'open';
  writes = 0;
  commits = 0;
  waits = 0;
  private fill = 0;
  constructor(
    private readonly mem: Buffer,
    private readonly failAt: number | null = null,
  ) {}
  async write(): Promise<void> {
    this.writes += 1;
    throw new Error('write() on a sink read in place');
  }
  space(): Uint8Array {
    if (this.state !== 'open') throw new Error(`space of a ${this.state} sink`);
    return this.mem.subarray(this.fill, Math.min(this.mem.length, this.fill + 10_000));
  }
  commit(n: number): Promise<void> | null {
    this.fill += n;
    this.commits += 1;
    if (this.failAt !== null && this.fill >= this.failAt) throw new Error('disk full (test)');
    if (this.commits % 7 !== 0) return null;
    this.waits += 1;
    return new Promise((r) => setTimeout(r, 2));
  }
  async finish(): Promise<{ sha256: string; size: number }> {
    this.state = 'finished';
    return { sha256: createHash('sha256').update(this.content()).digest('hex'), size: this.fill };
  }
  async abort(): Promise<void> {
    this.state = 'aborted';
    this.mem.fill(0);
  }
  content(): Buffer {
    return this.mem.subarray(0, this.fill);
  }
}

const opened: SpaceSink[] = [];
const openSpace = (failAt: number | null = null) => async (): Promise<Sink> => {
  const s = new SpaceSink(Buffer.alloc(readyPart(0).size + 64 * 1024), failAt);
  opened.push(s);
  return s;
};

describe.each(READERS)('[DC-4] [Q-2] a download read in place, TLS read by %s', (r) => {
  beforeAll(() => {
    reader = r;
  });

  it('lands in the sink\'s own memory, never through write(), waiting whenever the sink asks', async () => {
    opened.length = 0;
    const r = await client({ hashInClient: false }).download(readyPart(0).href, readyPart(0), openSpace());
    expect(r).toMatchObject({ status: 'ok', size: files.part1.length });
    const [s] = opened;
    expect(s?.writes).toBe(0);
    expect(s?.waits).toBeGreaterThan(0);
    expect(s?.content().equals(files.part1)).toBe(true);
  });

  it('resumes after a reset mid-body into the same memory', async () => {
    opened.length = 0;
    server.setFault({ kind: 'reset-mid-body', times: 1 });
    const r = await client({ hashInClient: false }).download(readyPart(0).href, readyPart(0), openSpace());
    expect(r).toMatchObject({ status: 'ok', resumes: 1 });
    expect(opened).toHaveLength(1);
    expect(opened[0]?.content().equals(files.part1)).toBe(true);
  });

  it('counts no byte past Content-Length and keeps nothing (tis.http.malformed)', async () => {
    opened.length = 0;
    server.setFault({ kind: 'long-body' });
    const e = await rejection(client({ hashInClient: false }).download(readyPart(0).href, readyPart(0), openSpace()));
    expect(e.rule).toBe('tis.http.malformed');
    expect(opened.every((s) => s.state === 'aborted')).toBe(true);
  });

  it('cuts a chunked body that runs past the listed size (tis.body.too-long)', async () => {
    opened.length = 0;
    server.setFault({ kind: 'oversize-body', chunked: true });
    const e = await rejection(client({ hashInClient: false }).download(readyPart(0).href, readyPart(0), openSpace()));
    expect(e.rule).toBe('tis.body.too-long');
    expect(opened.every((s) => s.state === 'aborted')).toBe(true);
  });

  it('stops at the sink\'s own failure without retrying it as the network\'s', async () => {
    opened.length = 0;
    const e = await client({ hashInClient: false }).download(readyPart(0).href, readyPart(0), openSpace(100_000)).then(() => null, (err: unknown) => err);
    expect((e as Error).message).toBe('disk full (test)');
    expect(fileRequests()).toHaveLength(1);
    expect(opened[0]?.state).toBe('aborted');
  });
});
