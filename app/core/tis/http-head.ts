// The HTTP/1.1 response framing the kiosk's download path reads itself
// (tls-exchange.ts): the status line and header fields, and how the body is
// delimited (RFC 9112 §4-7). Strict where lenience could be abused: no
// obs-fold, no header line outside the token grammar, no Content-Length
// together with Transfer-Encoding, no coding other than chunked, bounded
// head and chunk lines. Anything else is `tis.http.malformed`, as Node's own
// parser (llhttp) calls it on the other requests.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { TisError } from './errors';

/** A response head larger than this is refused (Node's default is 16 KiB). */
export const MAX_HEAD_BYTES = 64 * 1024;
/** A chunk-size line or trailer line longer than this is refused. */
const MAX_LINE_BYTES = 4096;

export interface ResponseHead {
  readonly status: number;
  /** Lower-case names; repeated fields joined with ", " as Node does. */
  readonly headers: IncomingHttpHeaders;
}

export type Framing = { readonly kind: 'length'; readonly length: number } | { readonly kind: 'chunked' } | { readonly kind: 'close' };

const CRLFCRLF = Buffer.from('\r\n\r\n');
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Fields whose repetition would make the framing ambiguous: refused unless identical. */
const SINGLE = new Set(['content-length', 'transfer-encoding']);

/** Index just past the blank line that ends a head in `buf[0..end)`, searching from `from`; -1 when not there yet. */
export function headEnd(buf: Buffer, from: number, end: number): number {
  const at = buf.subarray(0, end).indexOf(CRLFCRLF, Math.max(0, from - 3));
  return at < 0 ? -1 : at + 4;
}

export function parseHead(bytes: Buffer, url: string): ResponseHead {
  const malformed = (why: string): TisError => new TisError('tis.http.malformed', url, `malformed HTTP from the server (${why})`);
  const text = bytes.toString('latin1');
  const lines = text.split('\r\n');
  const statusLine = /^HTTP\/1\.[01] ([1-5]\d\d)(?: [\t\x20-\x7e\x80-\xff]*)?$/.exec(lines[0] ?? '');
  if (!statusLine) throw malformed('status line');
  const headers: Record<string, string | string[]> = {};
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) throw malformed(line.startsWith(' ') || line.startsWith('\t') ? 'obs-fold' : 'header field name');
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) throw malformed(`control character in ${name}`);
    const key = name.toLowerCase();
    const had = headers[key];
    if (key === 'set-cookie') {
      headers[key] = [...((had as string[] | undefined) ?? []), value];
    } else if (had === undefined) {
      headers[key] = value;
    } else if (SINGLE.has(key)) {
      if (had !== value) throw malformed(`repeated ${name}`);
    } else {
      headers[key] = `${had as string}, ${value}`;
    }
  }
  return { status: Number(statusLine[1]), headers };
}

/** How the body of a response to a GET ends (RFC 9112 §6.3). */
export function framingOf(head: ResponseHead, url: string): Framing {
  const malformed = (why: string): TisError => new TisError('tis.http.malformed', url, `malformed HTTP from the server (${why})`);
  if ((head.status >= 100 && head.status < 200) || head.status === 204 || head.status === 304) return { kind: 'length', length: 0 };
  const te = head.headers['transfer-encoding'];
  const cl = head.headers['content-length'];
  if (te !== undefined) {
    if (cl !== undefined) throw malformed('Content-Length with Transfer-Encoding');
    if (String(te).trim().toLowerCase() !== 'chunked') throw malformed(`Transfer-Encoding ${JSON.stringify(te)}`);
    return { kind: 'chunked' };
  }
  if (cl !== undefined) {
    if (!/^\d{1,16}$/.test(String(cl))) throw malformed('Content-Length');
    return { kind: 'length', length: Number(cl) };
  }
  return { kind: 'close' };
}

/**
 * Decodes a chunked body as it arrives. `push` hands each piece of data to
 * `out` (views of the input: copy before keeping) and returns how many input
 * bytes it used; after the last chunk and its trailer, `done` is true and
 * any byte more is the caller's to refuse.
 */
export class ChunkedDecoder {
  #state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  #line = '';
  #left = 0;

  constructor(private readonly url: string) {}

  get done(): boolean {
    return this.#state === 'done';
  }

