// Reference TIS server (FORMATS.md §2) over HTTPS with mutual TLS, with
// switchable faults for the client's tests. Test tool, not production code.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TLSSocket } from 'node:tls';
import { createGzip } from 'node:zlib';
import { FileInfoCache, fileHref, isSafeName, readCase, type CaseJson, type FileInfo } from './cases';
import { ReportStore } from './reports';
import { CheckpointStore, rawEd25519FromPem } from './checkpoints';
import { generateEd25519Signer, parseCheckpointBody, parseNote, signCheckpoint } from '../../app/core/viewing-log/checkpoint';

export type FaultKind =
  | 'reset-mid-body'
  | 'short-body'
  | 'long-body'
  | 'oversize-body'
  | 'ignore-range'
  | 'wrong-sha256'
  | 'wrong-repr-digest'
  | 'no-repr-digest'
  | 'trickle'
  | 'status-500'
  | 'redirect-other-origin'
  | 'redirect-http'
  | 'redirect-same-origin'
  | 'gzip-bomb'
  | 'huge-listing'
  | 'deep-listing'
  | 'checkpoint-foreign-key'
  | 'checkpoint-malformed';

export const FAULT_KINDS: readonly FaultKind[] = [
  'reset-mid-body',
  'short-body',
  'long-body',
  'oversize-body',
  'ignore-range',
  'wrong-sha256',
  'wrong-repr-digest',
  'no-repr-digest',
  'trickle',
  'status-500',
  'redirect-other-origin',
  'redirect-http',
  'redirect-same-origin',
  'gzip-bomb',
  'huge-listing',
  'deep-listing',
  'checkpoint-foreign-key',
  'checkpoint-malformed',
];

export type RequestKind = 'listing' | 'file' | 'report' | 'checkpoint';

export interface Fault {
  readonly kind: FaultKind;
  /** How many matching requests get the fault; then it is spent. Default: until cleared. */
  readonly times?: number;
  /** Which requests it hits; default depends on the kind (see README.md). */
  readonly on?: RequestKind | 'any';
  /** reset-mid-body/short-body: bytes of the body sent before the cut (default half). */
  readonly afterBytes?: number;
  /** trickle: pause between single bytes (default 1000 ms). */
  readonly intervalMs?: number;
  /** oversize-body: send chunked, without Content-Length. huge-listing: likewise. */
  readonly chunked?: boolean;
  /** gzip-bomb/huge-listing: bytes of the (decoded) body (defaults 8 GiB / 256 MiB). */
  readonly bytes?: number;
  /** redirect-*: the Location to send instead of the default one. */
  readonly location?: string;
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly kind: RequestKind | 'control' | 'other';
  readonly range: string | null;
  readonly ifRange: string | null;
  readonly idempotencyKey: string | null;
  readonly acceptEncoding: string | null;
  status: number;
  readonly fault: FaultKind | null;
}

export interface TisServerOptions {
  root: string;
  /** Directory made by scripts/tis-certs.sh. */
  certs: string;
  port?: number;
  host?: string;
  /** Server certificate name in `certs` (default `server`; `other-server` for the wrong-CA test). */
  serverCert?: string;
  /** Where viewing reports are persisted; default `<root>/.tis-state`. */
  stateDir?: string;
  /** Enables PUT/DELETE /__control/fault. */
  control?: boolean;
  fault?: Fault | readonly Fault[] | null;
  /**
   * Devices whose log checkpoints this server witnesses: device id -> its
   * Ed25519 public key PEM (as `kioskctl device pubkey` prints it). Court IT
   * registers these out of band; a device not listed gets 404.
   */
  devices?: Readonly<Record<string, string>>;
}

export interface TisServer {
  readonly url: string;
  readonly port: number;
  /** Replaces the active faults; with a list, each request takes the first unspent fault that applies to it. */
  setFault(fault: Fault | readonly Fault[] | null): void;
  requests(): LoggedRequest[];
  clearRequests(): void;
  reports: ReportStore;
  checkpoints: CheckpointStore;
  close(): Promise<void>;
}

