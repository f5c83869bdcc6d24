// The kiosk's own problem types (RFC 9457). Every error the web shell and
// core's request handler answer is `application/problem+json` with `type`,
// `title`, `status` and `detail`. A custom title needs a type of its own
// (§4.2.1: `about:blank` means the title is the status phrase), so each kind
// of refusal has a URI under the kiosk's namespace. The host is in `.invalid`
// (RFC 6761): the URIs identify, they are never fetched (§3.1.1 allows that),
// and their meaning is documented in docs/security.md. The title of a type
// never changes between occurrences; what varies goes in `detail`.

export const PROBLEM_TYPE_BASE = 'https://court-kiosk.invalid/problems/';

export const PROBLEM_TYPES = {
  // The web shell's guard (app/shells/web).
  'host-not-allowed': { status: 421, title: 'unexpected Host' },
  'not-signed-in': { status: 401, title: 'not signed in to this kiosk' },
  'launch-code-not-valid': { status: 401, title: 'launch code not valid' },
  'cross-origin': { status: 403, title: 'request not from the kiosk page' },
  'body-too-large': { status: 413, title: 'request body too large' },
  'internal-error': { status: 500, title: 'internal error' },
  // Core's request handler (app/core/http), both shells.
  'method-not-allowed': { status: 405, title: 'method not allowed' },
  'not-found': { status: 404, title: 'no such resource' },
  'path-not-allowed': { status: 400, title: 'path not allowed' },
  'content-type-not-json': { status: 403, title: 'request body must be application/json' },
  'body-not-json': { status: 400, title: 'the body is not JSON' },
  'clerk-required': { status: 403, title: 'a clerk must be signed in' },
  'event-refused': { status: 422, title: 'event refused' },
  // The media route.
  'media-capability-missing': { status: 403, title: 'media capability missing' },
  'capability-not-valid': { status: 403, title: 'capability not valid' },
  'recording-not-in-session': { status: 403, title: 'recording not in this session' },
  'no-such-media': { status: 404, title: 'no such media' },
  'integrity-check-failed': { status: 502, title: 'integrity check failed' },
  'media-not-prepared': { status: 500, title: 'media could not be prepared' },
  // The administrator API.
  'admin-required': { status: 403, title: 'an administrator must be signed in' },
  'invalid-input': { status: 422, title: 'invalid input' },
  'action-refused': { status: 409, title: 'action refused' },
  'export-refused': { status: 403, title: 'export refused' },
  'export-busy': { status: 409, title: 'an export is already running' },
} as const satisfies Record<string, { readonly status: number; readonly title: string }>;

export type ProblemTypeName = keyof typeof PROBLEM_TYPES;

export function problemTypeUri(name: ProblemTypeName): string {
  return `${PROBLEM_TYPE_BASE}${name}`;
}

/** An RFC 9457 problem document as the kiosk sends it; extension members beside the four. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
}

export function problemDetails(name: ProblemTypeName, detail: string): ProblemDetails {
  const t = PROBLEM_TYPES[name];
  return { type: problemTypeUri(name), title: t.title, status: t.status, detail };
}
