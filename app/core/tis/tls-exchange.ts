// A download GET over TLS, read by the kiosk itself (HTTP/1.1, http-head.ts)
// so that the body goes from the socket straight into the store. node:https
// hands each 16 KiB TLS record over as a new buffer through two streams; here
// the TLS layer decrypts into memory we give it (`onread`): into the store
// sink's current slot when the body is delimited by its length, so that no
// byte is copied between the socket and the store, and into one reused
// scratch buffer otherwise (the head, chunked bodies, error bodies), copied
// once from there. bench/tis.ts: 0.7 CPU-s per GiB for the TLS client where
// node:https takes 1.2-1.3 (docs/performance.md).
import type { OutgoingHttpHeaders } from 'node:http';
import { isIP, type OnReadOpts } from 'node:net';
import tls, { type ConnectionOptions, type TLSSocket } from 'node:tls';
import { TisError } from './errors';
import type { Exchange, TlsIdentity } from './exchange';
import { bodyStart, getRequestHead, HeadReader, type ChunkedDecoder, type Framing, type ResponseHead } from './http-head';
import { SinkFailure, type Sink } from './sink';

const SCRATCH_BYTES = 64 * 1024;
const MAX_INFLIGHT_WRITES = 16;

/** Who takes the body's bytes as they arrive. */
interface Consumer {
  /** A piece in scratch memory: the consumer copies what it keeps. */
  piece(view: Buffer): void;
  /** `n` bytes were read into the consumer's own `space()`. */
  inPlace?(n: number): void;
  space?(): Uint8Array;
  /** The body ended as framed. */
  end(): void;
  /** The connection failed before the body ended. */
  fail(e: unknown): void;
}

export function sendTls(url: URL, headers: OutgoingHttpHeaders, identity: TlsIdentity, timeoutMs: number): Promise<Exchange> {
  return new Promise((resolve, reject) => new TlsExchange(url, headers, identity, timeoutMs, resolve, reject));
}

class TlsExchange implements Exchange {
  status = 0;
  headers: ResponseHead['headers'] = {};
  readonly #socket: TLSSocket;
  readonly #head: HeadReader;
  readonly #scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  #phase: 'head' | 'body' | 'after' = 'head';
  #framing: Framing = { kind: 'close' };
  #left = 0;
  #chunked: ChunkedDecoder | null = null;
  /** Body bytes that came in the head's read, before a consumer was there. */
  #early: Buffer | null = null;
  #consumer: Consumer | null = null;
  /** Whether the buffer last given to the socket is the consumer's space. */
  #installedInPlace = false;
  /** Reading stopped until this many reasons are gone (no consumer yet, a sink that is full). */
  #holds = 1;
  #complete = false;
  #failure: Error | null = null;
  #closed = false;
  readonly #waiters: Array<() => void> = [];

  constructor(
    readonly url: URL,
    headers: OutgoingHttpHeaders,
    identity: TlsIdentity,
    private readonly timeoutMs: number,
    private readonly resolveHead: (ex: Exchange) => void,
    private readonly rejectHead: (e: unknown) => void,
  ) {
    this.#head = new HeadReader(url.href);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // `onread` is documented for tls.connect (as for net.Socket) but missing from @types/node's ConnectionOptions.
    const options: ConnectionOptions & { onread: OnReadOpts } = {
      host,
      port: Number(url.port || 443),
      // SNI only for names (RFC 6066); the certificate is checked against the host either way.
      servername: isIP(host) ? undefined : host,
      ca: identity.ca,
      cert: identity.cert,
      key: identity.key,
      minVersion: 'TLSv1.2',
      onread: { buffer: () => this.nextBuffer(), callback: (n, buf) => this.onRead(n, buf) },
    };
    this.#socket = tls.connect(options);
    this.#socket.setTimeout(timeoutMs, () => this.#socket.destroy(new TisError('tis.timeout', url.href, `no data for ${timeoutMs} ms`, true)));
    this.#socket.on('error', (e) => this.fail(e));
    this.#socket.on('end', () => this.onEnd());
    this.#socket.once('close', () => {
      this.#closed = true;
      // Destroyed by us or by the peer before the body ended: the consumer learns it.
      if (!this.#complete) this.fail(new TisError('tis.network', url.href, 'connection closed before the body was complete', true));
      for (const w of this.#waiters.splice(0)) w();
    });
    this.#socket.write(getRequestHead(url, headers));
  }