const DEFAULT_ON: Record<FaultKind, RequestKind | 'any'> = {
  'reset-mid-body': 'file',
  'short-body': 'file',
  'long-body': 'file',
  'oversize-body': 'file',
  'ignore-range': 'file',
  'wrong-sha256': 'listing',
  'wrong-repr-digest': 'file',
  'no-repr-digest': 'file',
  trickle: 'file',
  'status-500': 'any',
  'redirect-other-origin': 'any',
  'redirect-http': 'any',
  'redirect-same-origin': 'any',
  'gzip-bomb': 'any',
  'huge-listing': 'listing',
  'deep-listing': 'listing',
  'checkpoint-foreign-key': 'checkpoint',
  'checkpoint-malformed': 'checkpoint',
};

const MAX_REPORT_BYTES = 4 << 20;
const MAX_NOTE_BYTES = 64 * 1024;

/** The held checkpoint's body signed by a key of the server's own, under the device's key name: a lying witness. */
function foreignSigned(note: string): string {
  const parsed = parseNote(note);
  return signCheckpoint(parseCheckpointBody(parsed.text), generateEd25519Signer(parsed.signatures[0]?.name ?? 'unknown'));
}

export async function startTisServer(opts: TisServerOptions): Promise<TisServer> {
  const certName = opts.serverCert ?? 'server';
  const [key, cert, ca] = await Promise.all([
    fs.readFile(path.join(opts.certs, `${certName}.key`)),
    fs.readFile(path.join(opts.certs, `${certName}.crt`)),
    fs.readFile(path.join(opts.certs, 'ca.crt')),
  ]);
  const host = opts.host ?? '127.0.0.1';
  const files = new FileInfoCache();
  const stateDir = opts.stateDir ?? path.join(opts.root, '.tis-state');
  const reports = new ReportStore(stateDir);
  const checkpoints = new CheckpointStore(
    stateDir,
    new Map(Object.entries(opts.devices ?? {}).map(([id, pem]) => [id, rawEd25519FromPem(pem)])),
  );
  let faults: Array<{ spec: Fault; left: number }> = [];
  const log: LoggedRequest[] = [];

  const setFault = (f: Fault | readonly Fault[] | null): void => {
    const list: readonly Fault[] = f === null ? [] : Array.isArray(f) ? f : [f as Fault];
    faults = list.map((spec) => ({ spec, left: spec.times ?? Number.POSITIVE_INFINITY }));
  };
  setFault(opts.fault ?? null);

  /** Takes the first unspent fault that applies to this request, counting it down. */
  const takeFault = (kind: RequestKind): Fault | null => {
    for (const fault of faults) {
      if (fault.left <= 0) continue;
      const on = fault.spec.on ?? DEFAULT_ON[fault.spec.kind];
      if (on !== 'any' && on !== kind) continue;
      fault.left -= 1;
      return fault.spec;
    }
    return null;
  };

  const server = https.createServer(
    {
      key,
      cert,
      ca,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    (req, res) => {
      handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) problem(res, 500, 'Internal Server Error', String(e));
        else res.destroy();
      });
    },
  );
  server.keepAliveTimeout = 5000;

  let origin = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const segments = url.pathname.split('/').slice(1);
    const route = routeOf(req.method ?? 'GET', segments);
    const entry: LoggedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      kind: route.kind,
      range: header(req, 'range'),
      ifRange: header(req, 'if-range'),
      idempotencyKey: header(req, 'idempotency-key'),
      acceptEncoding: header(req, 'accept-encoding'),
      status: 0,
      fault: null,
    };
    log.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    res.on('close', () => {
      if (entry.status === 0) entry.status = res.statusCode;
    });

    if (route.kind === 'control') return control(req, res);
    if (route.kind === 'other') return problem(res, 404, 'Not Found', `no route for ${req.method} ${url.pathname}`);
    if (route.kind === 'checkpoint') {
      let device: string;
      try {
        device = decodeURIComponent(route.device);
      } catch {
        return problem(res, 400, 'Bad Request', 'malformed percent-encoding in the path');
      }
      const f = takeFault('checkpoint');
      if (f) (entry as { fault: FaultKind | null }).fault = f.kind;
      if (f?.kind === 'status-500') return problem(res, 500, 'Internal Server Error', 'injected fault');
      return route.latest ? latestCheckpoint(res, device, f) : postCheckpoint(req, res, device);
    }
    let signature: string;
    let name: string | null = null;
    try {
      signature = decodeURIComponent(route.signature);
      if (route.kind === 'file') name = decodeURIComponent(route.name);
    } catch {
      return problem(res, 400, 'Bad Request', 'malformed percent-encoding in the path');
    }

    const f = takeFault(route.kind);
    if (f) (entry as { fault: FaultKind | null }).fault = f.kind;
    if (f?.kind === 'status-500') return problem(res, 500, 'Internal Server Error', 'injected fault');
    if (f?.kind === 'redirect-other-origin' || f?.kind === 'redirect-http' || f?.kind === 'redirect-same-origin') {
      const port = (server.address() as AddressInfo).port;
      const target =
        f.location ??
        (f.kind === 'redirect-other-origin'
          ? `https://localhost:${port}${url.pathname}`
          : f.kind === 'redirect-http'
            ? `http://${host}:${port}${url.pathname}`
            : `${url.pathname}${url.search}`);
      res.writeHead(302, { Location: target, 'Content-Length': '0' });
      return void res.end();
    }
    if (f?.kind === 'gzip-bomb') return gzipBomb(res, f.bytes ?? 8 * 1024 ** 3);

    switch (route.kind) {
      case 'listing':
        if (f?.kind === 'huge-listing') return hugeListing(res, f);
        if (f?.kind === 'deep-listing') return deepListing(res);
        return listing(res, signature, f);
      case 'file':
        return file(req, res, signature, name ?? '', f);
      case 'report':
        return report(req, res, signature);
    }
  }

  async function listing(res: ServerResponse, signature: string, f: Fault | null): Promise<void> {
    const found = await readCase(opts.root, signature);
    if (!found) return problem(res, 404, 'Unknown case', `no case with signature ${JSON.stringify(signature)}`);
    const body = await buildListing(found.dir, found.json, f?.kind === 'wrong-sha256');
    sendJson(res, 200, body);
  }

  async function buildListing(dir: string, json: CaseJson, wrongSha: boolean): Promise<unknown> {
    const sig = json.case.signature;
    const info = async (name: string): Promise<FileInfo | null> =>
      isSafeName(name) ? files.get(path.join(dir, 'files', name)) : null;
    const recordings = [];
    for (const rec of json.recordings) {
      const parts = [];
      for (const p of rec.parts) {
        const { retryAfter: _retryAfter, ...rest } = p;
        const status = p.status ?? 'ready';
        const fi = status === 'ready' ? await info(p.name) : null;
        if (status === 'ready' && !fi) throw new Error(`part ${p.name} of ${sig} has no file`);
        parts.push({
          ...rest,
          name: p.name,
          size: fi ? fi.size : null,
          sha256: fi ? (wrongSha ? createHash('sha256').update('wrong').digest('hex') : fi.sha256) : null,
          href: fileHref(sig, p.name),
          status,
        });
      }
      const attachments = [];
      for (const a of rec.attachments ?? []) {
        const fi = await info(a.name);
        if (!fi) throw new Error(`attachment ${a.name} of ${sig} has no file`);
        let signature: unknown = null;
        if (typeof a.signature === 'string') {
          const si = await info(a.signature);
          if (!si) throw new Error(`signature ${a.signature} of ${sig} has no file`);
          signature = { href: fileHref(sig, a.signature), sha256: si.sha256, size: si.size };
        }
        attachments.push({ ...a, href: fileHref(sig, a.name), sha256: fi.sha256, size: fi.size, signature });
      }
      recordings.push({ ...rec, parts, attachments });
    }
    return { case: json.case, recordings };
  }

  async function file(req: IncomingMessage, res: ServerResponse, signature: string, name: string, f: Fault | null): Promise<void> {
    const found = await readCase(opts.root, signature);
    if (!found) return problem(res, 404, 'Unknown case', `no case with signature ${JSON.stringify(signature)}`);
    const listed = listedNames(found.json);
    const part = found.json.recordings.flatMap((r) => r.parts).find((p) => p.name === name);
    if (!isSafeName(name) || !listed.has(name)) return problem(res, 404, 'Not Found', `no file ${JSON.stringify(name)} in this case`);
    if (part && (part.status ?? 'ready') === 'processing') {
      const retryAfter = String(part.retryAfter ?? 120);
      return problem(res, 409, 'Recording still processing', `part ${name} is not ready yet`, { 'Retry-After': retryAfter });
    }
    const fi = await files.get(path.join(found.dir, 'files', name));
    if (!fi) return problem(res, 404, 'Not Found', `file ${JSON.stringify(name)} is missing`);

    const digest = f?.kind === 'wrong-repr-digest' ? createHash('sha256').update('wrong').digest('base64') : Buffer.from(fi.sha256, 'hex').toString('base64');
    const headers: Record<string, string> = {
      'Content-Type': name.endsWith('.mp4') ? 'video/mp4' : name.endsWith('.pdf') ? 'application/pdf' : 'application/octet-stream',
      ETag: fi.etag,
      'Accept-Ranges': 'bytes',
      'Repr-Digest': `sha-256=:${digest}:`,
    };
    if (f?.kind === 'no-repr-digest') delete headers['Repr-Digest'];

    let start = 0;
    let end = fi.size - 1;
    let status = 200;
    const range = header(req, 'range');
    const ifRange = header(req, 'if-range');
    const rangeApplies = range !== null && f?.kind !== 'ignore-range' && (ifRange === null || ifRange === fi.etag);
    if (rangeApplies) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      if (m && (m[1] !== '' || m[2] !== '')) {
        if (m[1] === '') {
          start = Math.max(0, fi.size - Number(m[2]));
        } else {
          start = Number(m[1]);
          if (m[2] !== '') end = Math.min(end, Number(m[2]));
        }
        if (start >= fi.size || start > end) {
          return problem(res, 416, 'Range Not Satisfiable', `range ${range} outside 0-${fi.size - 1}`, {
            'Content-Range': `bytes */${fi.size}`,
          });
        }
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${end}/${fi.size}`;
      }
    }
    const length = end - start + 1;

    if (f?.kind === 'reset-mid-body' || f?.kind === 'short-body' || f?.kind === 'long-body' || f?.kind === 'oversize-body' || f?.kind === 'trickle') {
      return faultyBody(res, status, headers, fi.file, start, length, f);
    }
    res.writeHead(status, { ...headers, 'Content-Length': String(length) });
    if (req.method === 'HEAD' || length === 0) return void res.end();
    await pipeline(createReadStream(fi.file, { start, end, highWaterMark: 1 << 20 }), res).catch(() => res.destroy());
  }

  async function faultyBody(
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    file: string,
    start: number,
    length: number,
    f: Fault,
  ): Promise<void> {
    const fh = await fs.open(file);
    const body = Buffer.alloc(length);
    try {
      await fh.read(body, 0, length, start);
    } finally {
      await fh.close();
    }
    const socket = res.socket as TLSSocket;
    const cut = Math.min(length - 1, f.afterBytes ?? Math.floor(length / 2));
    switch (f.kind) {
      case 'reset-mid-body':
        res.writeHead(status, { ...headers, 'Content-Length': String(length) });
        res.write(body.subarray(0, cut), () => {
          // Let the bytes reach the client before the connection drops, so a resume has something to resume from.
          setTimeout(() => {
            try {
              socket.resetAndDestroy();
            } catch {
              socket.destroy();
            }
          }, 50);
        });
        return;
      case 'short-body':
        res.writeHead(status, { ...headers, 'Content-Length': String(length), Connection: 'close' });
        res.write(body.subarray(0, cut), () => setTimeout(() => socket.end(), 50));
        return;
      case 'long-body':
        // Content-Length is right, but more bytes follow it on the wire.
        res.writeHead(status, { ...headers, 'Content-Length': String(length), Connection: 'close' });
        res.end(Buffer.concat([body, Buffer.alloc(4096, 0x41)]));
        return;
      case 'oversize-body': {
        const extra = Buffer.alloc(4096, 0x42);
        res.writeHead(status, f.chunked ? headers : { ...headers, 'Content-Length': String(length + extra.length) });
        res.end(Buffer.concat([body, extra]));
        return;
      }
      case 'trickle': {
        res.writeHead(status, { ...headers, 'Content-Length': String(length) });
        const interval = f.intervalMs ?? 1000;
        let i = 0;
        const timer = setInterval(() => {
          if (res.destroyed || i >= length) {
            clearInterval(timer);
            if (!res.destroyed) res.end();
            return;
          }
          res.write(body.subarray(i, i + 1));
          i += 1;
        }, interval);
        res.on('close', () => clearInterval(timer));
        return;
      }
      default:
        throw new Error(`fault ${f.kind} has no body behaviour`);
    }
  }

  async function report(req: IncomingMessage, res: ServerResponse, signature: string): Promise<void> {
    const found = await readCase(opts.root, signature);
    if (!found) return problem(res, 404, 'Unknown case', `no case with signature ${JSON.stringify(signature)}`);
    const raw = header(req, 'idempotency-key');
    // An sf-string ("…") per draft-ietf-httpapi-idempotency-key-header; a bare token is accepted too.
    const key = raw === null ? null : /^"([\x20-\x21\x23-\x5b\x5d-\x7e]{1,255})"$/.exec(raw)?.[1] ?? (/^[\x21-\x7e]{1,255}$/.test(raw) ? raw : null);
    if (key === null) return problem(res, 400, 'Idempotency-Key required', 'send an Idempotency-Key header');
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      total += c.length;
      if (total > MAX_REPORT_BYTES) return problem(res, 413, 'Content Too Large', `report over ${MAX_REPORT_BYTES} bytes`);
      chunks.push(c);
    }
    const body = Buffer.concat(chunks);
    try {
      JSON.parse(body.toString('utf8'));
    } catch {
      return problem(res, 400, 'Bad Request', 'the viewing report is not JSON');
    }
    const r = reports.accept(key, signature, body);
    if (r.kind === 'key-reused') {
      return problem(res, 422, 'Idempotency-Key reused', 'this key was used with a different report');
    }
    sendJson(res, r.kind === 'created' ? 201 : 200, { id: r.report.id }, { Location: `/api/v1/viewing-reports/${r.report.id}` });
  }

  function latestCheckpoint(res: ServerResponse, device: string, f: Fault | null): void {
    const held = checkpoints.latest(device);
    if (held === null) return problem(res, 404, 'No checkpoint', `no checkpoint of device ${JSON.stringify(device)} is held`);
    let note = held;
    if (f?.kind === 'checkpoint-malformed') note = held.replace('\n\n', '\n');
    if (f?.kind === 'checkpoint-foreign-key') note = foreignSigned(held);
    const data = Buffer.from(note, 'utf8');
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(data.length) });
    res.end(data);
  }

  async function postCheckpoint(req: IncomingMessage, res: ServerResponse, device: string): Promise<void> {
    const type = header(req, 'content-type') ?? '';
    if (!/^text\/plain\s*(;|$)/i.test(type)) return problem(res, 415, 'Unsupported Media Type', 'send the signed note as text/plain; charset=utf-8');
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      total += c.length;
      if (total > MAX_NOTE_BYTES) return problem(res, 413, 'Content Too Large', `note over ${MAX_NOTE_BYTES} bytes`);
      chunks.push(c);
    }
    const v = checkpoints.accept(device, Buffer.concat(chunks).toString('utf8'), header(req, 'log-consistency-proof'));
    if (v.kind === 'refused') return problem(res, v.status, v.title, v.detail);
    sendJson(res, v.kind === 'created' ? 201 : 200, { size: v.size });
  }

  async function control(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!opts.control) return problem(res, 404, 'Not Found', 'control endpoint disabled (start with --control)');
    if (req.method === 'DELETE') {
      setFault(null);
      res.writeHead(204);
      return void res.end();
    }
    if (req.method !== 'PUT') return problem(res, 405, 'Method Not Allowed', 'PUT or DELETE');
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    let spec: Fault | Fault[];
    try {
      spec = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Fault | Fault[];
    } catch {
      return problem(res, 400, 'Bad Request', 'the body must be a fault object or a list of them');
    }
    const list = Array.isArray(spec) ? spec : [spec];
    if (!list.every((f) => FAULT_KINDS.includes(f?.kind))) return problem(res, 400, 'Unknown fault', `kinds: ${FAULT_KINDS.join(', ')}`);
    setFault(list);
    res.writeHead(204);
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `https://${host}:${port}`;

  return {
    url: origin,
    port,
    setFault,
    requests: () => log.slice(),
    clearRequests: () => void log.splice(0),
    reports,
    checkpoints,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type Route =
  | { kind: 'checkpoint'; device: string; latest: boolean }
  | { kind: 'listing'; signature: string }
  | { kind: 'file'; signature: string; name: string }
  | { kind: 'report'; signature: string }
  | { kind: 'control' }
  | { kind: 'other' };

function routeOf(method: string, s: string[]): Route {
  if (s.length === 2 && s[0] === '__control' && s[1] === 'fault') return { kind: 'control' };
  if (s[0] === 'api' && s[1] === 'v1' && s[2] === 'devices' && s[3] && s[4] === 'checkpoints') {
    if (s.length === 5 && method === 'POST') return { kind: 'checkpoint', device: s[3], latest: false };
    if (s.length === 6 && s[5] === 'latest' && method === 'GET') return { kind: 'checkpoint', device: s[3], latest: true };
  }
  if (s[0] !== 'api' || s[1] !== 'v1' || s[2] !== 'cases' || !s[3]) return { kind: 'other' };
  const signature = s[3];
  if (s.length === 5 && s[4] === 'recordings' && method === 'GET') return { kind: 'listing', signature };
  if (s.length === 5 && s[4] === 'viewing-reports' && method === 'POST') return { kind: 'report', signature };
  if (s.length === 6 && s[4] === 'files' && s[5] && (method === 'GET' || method === 'HEAD')) {
    return { kind: 'file', signature, name: s[5] };
  }
  return { kind: 'other' };
}

function listedNames(json: CaseJson): Set<string> {
  const names = new Set<string>();
  for (const r of json.recordings) {
    for (const p of r.parts) names.add(p.name);
    for (const a of r.attachments ?? []) {
      names.add(a.name);
      if (typeof a.signature === 'string') names.add(a.signature);
    }
  }
  return names;
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? v.join(', ') : null;
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(data.length), ...extra });
  res.end(data);
}

function problem(res: ServerResponse, status: number, title: string, detail: string, extra: Record<string, string> = {}): void {
  const data = Buffer.from(JSON.stringify({ type: 'about:blank', title, status, detail }));
  res.writeHead(status, { 'Content-Type': 'application/problem+json', 'Content-Length': String(data.length), ...extra });
  res.end(data);
}

function gzipBomb(res: ServerResponse, bytes: number): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
  const zero = Buffer.alloc(1 << 20);
  let left = bytes;
  const zeros = new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, zero.length);
      left -= n;
      this.push(zero.subarray(0, n));
    },
  });
  pipeline(zeros, createGzip({ level: 9 }), res).catch(() => res.destroy());
}

