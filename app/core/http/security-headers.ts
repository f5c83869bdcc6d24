// One Content-Security-Policy for both shells, starting from default-src
// 'none' and opening only what the player needs: our own scripts, styles,
// fetches and the hls.js worker file; media from MSE blob: URLs.
import { problemDetails, type ProblemTypeName } from '../../shared/problem-types';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export function securityHeaders(extra: Record<string, string> = {}): Headers {
  const h = new Headers(extra);
  h.set('content-security-policy', CONTENT_SECURITY_POLICY);
  h.set('x-content-type-options', 'nosniff');
  h.set('referrer-policy', 'no-referrer');
  h.set('cross-origin-opener-policy', 'same-origin');
  h.set('cross-origin-resource-policy', 'same-origin');
  h.set('permissions-policy', 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), clipboard-read=(), clipboard-write=(), display-capture=(), picture-in-picture=()');
  return h;
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: securityHeaders({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }),
  });
}

/**
 * An RFC 9457 problem answer of one of the kiosk's own types
 * (app/shared/problem-types.ts): `type`, `title` and `status` from the
 * catalogue, `detail` for this occurrence, and any extension members.
 */
export function problemResponse(name: ProblemTypeName, detail: string, extensions: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  const body = { ...extensions, ...problemDetails(name, detail) };
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: securityHeaders({ ...headers, 'content-type': 'application/problem+json; charset=utf-8', 'cache-control': 'no-store' }),
  });
}
