// A verified, resumable download of one part (FORMATS.md §2): Range with
// If-Range on the strong ETag after a dropped connection, a fresh sink when
// the representation changed, and the sink finished only after its hash, the
// listing's and the server's Repr-Digest all agree (DC-4).
import { createHash, type Hash } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { classify, TisError } from './errors';
import type { Exchange } from './exchange';
import { contentLength, hexToBase64, parseContentRange, parseReprDigest, parseRetryAfter, refuseEncoding, strongEtag } from './response-headers';
import { SinkFailure, type Sink } from './sink';

export type DownloadResult =
  | {
      readonly status: 'ok';
      readonly url: string;
      readonly sha256: string;
      readonly size: number;
      /** HTTP exchanges made (redirects not counted). */
      readonly attempts: number;
      /** Attempts that continued with `Range` after a dropped connection. */
      readonly resumes: number;
      /** Times a sink was discarded and the download started over (validator changed). */
      readonly restarts: number;
    }
  | { readonly status: 'not-ready'; readonly url: string; readonly retryAfterSec: number };

/** What a download needs of its client. */
export interface DownloadIo {
  /** Hash in the client too, so a mismatch is caught before the sink is finished. */
  readonly hashInClient: boolean;
  /** Further attempts after a network error or 5xx. */
  readonly retries: number;
  /** A GET, same-origin redirects followed. */
  exchange(url: URL, headers: OutgoingHttpHeaders): Promise<Exchange>;
  statusError(ex: Exchange): Promise<TisError>;
  backoff(failures: number): number;
}

/** Our own verdicts win; otherwise the connection's first error says more than the stream's abort. */
export function cause(e: unknown, ex: Exchange | null): unknown {
  return e instanceof TisError ? e : (ex?.failure() ?? e);
}

/**
 * Downloads `href` into sinks from `openSink`, resuming after dropped
 * connections. Resolves `ok` only after the sink was finished and its hash,
 * the listing's and the server's Repr-Digest all agree; on any failure the
 * sink is aborted and a TisError thrown. A `processing` part (409) gives
 * `not-ready` without opening a sink (UA-1).
 */
export async function downloadVerified(io: DownloadIo, url: URL, expected: { sha256: string; size: number }, openSink: () => Promise<Sink>): Promise<DownloadResult> {
  const want = expected.sha256.toLowerCase();
  let sink: Sink | null = null;
  const newHasher = (): Hash | null => (io.hashInClient ? createHash('sha256') : null);
  let hasher = newHasher();
  let received = 0;
  let etag: string | null = null;
  let reprDigest: string | null = null;
  let attempts = 0;
  let resumes = 0;
  let restarts = 0;
  let failures = 0;

  const discard = async (): Promise<void> => {
    const s = sink;
    sink = null;
    hasher = newHasher();
    received = 0;
    etag = null;
    reprDigest = null;
    if (s) await s.abort().catch(() => undefined);
  };

  try {
    for (;;) {
      attempts += 1;
      if (received > 0 && etag === null) {
        // Without a strong validator a resumed body could splice two versions.
        await discard();
        restarts += 1;
      }
      const headers: OutgoingHttpHeaders = { Accept: '*/*' };
      const resuming = received > 0;
      if (resuming && etag !== null) {
        headers.Range = `bytes=${received}-`;
        headers['If-Range'] = etag;
        resumes += 1;
      }
      let ex: Exchange | null = null;
      try {
        ex = await io.exchange(url, headers);
        const st = ex.status;
        if (st === 409) {
          ex.destroy();
          await discard();
          return { status: 'not-ready', url: ex.url.href, retryAfterSec: parseRetryAfter(ex.headers['retry-after']) ?? 60 };
        }
        if (st === 404) throw new TisError('tis.http.status', ex.url.href, 'the TIS answered 404 Not Found');
        if (st !== 200 && st !== 206) throw await io.statusError(ex);
        refuseEncoding(ex);
        const length = contentLength(ex.headers);
        if (st === 200) {
          if (received > 0) {
            // The server ignored our Range/If-Range: the representation changed; start over.
            await discard();
            restarts += 1;
          }
          if (length !== null && length !== expected.size) {
            throw new TisError(
              length > expected.size ? 'tis.body.too-long' : 'tis.body.size-mismatch',
              ex.url.href,
              `Content-Length ${length} but the listing says ${expected.size} bytes`,
            );
          }
          etag = strongEtag(ex.headers.etag);
        } else {
          if (!resuming) throw new TisError('tis.range.mismatch', ex.url.href, '206 to a request without Range');
          const cr = parseContentRange(ex.headers['content-range']);
          if (!cr || cr.start !== received || cr.end !== expected.size - 1 || cr.total !== expected.size) {
            throw new TisError('tis.range.mismatch', ex.url.href, `Content-Range ${JSON.stringify(ex.headers['content-range'] ?? null)} does not continue at byte ${received} of ${expected.size}`);
          }
          if (length !== null && length !== expected.size - received) {
            throw new TisError('tis.body.size-mismatch', ex.url.href, `Content-Length ${length} disagrees with Content-Range`);
          }
        }
        const rd = parseReprDigest(ex.headers['repr-digest'], ex.url.href);
        if (rd !== null) {
          if (rd !== hexToBase64(want)) {
            throw new TisError('tis.hash-mismatch', ex.url.href, 'Repr-Digest disagrees with the sha256 in the listing');
          }
          reprDigest = rd;
        }

        const into: Sink = (sink ??= await openSink());
        const at = ex.url.href;
        await ex.pump(into, (chunk) => {
          if (received + chunk.length > expected.size) {
            throw new TisError('tis.body.too-long', at, `body runs past the listed ${expected.size} bytes`);
          }
          hasher?.update(chunk);
          received += chunk.length;
        });
        if (!ex.complete()) throw new TisError('tis.network', ex.url.href, 'connection closed before the body was complete', true);
        await ex.settled();
        if (received < expected.size) {
          throw new TisError('tis.body.short', ex.url.href, `body ended at ${received} of ${expected.size} bytes`, true);
        }
        break;
      } catch (e) {
        ex?.destroy();
        // The store failing is not the network failing: no retry.
        if (e instanceof SinkFailure) throw e.cause;
        const err = classify(cause(e, ex), ex?.url.href ?? url.href);
        if (!err.retryable || failures >= io.retries) throw err;
        failures += 1;
        await sleep(io.backoff(failures));
      }
    }

    const own = hasher?.digest('hex') ?? null;
    if (own !== null && own !== want) {
      throw new TisError('tis.hash-mismatch', url.href, `SHA-256 of the body is ${own}, the listing says ${want}`);
    }
    const done: Sink | null = sink;
    if (!done) throw new TisError('tis.body.short', url.href, 'no body was received');
    const fin = await done.finish();
    const stored = fin.sha256.toLowerCase();
    if (stored !== want || fin.size !== expected.size) {
      throw new TisError('tis.hash-mismatch', url.href, `the store hashed ${fin.size} bytes to ${stored}, the listing says ${expected.size} bytes, ${want}`);
    }
    if (reprDigest !== null && reprDigest !== hexToBase64(stored)) {
      throw new TisError('tis.hash-mismatch', url.href, 'SHA-256 of the body disagrees with Repr-Digest');
    }
    return { status: 'ok', url: url.href, sha256: stored, size: received, attempts, resumes, restarts };
  } catch (e) {
    // Also after finish(): the sink must discard what it had kept.
    await discard();
    throw e;
  }
}
