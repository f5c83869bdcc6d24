// An exchange over node:https: the listing, the reports and the checkpoints,
// where Node's own HTTP parser carries small bodies.
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { finished } from 'node:stream/promises';
import { TisError } from './errors';
import type { Exchange, TlsIdentity } from './exchange';
import { SinkFailure, type Sink } from './sink';

export function sendHttps(url: URL, method: string, headers: OutgoingHttpHeaders, body: Buffer | undefined, identity: TlsIdentity, timeoutMs: number): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    let failure: Error | null = null;
    let socket: Socket | null = null;
    let closed = false;
    const waiters: Array<() => void> = [];
    const onClosed = (): void => {
      closed = true;
      for (const w of waiters.splice(0)) w();
    };
    const req = https.request(url, {
      method,
      headers: { ...headers, 'Accept-Encoding': 'identity', Connection: 'close' },
      ca: identity.ca,
      cert: identity.cert,
      key: identity.key,
      // A fresh connection per request: the TLS identity is never mixed with
      // another origin's, and bytes after a body surface as an error here.
      agent: false,
      minVersion: 'TLSv1.2',
    });
    const fail = (e: Error): void => {
      failure ??= e;
      reject(e);
    };
    req.on('error', fail);
    req.on('socket', (s: Socket) => {
      socket = s;
      s.once('close', onClosed);
    });
    req.setTimeout(timeoutMs, () => {
      req.destroy(new TisError('tis.timeout', url.href, `no data for ${timeoutMs} ms`, true));
    });
    req.on('response', (res) => {
      res.on('error', (e) => {
        failure ??= e;
      });
      resolve({
        url,
        status: res.statusCode ?? 0,
        headers: res.headers,
        complete: () => res.complete,
        pump: (sink, accept) => pump(res, sink, accept),
        collect: async (max) => {
          const chunks: Buffer[] = [];
          let total = 0;
          for await (const chunk of res as AsyncIterable<Buffer>) {
            total += chunk.length;
            if (total > max) throw new TisError('tis.json.too-large', url.href, `body exceeds the limit of ${max} bytes`);
            chunks.push(chunk);
          }
          return Buffer.concat(chunks);
        },
        settled: () =>
          new Promise<void>((ok, ko) => {
            const check = (): void => (failure ? ko(failure) : ok());
            if (closed || !socket) return check();
            const t = setTimeout(check, timeoutMs);
            waiters.push(() => {
              clearTimeout(t);
              check();
            });
          }),
        failure: () => failure,
        destroy: () => {
          if (!res.destroyed) res.destroy();
          req.destroy();
        },
      });
    });
    req.end(body);
  });
}

const MAX_INFLIGHT_WRITES = 16;

/**
 * Flowing mode with a bounded queue of sink writes instead of `for await`:
 * an await per 16 KiB TLS record costs a third of the throughput
 * (bench/tis.ts).
 */
function pump(res: IncomingMessage, sink: Sink, accept: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let chain: Promise<void> = Promise.resolve();
    let inflight = 0;
    let failure: unknown = null;
    const stop = (e: unknown): void => {
      failure ??= e;
      res.destroy();
    };
    res.on('data', (chunk: Buffer) => {
      if (failure !== null) return;
      try {
        accept(chunk);
      } catch (e) {
        return stop(e);
      }
      inflight += 1;
      if (inflight >= MAX_INFLIGHT_WRITES) res.pause();
      chain = chain.then(
        () =>
          failure === null
            ? sink.write(chunk).then(
                () => {
                  inflight -= 1;
                  if (inflight < MAX_INFLIGHT_WRITES && failure === null && !res.destroyed) res.resume();
                },
                (e: unknown) => stop(new SinkFailure(e)),
              )
            : undefined,
      );
    });
    finished(res).then(
      () => chain.then(() => (failure === null ? resolve() : reject(failure))),
      (e: unknown) => chain.then(() => reject(failure ?? e)),
    );
  });
}
