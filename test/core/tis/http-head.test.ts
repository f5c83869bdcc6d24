// The HTTP/1.1 framing the download path reads itself (app/core/tis/http-head.ts):
// strict where lenience could be abused, exact wherever a piece boundary falls.
import { describe, expect, it } from 'vitest';
import { ChunkedDecoder, framingOf, headEnd, parseHead } from '../../../app/core/tis/http-head';
import { TisError } from '../../../app/core/tis/errors';

const URL_ = 'https://tis.example/api/v1/cases/x/files/a.mp4';
const head = (text: string): ReturnType<typeof parseHead> => parseHead(Buffer.from(text, 'latin1'), URL_);
const rule = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TisError);
    return `${(e as TisError).rule}: ${(e as TisError).message}`;
  }
  throw new Error('no error');
};

describe('[Q-2] response head', () => {
  it('finds the blank line across reads, searching only what is new', () => {
    const b = Buffer.from('HTTP/1.1 200 OK\r\nA: b\r\n\r\nBODY');
    expect(headEnd(b, 0, 10)).toBe(-1);
    expect(headEnd(b, 24, b.length)).toBe(25);
  });

  it('gives status and lower-case fields, repeated ones joined as Node joins them', () => {
    const h = head('HTTP/1.1 206 Partial Content\r\nContent-Length: 10\r\nRepr-Digest: a=:x:\r\nrepr-digest: sha-256=:y:\r\nETag:  "v1" ');
    expect(h.status).toBe(206);
    expect(h.headers).toEqual({ 'content-length': '10', 'repr-digest': 'a=:x:, sha-256=:y:', etag: '"v1"' });
  });

  it('refuses what a lenient parser would let through: obs-fold, bad names, control characters, an odd status line', () => {
    expect(rule(() => head('HTTP/1.1 200 OK\r\nA: b\r\n  folded'))).toMatch(/^tis\.http\.malformed: .*obs-fold/);
    expect(rule(() => head('HTTP/1.1 200 OK\r\nBad Name: b'))).toMatch(/header field name/);
    expect(rule(() => head('HTTP/1.1 200 OK\r\nA: b\x00c'))).toMatch(/control character in A/);
    expect(rule(() => head('HTTP/2 200 OK'))).toMatch(/status line/);
    expect(rule(() => head('HTTP/1.1 2000 OK'))).toMatch(/status line/);
  });

  it('refuses framing that two parties could read two ways (request smuggling\'s response side)', () => {
    expect(rule(() => head('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6'))).toMatch(/repeated Content-Length/);
    expect(head('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5').headers['content-length']).toBe('5');
    expect(rule(() => framingOf(head('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked'), URL_))).toMatch(/Content-Length with Transfer-Encoding/);
    expect(rule(() => framingOf(head('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked'), URL_))).toMatch(/Transfer-Encoding "gzip, chunked"/);
    expect(rule(() => framingOf(head('HTTP/1.1 200 OK\r\nContent-Length: -1'), URL_))).toMatch(/Content-Length\)/);
  });

  it('knows how each body ends', () => {
    expect(framingOf(head('HTTP/1.1 200 OK\r\nContent-Length: 7'), URL_)).toEqual({ kind: 'length', length: 7 });
    expect(framingOf(head('HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked'), URL_)).toEqual({ kind: 'chunked' });
    expect(framingOf(head('HTTP/1.1 200 OK'), URL_)).toEqual({ kind: 'close' });
    expect(framingOf(head('HTTP/1.1 304 Not Modified\r\nContent-Length: 7'), URL_)).toEqual({ kind: 'length', length: 0 });
  });
});

describe('[Q-2] chunked bodies', () => {
  const wire = Buffer.from('5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: x\r\n\r\n');

  it('decode the same whatever the piece boundaries, and say where the body ended', () => {
    for (const step of [1, 2, 3, 7, 16, wire.length]) {
      const d = new ChunkedDecoder(URL_);
      const out: Buffer[] = [];
      let used = 0;
      for (let i = 0; i < wire.length; i += step) used += d.push(wire.subarray(i, i + step), (x) => out.push(Buffer.from(x)));
      expect(Buffer.concat(out).toString()).toBe('helloabcdefghijklmnopqrstuvwxyz');
      expect(d.done).toBe(true);
      expect(used).toBe(wire.length);
    }
  });

  it('leave bytes after the last chunk unread, for the caller to refuse', () => {
    const d = new ChunkedDecoder(URL_);
    const more = Buffer.concat([wire, Buffer.from('EXTRA')]);
    expect(d.push(more, () => undefined)).toBe(wire.length);
  });

  it('refuse a bad size, a missing CRLF after data, a bare LF and an endless line', () => {
    const bad = (text: string): string => rule(() => new ChunkedDecoder(URL_).push(Buffer.from(text), () => undefined));
    expect(bad('zz\r\n')).toMatch(/^tis\.http\.malformed: .*chunk size/);
    expect(bad('12345678901234\r\n')).toMatch(/chunk size/);
    expect(bad('2\r\nabX\r\n')).toMatch(/no CRLF after chunk data/);
    expect(bad('2\nab')).toMatch(/bare LF/);
    expect(bad('1'.repeat(5000))).toMatch(/chunk line too long/);
  });
});
