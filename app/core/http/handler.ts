// The one fetch-style handler both shells use: Request -> Response.
// Electron binds it with protocol.handle on the `kiosk:` scheme; the web shell
// adapts node:http requests to it on 127.0.0.1. Authentication of the caller
// (the launch exchange's cookie, Origin and fetch metadata in the web shell)
// is the shell's job; this handler assumes its caller is the kiosk's own
// renderer, and still requires JSON POSTs, a clerk for the catalogue and the
// media capability header (docs/security.md). Every error is problem+json.
import type { Kiosk } from '../kiosk';
import type { ShellKind } from '../../shared/api-contract';
import { API_ROUTES } from '../../shared/api-contract';
import { listRecordings } from '../catalog';
import { serveAsset } from './static-assets';
import type { SessionService } from '../session/service';
import { jsonResponse, problemResponse, securityHeaders } from './security-headers';
import { mediaRoute } from './media-route';
import { MediaLibrary } from './media-library';
import { MEDIA_ROOT } from '../../shared/media-contract';
import { adminRoute } from './admin-route';
import type { AdminService, CarrierDesk, TisDesk } from '../admin';

async function sessionRoute(req: Request, session: SessionService | undefined): Promise<Response> {
  if (!session) return problemResponse('not-found', 'this shell runs no session service');
  if (req.method === 'GET') return jsonResponse(session.getSnapshot());
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return problemResponse('body-not-json', 'the body of POST /api/session must be one JSON event');
  }
  const r = session.send(body);
  await session.settled();
  if (r.ok) return jsonResponse(session.getSnapshot());
  // The refusal as a problem document; `problem` (file, rule, message) and the
  // view the screen should show are extension members (RFC 9457 §3.2).
  return problemResponse('event-refused', r.problem.message, { problem: r.problem, view: session.getSnapshot() });
}

/** A POST's body must say it is JSON: a form or text/plain POST is what a page of another origin can send without asking (a "simple" request). */
export function isJsonContentType(header: string | null): boolean {
  return header !== null && /^application\/json\s*(;|$)/i.test(header.trim());
}

/** The catalogue is for a signed-in clerk (or administrator) composing a session, never for the attract screen or a viewer. */
function clerkComposing(session: SessionService | undefined): boolean {
  const v = session?.getSnapshot();
  return v !== undefined && v.screen === 'composing' && v.clerk !== null;
}

/** Server-sent events: every new session view, so timers (idle warning, time limit) reach the screen. */
function sessionEvents(req: Request, session: SessionService): Response {
  const enc = new TextEncoder();
  let unsubscribe: (() => void) | null = null;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const push = () => controller.enqueue(enc.encode(`data: ${JSON.stringify(session.getSnapshot())}\n\n`));
      push();
      unsubscribe = session.subscribe(push);
      req.signal.addEventListener('abort', () => {
        unsubscribe?.();
        try {
          controller.close();
        } catch {
          // already closed
        }
      });
    },
    cancel() {
      unsubscribe?.();
    },
  });
  return new Response(stream, { headers: securityHeaders({ 'content-type': 'text/event-stream', 'cache-control': 'no-store' }) });
}

export type RequestHandler = (req: Request) => Promise<Response>;

export interface HandlerOptions {
  readonly kiosk: Kiosk;
  readonly assetsDir: string;
  readonly shell: ShellKind;
  /** The review session (DC-2); the renderer only sends events and shows views. */
  readonly session?: SessionService;
  /** The administrator screen's API (/api/admin/*), open only to a signed-in administrator. */
  readonly admin?: AdminService;
  /** Carriers for the administrator screen (DC-3), pushed on /api/admin/events. */
  readonly carriers?: CarrierDesk | null;
  /** The case-file system for the administrator screen (UA-1, PL-6.1). */
  readonly tis?: TisDesk | null;
}

export function createRequestHandler(opts: HandlerOptions): RequestHandler {
  const { kiosk } = opts;
  const library = new MediaLibrary(kiosk);
  return async (req) => {
    const url = new URL(req.url);
    if (url.pathname.startsWith(MEDIA_ROOT)) return mediaRoute(req, { kiosk, session: opts.session, library });
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'POST') return problemResponse('method-not-allowed', `${req.method} is not used by the API`, {}, { allow: 'GET, POST' });
      if (req.method === 'POST' && !isJsonContentType(req.headers.get('content-type'))) {
        return problemResponse('content-type-not-json', `content-type ${req.headers.get('content-type') ?? '(none)'} refused: the API takes application/json only`);
      }
      if (url.pathname.startsWith('/api/admin/')) return adminRoute(req, url, { admin: opts.admin, session: opts.session, carriers: opts.carriers ?? undefined, tis: opts.tis ?? undefined });
      switch (url.pathname) {
        case API_ROUTES.info:
          return jsonResponse(kiosk.info(opts.shell));
        case API_ROUTES.session:
          return sessionRoute(req, opts.session);
        case API_ROUTES.events:
          return opts.session ? sessionEvents(req, opts.session) : problemResponse('not-found', 'this shell runs no session service');
        case API_ROUTES.recordings: {
          if (!clerkComposing(opts.session)) return problemResponse('clerk-required', 'the catalogue is shown only to a signed-in clerk composing a session');
          const sig = url.searchParams.get('case');
          return jsonResponse({ recordings: listRecordings(kiosk.db, sig ? { caseSignature: sig } : {}) });
        }
        default:
          return problemResponse('not-found', `no API route ${url.pathname}`);
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return problemResponse('method-not-allowed', 'the renderer\'s files are read with GET or HEAD', {}, { allow: 'GET, HEAD' });
    return serveAsset(opts.assetsDir, url.pathname, req.headers.get('range'));
  };
}