  push(input: Uint8Array, out: (data: Uint8Array) => void): number {
    let i = 0;
    while (i < input.length && this.#state !== 'done') {
      if (this.#state === 'data') {
        const n = Math.min(this.#left, input.length - i);
        out(input.subarray(i, i + n));
        i += n;
        this.#left -= n;
        if (this.#left === 0) this.#state = 'data-end';
        continue;
      }
      // A line: chunk size, the CRLF after data, or a trailer field.
      const nl = input.indexOf(0x0a, i);
      const end = nl < 0 ? input.length : nl + 1;
      this.#line += Buffer.from(input.buffer, input.byteOffset + i, end - i).toString('latin1');
      i = end;
      if (this.#line.length > MAX_LINE_BYTES) throw this.malformed('chunk line too long');
      if (nl < 0) continue;
      if (!this.#line.endsWith('\r\n')) throw this.malformed('bare LF in chunked framing');
      const line = this.#line.slice(0, -2);
      this.#line = '';
      if (this.#state === 'data-end') {
        if (line !== '') throw this.malformed('no CRLF after chunk data');
        this.#state = 'size';
      } else if (this.#state === 'size') {
        const m = /^([0-9A-Fa-f]{1,13})[ \t]*(?:;.*)?$/.exec(line);
        if (!m?.[1]) throw this.malformed('chunk size');
        this.#left = parseInt(m[1], 16);
        this.#state = this.#left === 0 ? 'trailer' : 'data';
      } else if (line === '') {
        this.#state = 'done';
      }
    }
    return i;
  }

  private malformed(why: string): TisError {
    return new TisError('tis.http.malformed', this.url, `malformed HTTP from the server (${why})`);
  }
}

/** A GET's request head; every value is the client's own, checked anyway so that none can split it. */
export function getRequestHead(url: URL, headers: OutgoingHttpHeaders): string {
  const fields: Array<[string, string]> = [['Host', url.host]];
  for (const [name, value] of Object.entries({ ...headers, 'Accept-Encoding': 'identity', Connection: 'close' })) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [String(value)]) {
      if (!FIELD_NAME.test(name) || /[\r\n\0]/.test(v)) throw new TisError('tis.http.malformed', url.href, `refusing to send header ${JSON.stringify(name)}`);
      fields.push([name, v]);
    }
  }
  return `GET ${url.pathname}${url.search} HTTP/1.1\r\n${fields.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

/** How the body after a head is read: its framing, what it has left by length, its chunk decoder, and what came with the head. */
export interface BodyStart {
  readonly framing: Framing;
  readonly left: number;
  readonly chunked: ChunkedDecoder | null;
  readonly early: Buffer | null;
}

export function bodyStart(got: { head: ResponseHead; rest: Buffer }, url: string): BodyStart {
  const framing = framingOf(got.head, url);
  return {
    framing,
    left: framing.kind === 'length' ? framing.length : 0,
    chunked: framing.kind === 'chunked' ? new ChunkedDecoder(url) : null,
    early: got.rest.length > 0 ? got.rest : null,
  };
}

/** A response head as it arrives, read after read; interim (1xx) responses are skipped. */
export class HeadReader {
  readonly #buf = Buffer.allocUnsafe(MAX_HEAD_BYTES);
  #len = 0;
  constructor(private readonly url: string) {}

  /** Where the next read goes. */
  space(): Buffer {
    return this.#buf.subarray(this.#len);
  }

  /** `n` bytes were read into `space()`: the final head and the bytes after it, or null while it is incomplete. */
  took(n: number): { head: ResponseHead; rest: Buffer } | null {
    this.#len += n;
    for (;;) {
      const end = headEnd(this.#buf, this.#len - n, this.#len);
      if (end < 0) {
        if (this.#len >= MAX_HEAD_BYTES) throw new TisError('tis.http.malformed', this.url, `malformed HTTP from the server (head larger than ${MAX_HEAD_BYTES} bytes)`);
        return null;
      }
      const head = parseHead(this.#buf.subarray(0, end - 4), this.url);
      if (head.status >= 100 && head.status < 200) {
        if (head.status === 101) throw new TisError('tis.http.malformed', this.url, 'malformed HTTP from the server (101 to a GET)');
        // An interim response (100, 103): the real one follows.
        this.#buf.copy(this.#buf, 0, end, this.#len);
        this.#len -= end;
        n = this.#len;
        continue;
      }
      return { head, rest: Buffer.from(this.#buf.subarray(end, this.#len)) };
    }
  }
}