/** A small listing whose one unknown field nests 10,000 arrays deep. */
function deepListing(res: ServerResponse): void {
  const body = `{"case":{"jurisdiction":"PL","signature":"DEEP","deep":${'['.repeat(10_000)}0${']'.repeat(10_000)}},"recordings":[]}`;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function hugeListing(res: ServerResponse, f: Fault): void {
  const bytes = f.bytes ?? 256 * 1024 ** 2;
  const item = JSON.stringify({
    identifier: 'X',
    date: null,
    duration: null,
    parts: [{ name: 'x.mp4', size: 1, sha256: '0'.repeat(64), href: '/x', status: 'ready' }],
    pad: 'p'.repeat(4000),
  });
  const head = '{"case":{"jurisdiction":"PL","signature":"HUGE"},"recordings":[';
  const count = Math.max(1, Math.floor(bytes / (item.length + 1)));
  const total = head.length + count * item.length + (count - 1) + 2;
  res.writeHead(200, f.chunked === false ? { 'Content-Type': 'application/json', 'Content-Length': String(total) } : { 'Content-Type': 'application/json' });
  let i = 0;
  const body = new Readable({
    read() {
      if (i === 0) this.push(head);
      if (i >= count) return void this.push(null);
      const batch = [];
      for (let k = 0; k < 64 && i < count; k += 1, i += 1) batch.push(i === 0 ? item : `,${item}`);
      this.push(batch.join('') + (i >= count ? ']}' : ''));
    },
  });
  pipeline(body, res).catch(() => res.destroy());
}
