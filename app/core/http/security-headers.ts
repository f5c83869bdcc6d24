// One Content-Security-Policy for both shells, starting from default-src
// 'none' and opening only what the player needs: our own scripts, styles,
// fetches and the hls.js worker file; media from MSE blob: URLs.
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

export function problemResponse(status: number, title: string, detail?: string): Response {
  return new Response(JSON.stringify({ type: 'about:blank', title, status, ...(detail ? { detail } : {}) }), {
    status,
    headers: securityHeaders({ 'content-type': 'application/problem+json; charset=utf-8', 'cache-control': 'no-store' }),
  });
}
