// A download GET whose TLS connection runs on a thread of native/tls
// (tls.c): OpenSSL decrypts a whole slot of the store at a time straight into
// it, and JavaScript hears once per slot where Node's socket calls it for
// every 16 KiB record (docs/performance.md, "A native TLS reader"). HTTP is
// read here with the parser of tls-exchange.ts (http-head.ts), and the
// Exchange contract is the same, so download.ts cannot tell the two apart:
// client.ts takes this one where the addon is built, and tls-exchange.ts
// where it is not.
import type { OutgoingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { loadAddon, nativeAddonPath } from '../native-addon';
import { TisError } from './errors';
import type { Exchange, TlsIdentity } from './exchange';
import { bodyStart, getRequestHead, HeadReader, type ChunkedDecoder, type Framing, type ResponseHead } from './http-head';
import { SinkFailure, type Sink } from './sink';

const SCRATCH_BYTES = 64 * 1024;

/** native/tls's exports (tls.c's head comment). */
interface TlsAddon {
  open(
    options: { host: string; port: number; ip: boolean; ca: Uint8Array; cert: Uint8Array; key: Uint8Array; timeoutMs: number },
    request: Uint8Array,
    onResult: (code: string | null, message: string | null, n: number, final: boolean) => void,
  ): unknown;
  read(handle: unknown, view: Uint8Array, fill: boolean): void;
  destroy(handle: unknown): void;
}

/** Which code reads a download's TLS: native/tls's thread, or Node's socket. */
export type TlsReader = 'openssl-thread' | 'node:tls';

let loaded: { addon: TlsAddon | null; why: string | null } | undefined;

/** native/tls, loaded once; null (and why) where it is not built or does not load. */
export function nativeTls(): { addon: TlsAddon | null; why: string | null } {
  if (loaded) return loaded;
  const file = nativeAddonPath('tls');
  if (!file) return (loaded = { addon: null, why: 'not built (scripts/build-native.sh)' });
  try {
    const m = loadAddon(file) as Partial<TlsAddon>;
    if (typeof m.open !== 'function' || typeof m.read !== 'function' || typeof m.destroy !== 'function') throw new Error(`${file} is not native/tls`);
    return (loaded = { addon: m as TlsAddon, why: null });
  } catch (e) {
    return (loaded = { addon: null, why: e instanceof Error ? e.message : String(e) });
  }
}

/** Which reader a download's TLS gets by default here, and why not the native one. */
export function defaultTlsReader(): { reader: TlsReader; reason: string | null } {
  const n = nativeTls();
  return n.addon ? { reader: 'openssl-thread', reason: null } : { reader: 'node:tls', reason: n.why };
}

/** A failure of the connection under Node's name for it, so that errors.ts classifies both transports alike. */
class ConnectionError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Who takes the body's bytes: pieces in scratch memory, or reads in place into `space()`. */
interface BodyReader {
  piece(view: Buffer): void | Promise<void>;
  space?(): Uint8Array;
  inPlace?(n: number): void | Promise<void>;
}

export async function sendNativeTls(addon: TlsAddon, url: URL, headers: OutgoingHttpHeaders, identity: TlsIdentity, timeoutMs: number): Promise<Exchange> {
  const ex = new NativeTlsExchange(addon, url, getRequestHead(url, headers), identity, timeoutMs);
  try {
    await ex.readHead();
  } catch (e) {
    ex.destroy();
    throw e;
  }
  return ex;
}

class NativeTlsExchange implements Exchange {
  status = 0;
  headers: ResponseHead['headers'] = {};
  readonly #handle: unknown;
  readonly #scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  #pending: { resolve: (n: number) => void; reject: (e: Error) => void } | null = null;
  /** The thread gave its last answer and has ended. */
  #ended = false;
  #failure: Error | null = null;
  #framing: Framing = { kind: 'close' };
  #left = 0;
  #chunked: ChunkedDecoder | null = null;
  /** Body bytes that came in the head's read. */
  #early: Buffer | null = null;
  #taken = false;
  #complete = false;
  /** destroy() was called: the thread may have ended without a last answer. */
  #destroyed = false;

  constructor(
    private readonly addon: TlsAddon,
    readonly url: URL,
    request: string,
    identity: TlsIdentity,
    private readonly timeoutMs: number,
  ) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const bytes = (x: string | Buffer): Buffer => (typeof x === 'string' ? Buffer.from(x) : x);
    this.#handle = addon.open(
      { host, port: Number(url.port || 443), ip: isIP(host) !== 0, ca: bytes(identity.ca), cert: bytes(identity.cert), key: bytes(identity.key), timeoutMs },
      Buffer.from(request, 'latin1'),
      (code, message, n, final) => this.answered(code, message, n, final),
    );
  }

  private answered(code: string | null, message: string | null, n: number, final: boolean): void {
    if (final) this.#ended = true;
    const p = this.#pending;
    this.#pending = null;
    if (code === null) return p?.resolve(n);
    // Our own time-out, as tls-exchange.ts words it; anything else keeps the connection's name for it.
    this.#failure ??= code === 'ETIMEDOUT' ? new TisError('tis.timeout', this.url.href, `no data for ${this.timeoutMs} ms`, true) : new ConnectionError(code, message ?? code);
    p?.reject(this.#failure);
  }

  /** One read into `view`: with `fill` until it is full or the stream ends. 0: the peer closed. */
  private read(view: Uint8Array, fill: boolean): Promise<number> {
    if (this.#ended) return this.#failure ? Promise.reject(this.#failure) : Promise.resolve(0);
    if (this.#destroyed) return Promise.reject((this.#failure ??= new ConnectionError('ECONNABORTED', 'the connection was closed by the client')));
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.addon.read(this.#handle, view, fill);
    });
  }

  async readHead(): Promise<void> {
    const head = new HeadReader(this.url.href);
    for (;;) {
      const n = await this.read(head.space(), false);
      if (n === 0) throw new TisError('tis.network', this.url.href, 'connection closed before the response head', true);
      const got = head.took(n);
      if (!got) continue;
      this.status = got.head.status;
      this.headers = got.head.headers;
      ({ framing: this.#framing, left: this.#left, chunked: this.#chunked, early: this.#early } = bodyStart(got, this.url.href));
      return;
    }
  }

  /** Bytes after the body: Node's parser calls this an error, and so do we. */
  private extra(): TisError {
    return new TisError('tis.http.malformed', this.url.href, 'malformed HTTP from the server (bytes after the body)');
  }

  private cutShort(): TisError {
    return new TisError('tis.network', this.url.href, 'connection closed before the body was complete', true);
  }

  /** Bytes in scratch memory: framing applied, pieces to the reader. */
  private async feed(data: Buffer, r: BodyReader): Promise<void> {
    if (this.#framing.kind === 'length') {
      const k = Math.min(this.#left, data.length);
      this.#left -= k;
      if (k > 0) await r.piece(data.subarray(0, k));
      if (this.#left === 0) this.#complete = true;
      if (data.length > k) throw this.extra();
    } else if (this.#framing.kind === 'chunked') {
      const pieces: Buffer[] = [];
      const used = this.#chunked!.push(data, (d) => pieces.push(Buffer.from(d.buffer, d.byteOffset, d.byteLength)));
      for (const p of pieces) await r.piece(p);
      if (this.#chunked!.done) this.#complete = true;
      if (used < data.length) throw this.extra();
    } else if (data.length > 0) {
      await r.piece(data);
    }
  }

  /** Reads the body to the end its framing gives, in place where the reader offers memory and the length is known or open. */
  private async readBody(r: BodyReader): Promise<void> {
    if (this.#taken) throw new Error('the body of an exchange is read once');
    this.#taken = true;
    if (this.#framing.kind === 'length' && this.#left === 0) this.#complete = true;
    const early = this.#early;
    this.#early = null;
    if (early) {
      if (this.#complete) throw this.extra();
      await this.feed(early, r);
    }
    while (!this.#complete) {
      const inPlace = r.space !== undefined && r.inPlace !== undefined && this.#framing.kind !== 'chunked';
      let n: number;
      if (inPlace) {
        const space = r.space!();
        const view = this.#framing.kind === 'length' ? space.subarray(0, Math.min(space.byteLength, this.#left)) : space;
        n = await this.read(view, this.#framing.kind === 'length');
        if (n > 0) {
          if (this.#framing.kind === 'length') this.#left -= n;
          await r.inPlace!(n);
          if (this.#framing.kind === 'length' && this.#left === 0) this.#complete = true;
          continue;
        }
      } else {
        n = await this.read(this.#scratch, false);
        if (n > 0) {
          await this.feed(this.#scratch.subarray(0, n), r);
          continue;
        }
      }
      if (this.#framing.kind !== 'close') throw this.cutShort();
      this.#complete = true;
    }
  }

  complete(): boolean {
    return this.#complete;
  }

  async pump(sink: Sink, accept: (chunk: Buffer) => void): Promise<void> {
    const inPlace = sink.space !== undefined && sink.commit !== undefined;
    const commit = async (n: number): Promise<void> => {
      let wait: Promise<void> | null;
      try {
        wait = sink.commit!(n);
      } catch (e) {
        throw new SinkFailure(e);
      }
      if (wait) await wait.catch((e: unknown) => Promise.reject(new SinkFailure(e)));
    };
    try {
      await this.readBody({
        piece: async (view) => {
          accept(view);
          if (!inPlace) {
            // A sink that only takes whole buffers may keep them: a copy of its own.
            await sink.write(Buffer.from(view)).catch((e: unknown) => Promise.reject(new SinkFailure(e)));
            return;
          }
          for (let off = 0; off < view.length; ) {
            let space: Uint8Array;
            try {
              space = sink.space!();
            } catch (e) {
              throw new SinkFailure(e);
            }
            const k = Math.min(space.byteLength, view.length - off);
            space.set(view.subarray(off, off + k));
            off += k;
            await commit(k);
          }
        },
        ...(inPlace
          ? {
              space: () => {
                try {
                  return sink.space!();
                } catch (e) {
                  throw new SinkFailure(e);
                }
              },
              inPlace: async (n: number) => {
                const view = sink.space!().subarray(0, n);
                accept(Buffer.from(view.buffer, view.byteOffset, n));
                await commit(n);
              },
            }
          : {}),
      });
    } catch (e) {
      this.destroy();
      throw e;
    }
  }

  async collect(max: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      await this.readBody({
        piece: (view) => {
          total += view.length;
          if (total > max) throw new TisError('tis.json.too-large', this.url.href, `body exceeds the limit of ${max} bytes`);
          chunks.push(Buffer.from(view));
        },
      });
    } catch (e) {
      this.destroy();
      throw e;
    }
    return Buffer.concat(chunks);
  }

  async settled(): Promise<void> {
    try {
      if (!this.#taken) await this.readBody({ piece: () => undefined });
      // Reading on after the body is how bytes after it, or the peer's close, are seen.
      const n = await this.read(this.#scratch, false);
      if (n > 0) {
        this.#failure ??= this.extra();
        this.destroy();
      }
    } catch (e) {
      this.#failure ??= e instanceof Error ? e : new Error(String(e));
      this.destroy();
    }
    // A peer that keeps the connection open but sends nothing more after the body has not failed (as tls-exchange.ts).
    const idleAfterBody = this.#failure instanceof TisError && this.#failure.rule === 'tis.timeout' && this.#complete;
    if (this.#failure && !idleAfterBody) throw this.#failure;
  }

  failure(): Error | null {
    return this.#failure;
  }

  destroy(): void {
    if (this.#ended || this.#destroyed) return;
    this.#destroyed = true;
    // As a socket destroyed before its body ended: the consumer learns why from failure().
    if (!this.#complete) this.#failure ??= this.cutShort();
    this.addon.destroy(this.#handle);
  }
}
