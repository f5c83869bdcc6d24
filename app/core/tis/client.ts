// TIS API v1 client (FORMATS.md §2): mutual TLS trusting only the configured
// CA, time-outs on every call, bounded JSON, resumable verified downloads
// into a caller's sink. Nothing from the TIS is trusted before its hash is
// checked (DC-4): the sink is finished only after every check passed.
import type { OutgoingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_JSON_DEPTH, jsonDepthAbove } from '../../shared/json-limits';
import { problem, type Problem } from '../../shared/problem';
import { classify, TisError } from './errors';
import { cause, downloadVerified, type DownloadIo, type DownloadResult } from './download';
import type { Exchange } from './exchange';
import { sendHttps } from './https-exchange';
import { contentLength, refuseEncoding } from './response-headers';
import { tisListingSchema, viewingReportAckSchema, type TisListing } from './schema';
import type { Sink } from './sink';
import { nativeTls, sendNativeTls, type TlsReader } from './native-tls-exchange';
import { sendTls } from './tls-exchange';

export type { Sink } from './sink';
export type { DownloadResult } from './download';

export interface TisClientOptions {
  /** e.g. `https://tis.court.example/`; may carry a path prefix. */
  readonly baseUrl: string;
  /** PEM of the court CA: the only CA trusted for the server's certificate. */
  readonly ca: string | Buffer;
  /** PEM of the kiosk's client certificate and its key. */
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  /** Connect and idle time-out of every request (default 30 s). */
  readonly timeoutMs?: number;
  /** Largest JSON body accepted (default 16 MiB). */
  readonly maxJsonBytes?: number;
  /** Further attempts after a network error or 5xx (default 4). */
  readonly retries?: number;
  /** First back-off; doubles each retry, capped at 60 s (default 500 ms). */
  readonly backoffMs?: number;
  /** Same-origin redirects followed per request (default 5). */
  readonly maxRedirects?: number;
  /**
   * Hash the body in the client too, so a mismatch is caught before the sink
   * is finished (default true). false trusts the sink's own hash and relies on
   * abort() after finish() to discard: one SHA-256 pass less per byte.
   */
  readonly hashInClient?: boolean;
  /**
   * Who reads a download's TLS: native/tls's thread where it is built
   * (the default), or Node's socket ('node:tls'), the fallback.
   */
  readonly tlsReader?: TlsReader;
}

export interface ViewingReportAck {
  readonly id: string;
  /** false when the TIS had this Idempotency-Key already (200) */
  readonly created: boolean;
}


const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_BACKOFF_MS = 60_000;
const MAX_PROBLEM_BYTES = 64 * 1024;
/** A checkpoint note is a few hundred bytes; a cosigned one a little more. */
const MAX_NOTE_BYTES = 64 * 1024;

export class TisClient {
  private readonly base: URL;
  private readonly timeoutMs: number;
  private readonly maxJsonBytes: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxRedirects: number;

  constructor(private readonly opts: TisClientOptions) {
    const base = new URL(opts.baseUrl);
    if (base.protocol !== 'https:') {
      throw new TisError('tis.href-origin', base.href, 'the TIS base URL must be https');
    }
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    base.search = '';
    base.hash = '';
    this.base = base;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.maxJsonBytes = opts.maxJsonBytes ?? 16 * 1024 * 1024;
    this.retries = opts.retries ?? 4;
    this.backoffMs = opts.backoffMs ?? 500;
    this.maxRedirects = opts.maxRedirects ?? 5;
  }

  get origin(): string {
    return this.base.origin;
  }

  /** Resolves an href from a listing against the base URL; refuses anything not same-origin https. */
  resolve(href: string): URL {
    let url: URL;
    try {
      url = new URL(href, this.base);
    } catch {
      throw new TisError('tis.href-origin', this.base.href, `unparseable href ${JSON.stringify(href)}`);
    }
    if (url.protocol !== 'https:' || url.origin !== this.base.origin) {
      throw new TisError('tis.href-origin', url.href, `href is not on the TIS origin ${this.base.origin}`);
    }
    url.hash = '';
    return url;
  }

