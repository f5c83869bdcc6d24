// What the download makes of a TIS response's header fields: framing it
// checks (Content-Length, Content-Range, Content-Encoding), the validator it
// resumes with (ETag), the digest it compares (RFC 9530 Repr-Digest), and
// how long a part that is not ready wants to be left (Retry-After).
import type { IncomingHttpHeaders } from 'node:http';
import { TisError } from './errors';
import type { Exchange } from './exchange';

/** We ask for identity and never decompress: a compressed body is refused (no gzip bombs). */
export function refuseEncoding(ex: Pick<Exchange, 'url' | 'headers'>): void {
  const enc = String(ex.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (enc !== 'identity' && enc !== '') {
    throw new TisError('tis.encoding-refused', ex.url.href, `Content-Encoding ${JSON.stringify(enc)} refused: the kiosk asks for identity and does not decompress`);
  }
}

export function contentLength(headers: IncomingHttpHeaders): number | null {
  const v = headers['content-length'];
  if (v === undefined) return null;
  return /^\d{1,16}$/.test(v) ? Number(v) : null;
}

export function strongEtag(v: string | undefined): string | null {
  return v && /^"[\x21\x23-\x7e]*"$/.test(v) ? v : null;
}

export function parseContentRange(v: string | undefined): { start: number; end: number; total: number } | null {
  const m = v ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(v.trim()) : null;
  return m ? { start: Number(m[1]), end: Number(m[2]), total: Number(m[3]) } : null;
}

/** `sha-256=:<base64>:` out of an RFC 9530 Repr-Digest dictionary; null when absent or without sha-256. */
export function parseReprDigest(v: string | string[] | undefined, url: string): string | null {
  if (v === undefined) return null;
  const text = Array.isArray(v) ? v.join(', ') : v;
  for (const member of text.split(',')) {
    const m = /^\s*([a-z0-9_*.-]+)\s*=\s*(.*?)\s*$/i.exec(member);
    if (!m || m[1]?.toLowerCase() !== 'sha-256') continue;
    const b = /^:([A-Za-z0-9+/]+={0,2}):$/.exec(m[2] ?? '');
    if (!b?.[1] || Buffer.from(b[1], 'base64').length !== 32) {
      throw new TisError('tis.repr-digest.malformed', url, 'Repr-Digest sha-256 is not a base64 SHA-256');
    }
    return Buffer.from(b[1], 'base64').toString('base64');
  }
  return null;
}

export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/** Retry-After as seconds (delta-seconds or HTTP-date). */
export function parseRetryAfter(v: string | undefined): number | null {
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, Math.ceil((t - Date.now()) / 1000));
}
