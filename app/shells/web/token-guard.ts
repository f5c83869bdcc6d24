// The web shell's guard: a random per-launch token, exchanged once for an
// HttpOnly SameSite=Strict cookie, required on every request; and a Host
// check so a page elsewhere cannot reach the kiosk by DNS rebinding.
import crypto from 'node:crypto';

export const COOKIE = 'kiosk_token';

export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export function cookieToken(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return null;
}

export type GuardVerdict = { kind: 'allow' } | { kind: 'exchange' } | { kind: 'deny'; status: 401 | 421; reason: string };

export function checkRequest(
  token: string,
  allowedHosts: readonly string[],
  req: { host: string | undefined; cookie: string | undefined; url: URL },
): GuardVerdict {
  if (!req.host || !allowedHosts.includes(req.host)) return { kind: 'deny', status: 421, reason: 'unexpected Host' };
  const q = req.url.searchParams.get('token');
  if (req.url.pathname === '/' && q !== null) {
    return safeEqual(q, token) ? { kind: 'exchange' } : { kind: 'deny', status: 401, reason: 'bad token' };
  }
  const c = cookieToken(req.cookie);
  return c !== null && safeEqual(c, token) ? { kind: 'allow' } : { kind: 'deny', status: 401, reason: 'no valid token' };
}