  casePath(signature: string, leaf: 'recordings' | 'viewing-reports'): URL {
    return new URL(`api/v1/cases/${encodeURIComponent(signature)}/${leaf}`, this.base);
  }

  /** GET /api/v1/cases/{signature}/recordings, parsed and checked (hrefs same-origin, case matches). */
  async listRecordings(signature: string): Promise<TisListing> {
    const url = this.casePath(signature, 'recordings');
    const body = await this.withRetries(url.href, async () => {
      const ex = await this.exchange(url, 'GET', { Accept: 'application/json' });
      try {
        const st = ex.status;
        if (st === 404) {
          const detail = await this.problemDetail(ex);
          throw new TisError('tis.case.unknown', ex.url.href, `the TIS does not know case ${JSON.stringify(signature)}${detail}`);
        }
        if (st !== 200) throw await this.statusError(ex);
        refuseEncoding(ex);
        const type = String(ex.headers['content-type'] ?? '');
        if (!/^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(type)) {
          throw new TisError('tis.json.content-type', ex.url.href, `expected application/json, got ${JSON.stringify(type)}`);
        }
        const bytes = await this.readBounded(ex, this.maxJsonBytes);
        await ex.settled();
        return bytes;
      } catch (e) {
        throw cause(e, ex);
      } finally {
        ex.destroy();
      }
    });

    const text = body.toString('utf8');
    // Measured on the text, before anything recursive (schema, canonical JSON of kept fields) sees the value.
    if (jsonDepthAbove(text) !== null) throw new TisError('tis.json.depth', url.href, `the listing nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new TisError('tis.json.syntax', url.href, `the listing is not JSON (${(e as Error).message})`);
    }
    const parsed = tisListingSchema.safeParse(json);
    if (!parsed.success) {
      const problems: Problem[] = parsed.error.issues.map((i) =>
        problem(url.href, 'tis.listing.schema', i.message, i.path.map(String).join('.') || undefined),
      );
      throw new TisError('tis.listing.schema', url.href, `the listing does not match TIS API v1 (${problems.length} problem(s))`, false, problems);
    }
    const listing = parsed.data;
    if (listing.case.signature !== signature) {
      throw new TisError(
        'tis.listing.case-mismatch',
        url.href,
        `asked for case ${JSON.stringify(signature)}, the TIS answered with ${JSON.stringify(listing.case.signature)}`,
      );
    }
    const problems: Problem[] = [];
    listing.recordings.forEach((r, ri) => {
      const check = (href: string, field: string): void => {
        try {
          this.resolve(href);
        } catch (e) {
          problems.push(problem(url.href, 'tis.href-origin', (e as TisError).message, field));
        }
      };
      r.parts.forEach((p, pi) => check(p.href, `recordings.${ri}.parts.${pi}.href`));
      r.attachments.forEach((a, ai) => {
        check(a.href, `recordings.${ri}.attachments.${ai}.href`);
        const s = a.signature;
        if (s) check(typeof s === 'string' ? s : s.href, `recordings.${ri}.attachments.${ai}.signature`);
      });
    });
    if (problems.length > 0) {
      throw new TisError('tis.href-origin', url.href, 'the listing points outside the TIS origin', false, problems);
    }
    return listing;
  }

  /** Downloads `href` into sinks from `openSink`, verified and resumable (download.ts), over the in-place transport. */
  async download(href: string, expected: { sha256: string; size: number }, openSink: () => Promise<Sink>): Promise<DownloadResult> {
    const io: DownloadIo = {
      hashInClient: this.opts.hashInClient !== false,
      retries: this.retries,
      exchange: (url, headers) => this.exchange(url, 'GET', headers, undefined, 'tls'),
      statusError: (ex) => this.statusError(ex),
      backoff: (failures) => this.backoff(failures),
    };
    return downloadVerified(io, this.resolve(href), expected, openSink);
  }

  /** POST /api/v1/cases/{signature}/viewing-reports; safe to repeat with the same key. */
  async postViewingReport(signature: string, report: Buffer, idempotencyKey: string): Promise<ViewingReportAck> {
    const url = this.casePath(signature, 'viewing-reports');
    if (!/^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,255}$/.test(idempotencyKey)) {
      throw new TisError('tis.report.key', url.href, 'an Idempotency-Key must be 1-255 printable ASCII characters without " or \\');
    }
    return this.withRetries(url.href, async () => {
      const ex = await this.exchange(
        url,
        'POST',
        {
          Accept: 'application/json',
          'Content-Type': 'application/json',
          // An sf-string, as draft-ietf-httpapi-idempotency-key-header defines it.
          'Idempotency-Key': `"${idempotencyKey}"`,
          'Content-Length': String(report.length),
        },
        report,
      );
      try {
        const st = ex.status;
        if (st !== 200 && st !== 201) {
          if (st >= 500 || st === 408 || st === 429) throw await this.statusError(ex);
          const detail = await this.problemDetail(ex);
          throw new TisError('tis.report.rejected', ex.url.href, `the TIS refused the viewing report with ${st}${detail}`);
        }
        refuseEncoding(ex);
        const bytes = await this.readBounded(ex, MAX_PROBLEM_BYTES);
        await ex.settled();
        let json: unknown;
        try {
          json = JSON.parse(bytes.toString('utf8'));
        } catch {
          throw new TisError('tis.json.syntax', ex.url.href, 'the acknowledgement is not JSON');
        }
        const ack = viewingReportAckSchema.safeParse(json);
        if (!ack.success) throw new TisError('tis.json.syntax', ex.url.href, 'the acknowledgement has no "id"');
        return { id: ack.data.id, created: st === 201 };
      } catch (e) {
        throw cause(e, ex);
      } finally {
        ex.destroy();
      }
    });
  }

  devicePath(deviceId: string, leaf: 'checkpoints' | 'checkpoints/latest'): URL {
    return new URL(`api/v1/devices/${encodeURIComponent(deviceId)}/${leaf}`, this.base);
  }

  /**
   * GET /api/v1/devices/{deviceId}/checkpoints/latest: the signed note the TIS
   * holds for this device, as text, or null when it holds none (404). The
   * caller checks it: nothing here is trusted.
   */
  async latestCheckpoint(deviceId: string): Promise<string | null> {
    const url = this.devicePath(deviceId, 'checkpoints/latest');
    return this.withRetries(url.href, async () => {
      const ex = await this.exchange(url, 'GET', { Accept: 'text/plain' });
      try {
        const st = ex.status;
        if (st === 404) return null;
        if (st !== 200) throw await this.statusError(ex);
        refuseEncoding(ex);
        const type = String(ex.headers['content-type'] ?? '');
        if (!/^text\/plain\s*(;|$)/i.test(type)) {
          throw new TisError('tis.checkpoint.content-type', ex.url.href, `expected text/plain, got ${JSON.stringify(type)}`);
        }
        const bytes = await this.readBounded(ex, MAX_NOTE_BYTES);
        await ex.settled();
        return bytes.toString('utf8');
      } catch (e) {
        throw cause(e, ex);
      } finally {
        ex.destroy();
      }
    });
  }

  /**
   * POST /api/v1/devices/{deviceId}/checkpoints with a signed checkpoint note
   * and, when the TIS holds an older one, the RFC 6962 consistency proof from
   * it (`Log-Consistency-Proof`, base64 hashes, comma-separated). 201 stored,
   * 200 already held; 409 (the TIS saw a rollback or a bad signature) is
   * `tis.checkpoint.refused` and never retried.
   */
  async postCheckpoint(deviceId: string, note: string, proof: readonly Buffer[] | null): Promise<{ readonly created: boolean }> {
    const url = this.devicePath(deviceId, 'checkpoints');
    const body = Buffer.from(note, 'utf8');
    const headers: OutgoingHttpHeaders = {
      Accept: 'application/json',
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(body.length),
      ...(proof === null ? {} : { 'Log-Consistency-Proof': proof.map((h) => h.toString('base64')).join(',') }),
    };
    return this.withRetries(url.href, async () => {
      const ex = await this.exchange(url, 'POST', headers, body);
      try {
        const st = ex.status;
        if (st === 200 || st === 201) {
          await this.readBounded(ex, MAX_PROBLEM_BYTES);
          await ex.settled();
          return { created: st === 201 };
        }
        if (st >= 500 || st === 408 || st === 429) throw await this.statusError(ex);
        const detail = await this.problemDetail(ex);
        throw new TisError(st === 409 ? 'tis.checkpoint.refused' : 'tis.http.status', ex.url.href, `the TIS refused the checkpoint with ${st}${detail}`);
      } catch (e) {
        throw cause(e, ex);
      } finally {
        ex.destroy();
      }
    });
  }

  private backoff(failures: number): number {
    return Math.min(MAX_BACKOFF_MS, this.backoffMs * 2 ** (failures - 1));
  }

  private async withRetries<T>(url: string, attempt: () => Promise<T>): Promise<T> {
    for (let failures = 0; ; ) {
      try {
        return await attempt();
      } catch (e) {
        const err = classify(e, url);
        if (!err.retryable || failures >= this.retries) throw err;
        failures += 1;
        await sleep(this.backoff(failures));
      }
    }
  }

  /** One request, following same-origin https redirects only. */
  private async exchange(start: URL, method: 'GET' | 'POST', headers: OutgoingHttpHeaders, body?: Buffer, transport: 'https' | 'tls' = 'https'): Promise<Exchange> {
    let url = start;
    for (let hop = 0; ; hop += 1) {
      const native = transport === 'tls' && this.opts.tlsReader !== 'node:tls' ? nativeTls().addon : null;
      const ex =
        transport === 'tls' && method === 'GET'
          ? native
            ? await sendNativeTls(native, url, headers, this.opts, this.timeoutMs)
            : await sendTls(url, headers, this.opts, this.timeoutMs)
          : await sendHttps(url, method, headers, body, this.opts, this.timeoutMs);
      const st = ex.status;
      if (!REDIRECTS.has(st)) return ex;
      ex.destroy();
      const location = ex.headers.location;
      if (!location) throw new TisError('tis.http.malformed', url.href, `${st} without Location`);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new TisError('tis.redirect-refused', url.href, `unparseable redirect target ${JSON.stringify(location)}`);
      }
      if (next.protocol !== 'https:' || next.origin !== this.base.origin) {
        throw new TisError('tis.redirect-refused', url.href, `redirect to ${next.origin === 'null' ? next.protocol : next.origin} refused: only same-origin https is followed`);
      }
      if (method === 'POST' && st !== 307 && st !== 308) {
        throw new TisError('tis.redirect-refused', url.href, `${st} would turn the POST into a GET`);
      }
      if (hop + 1 > this.maxRedirects) throw new TisError('tis.redirect-refused', url.href, `more than ${this.maxRedirects} redirects`);
      url = next;
    }
  }

  /** Reads a JSON body up to `max` bytes, refusing before buffering more. */
  private async readBounded(ex: Exchange, max: number): Promise<Buffer> {
    const length = contentLength(ex.headers);
    if (length !== null && length > max) {
      throw new TisError('tis.json.too-large', ex.url.href, `Content-Length ${length} exceeds the limit of ${max} bytes`);
    }
    const bytes = await ex.collect(max);
    if (!ex.complete()) throw new TisError('tis.network', ex.url.href, 'connection closed before the body was complete', true);
    return bytes;
  }

  /** `: <detail>` from an RFC 9457 problem body, bounded and flattened, or ''. */
  private async problemDetail(ex: Exchange): Promise<string> {
    try {
      if (ex.headers['content-encoding'] && ex.headers['content-encoding'] !== 'identity') return '';
      const bytes = await this.readBounded(ex, MAX_PROBLEM_BYTES);
      const p = JSON.parse(bytes.toString('utf8')) as { title?: unknown; detail?: unknown };
      const text = [p.title, p.detail].filter((x) => typeof x === 'string').join(': ');
      return text ? ` (${text.replace(/[\x00-\x1f]/g, ' ').slice(0, 300)})` : '';
    } catch {
      return '';
    }
  }

  private async statusError(ex: Exchange): Promise<TisError> {
    const st = ex.status;
    const detail = await this.problemDetail(ex);
    return new TisError('tis.http.status', ex.url.href, `the TIS answered ${st}${detail}`, st >= 500 || st === 408 || st === 429);
  }
}

