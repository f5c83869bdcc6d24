// The web shell's guard, asked before core sees a request. In order:
//   1. Host must be the shell's own (127.0.0.1:port or localhost:port): a page
//      reached by DNS rebinding names another host.
//   2. Fetch metadata: a request a browser marks as coming from another site
//      or another origin (Sec-Fetch-Site: cross-site or same-site; another
//      loopback port is same-site, and the cookie goes there too) is refused,
//      whatever its method.
//   3. A request that can change anything (any method but GET and HEAD) must
//      say it comes from the kiosk page itself: Origin is the shell's origin
//      and Sec-Fetch-Site is same-origin. Core then requires application/json.
//   4. The session cookie from the launch exchange (launch.ts).
// The exchange itself (POST /launch) is the one request let through without
// the cookie: its one-time code is its authority.
import type { ProblemTypeName } from '../../shared/problem-types';
import { LAUNCH_PATH, SESSION_COOKIE } from './launch';

export type GuardVerdict =
  | { readonly kind: 'allow' }
  | { readonly kind: 'exchange' }
  | { readonly kind: 'deny'; readonly problem: ProblemTypeName; readonly detail: string };

export interface GuardRequest {
  readonly method: string;
  readonly path: string;
  readonly host: string | undefined;
  readonly cookie: string | undefined;
  readonly origin: string | undefined;
  readonly secFetchSite: string | undefined;
}

export function cookieValue(cookieHeader: string | undefined, name: string = SESSION_COOKIE): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export function checkRequest(allowedHosts: readonly string[], isSession: (cookie: string | null) => boolean, req: GuardRequest): GuardVerdict {
  const deny = (problem: ProblemTypeName, detail: string): GuardVerdict => ({ kind: 'deny', problem, detail });
  if (!req.host || !allowedHosts.includes(req.host)) return deny('host-not-allowed', `Host ${req.host ?? '(none)'} is not this kiosk's`);
  if (req.path === LAUNCH_PATH) return { kind: 'exchange' };
  const site = req.secFetchSite;
  if (site === 'cross-site' || site === 'same-site') return deny('cross-origin', `Sec-Fetch-Site ${site}: the request comes from a page that is not the kiosk's`);
  if (!SAFE_METHODS.has(req.method)) {
    const own = `http://${req.host}`;
    if (req.origin !== own) return deny('cross-origin', `${req.method} needs Origin ${own}; it came with ${req.origin ?? 'none'}`);
    if (site !== 'same-origin') return deny('cross-origin', `${req.method} needs Sec-Fetch-Site same-origin; it came with ${site ?? 'none'}`);
  }
  if (!isSession(cookieValue(req.cookie))) return deny('not-signed-in', 'no valid session cookie: the browser is let in once, through the launcher page');
  return { kind: 'allow' };
}
