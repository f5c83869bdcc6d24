// One HTTP exchange with the TIS as the client's logic sees it, whichever
// transport carried it: node:https for the API's JSON (https-exchange.ts),
// the kiosk's own HTTP/1.1 reader over TLS for downloads (tls-exchange.ts).
import type { IncomingHttpHeaders } from 'node:http';
import type { Sink } from './sink';

export interface Exchange {
  readonly url: URL;
  readonly status: number;
  /** Lower-case names, repeated fields joined with ", ". */
  readonly headers: IncomingHttpHeaders;
  /** The body was read to the end its framing gives. */
  complete(): boolean;
  /**
   * Streams the body into `sink`. `accept` runs synchronously per piece, in
   * order, before the sink sees it, and may throw to stop. Resolves when the
   * body ended and every write finished; rejects with the first failure only
   * after pending writes settled, so that what `accept` counted was all
   * written when a resume is planned. A failure of the sink itself rejects as
   * a SinkFailure.
   */
  pump(sink: Sink, accept: (chunk: Buffer) => void): Promise<void>;
  /** The whole body, refused (`tis.json.too-large`) once past `max` bytes. */
  collect(max: number): Promise<Buffer>;
  /** Resolves once the connection is closed; rejects if it failed at any point (e.g. bytes after the body). */
  settled(): Promise<void>;
  /** The first error of the connection (e.g. our time-out), which explains a later abort. */
  failure(): Error | null;
  destroy(): void;
}

/** What every transport needs: the court CA, the kiosk's client identity, the idle time-out. */
export interface TlsIdentity {
  readonly ca: string | Buffer;
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}