  /** The memory the socket decrypts the next read into; asked after every read. */
  private nextBuffer(): Uint8Array {
    const c = this.#consumer;
    this.#installedInPlace = false;
    if (this.#phase === 'body' && c?.space && this.#framing.kind !== 'chunked' && (this.#framing.kind === 'close' || this.#left > 0)) {
      let space: Uint8Array | null = null;
      try {
        space = c.space();
      } catch {
        // A sink that cannot take more (it failed, or was closed): this read goes to scratch, and the sink's failure shows on commit.
      }
      if (space && space.byteLength > 0) {
        this.#installedInPlace = true;
        return space;
      }
    }
    if (this.#phase === 'head') return this.#head.space();
    return this.#scratch;
  }

  /** false stops reading (until resume()). */
  private onRead(n: number, buf: Uint8Array): boolean {
    try {
      if (this.#phase === 'head') this.onHeadBytes(n);
      else if (this.#consumer === null) {
        // Read before anyone asked for the body (TLS may hand over a record more after a stop): kept for them.
        const got = Buffer.from(buf.buffer, buf.byteOffset, n);
        this.#early = this.#early ? Buffer.concat([this.#early, got]) : Buffer.from(got);
      } else if (this.#installedInPlace) this.onBodyInPlace(n);
      else this.onBody(Buffer.from(buf.buffer, buf.byteOffset, n));
    } catch (e) {
      this.#socket.destroy(e instanceof Error ? e : new Error(String(e)));
      return false;
    }
    return this.#holds === 0;
  }

  private onHeadBytes(n: number): void {
    const got = this.#head.took(n);
    if (!got) return;
    this.status = got.head.status;
    this.headers = got.head.headers;
    ({ framing: this.#framing, left: this.#left, chunked: this.#chunked, early: this.#early } = bodyStart(got, this.url.href));
    this.#phase = 'body';
    this.resolveHead(this);
  }

  /** Bytes in scratch memory: framing applied, pieces to the consumer. */
  private onBody(data: Buffer): void {
    if (this.#phase === 'after' || this.#complete) {
      if (data.length > 0) this.extra();
      return;
    }
    const c = this.#consumer!;
    if (this.#framing.kind === 'length') {
      const k = Math.min(this.#left, data.length);
      this.#left -= k;
      if (k > 0) c.piece(data.subarray(0, k));
      if (this.#left === 0) this.ended();
      if (data.length > k) this.extra();
    } else if (this.#framing.kind === 'chunked') {
      const used = this.#chunked!.push(data, (d) => c.piece(Buffer.from(d.buffer, d.byteOffset, d.byteLength)));
      if (this.#chunked!.done) this.ended();
      if (used < data.length) this.extra();
    } else if (data.length > 0) {
      c.piece(data);
    }
  }

  /** `n` bytes were decrypted into the consumer's space. */
  private onBodyInPlace(n: number): void {
    const c = this.#consumer!;
    if (this.#framing.kind === 'length' && n > this.#left) {
      const k = this.#left;
      this.#left = 0;
      if (k > 0) c.inPlace!(k);
      this.ended();
      this.extra();
      return;
    }
    if (this.#framing.kind === 'length') this.#left -= n;
    c.inPlace!(n);
    if (this.#framing.kind === 'length' && this.#left === 0) this.ended();
  }

  private ended(): void {
    this.#complete = true;
    this.#phase = 'after';
    this.#consumer?.end();
  }

  /** Bytes after the body: Node's parser calls this an error, and so do we. */
  private extra(): void {
    throw new TisError('tis.http.malformed', this.url.href, 'malformed HTTP from the server (bytes after the body)');
  }

  private onEnd(): void {
    if (this.#phase === 'head') return this.fail(new TisError('tis.network', this.url.href, 'connection closed before the response head', true));
    if (this.#framing.kind === 'close' && !this.#complete) this.ended();
  }

  private fail(e: unknown): void {
    const err = e instanceof Error ? e : new Error(String(e));
    this.#failure ??= err;
    if (this.#phase === 'head') {
      this.rejectHead(this.#failure);
      return;
    }
    if (!this.#complete) this.#consumer?.fail(this.#failure);
  }

  private hold(): void {
    this.#holds += 1;
  }

  private release(): void {
    this.#holds -= 1;
    if (this.#holds === 0 && !this.#socket.destroyed) this.#socket.resume();
  }

  /** Attaches the one consumer, gives it what came with the head, and starts reading. */
  private attach(c: Consumer): void {
    if (this.#consumer) throw new Error('the body of an exchange is read once');
    this.#consumer = c;
    if (this.#failure && !this.#complete) {
      c.fail(this.#failure);
      return;
    }
    const early = this.#early;
    this.#early = null;
    try {
      // A body of no bytes ends at once; anything that came with its head is too much.
      if (this.#framing.kind === 'length' && this.#left === 0) this.ended();
      if (early) this.onBody(early);
    } catch (e) {
      this.#socket.destroy(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    this.release();
  }

  complete(): boolean {
    return this.#complete;
  }

  pump(sink: Sink, accept: (chunk: Buffer) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      let chain: Promise<void> = Promise.resolve();
      let inflight = 0;
      let failure: unknown = null;
      let held = false;
      const stop = (e: unknown): void => {
        failure ??= e;
        this.#socket.destroy();
      };
      /** Reading waits for `p` (a full sink) unless it is already waiting. */
      const waitFor = (p: Promise<void>): void => {
        if (held) return;
        held = true;
        this.hold();
        p.then(
          () => {
            held = false;
            this.release();
          },
          (e: unknown) => stop(new SinkFailure(e)),
        );
      };
      const settle = (): void => {
        void chain.then(() => (failure === null ? resolve() : reject(failure)));
      };
      const copyIntoSpace = (piece: Buffer): void => {
        for (let off = 0; off < piece.length; ) {
          const space = sink.space!();
          const k = Math.min(space.byteLength, piece.length - off);
          space.set(piece.subarray(off, off + k));
          off += k;
          const wait = sink.commit!(k);
          if (wait) waitFor(wait);
        }
      };
      const inPlace = sink.space !== undefined && sink.commit !== undefined;
      this.attach({
        piece: (view) => {
          if (failure !== null) return;
          try {
            accept(view);
          } catch (e) {
            failure ??= e;
            throw e;
          }
          if (inPlace) {
            try {
              copyIntoSpace(view);
            } catch (e) {
              failure ??= new SinkFailure(e);
              throw e;
            }
            return;
          }
          // A sink that only takes whole buffers may keep them: a copy of its own.
          const chunk = Buffer.from(view);
          inflight += 1;
          if (inflight === MAX_INFLIGHT_WRITES) this.hold();
          chain = chain.then(() =>
            failure === null
              ? sink.write(chunk).then(
                  () => {
                    inflight -= 1;
                    if (inflight === MAX_INFLIGHT_WRITES - 1 && failure === null) this.release();
                  },
                  (e: unknown) => stop(new SinkFailure(e)),
                )
              : undefined,
          );
        },
        ...(inPlace
          ? {
              space: () => sink.space!(),
              inPlace: (n: number) => {
                const view = sink.space!().subarray(0, n);
                try {
                  accept(Buffer.from(view.buffer, view.byteOffset, n));
                } catch (e) {
                  failure ??= e;
                  throw e;
                }
                let wait: Promise<void> | null;
                try {
                  wait = sink.commit!(n);
                } catch (e) {
                  failure ??= new SinkFailure(e);
                  throw e;
                }
                if (wait) waitFor(wait);
              },
            }
          : {}),
        end: settle,
        fail: (e) => {
          failure ??= e;
          settle();
        },
      });
    });
  }

  collect(max: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let total = 0;
      this.attach({
        piece: (view) => {
          total += view.length;
          if (total > max) {
            const e = new TisError('tis.json.too-large', this.url.href, `body exceeds the limit of ${max} bytes`);
            reject(e);
            throw e;
          }
          chunks.push(Buffer.from(view));
        },
        end: () => resolve(Buffer.concat(chunks)),
        fail: reject,
      });
    });
  }

  settled(): Promise<void> {
    return new Promise<void>((ok, ko) => {
      const check = (): void => (this.#failure ? ko(this.#failure) : ok());
      if (this.#closed) return check();
      const t = setTimeout(check, this.timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(t);
        check();
      });
      // Reading on after the body is how bytes after it, or the peer's close, are seen.
      if (this.#consumer === null) this.attach({ piece: () => undefined, end: () => undefined, fail: () => undefined });
    });
  }

  failure(): Error | null {
    return this.#failure;
  }

  destroy(): void {
    this.#socket.destroy();
  }
}
