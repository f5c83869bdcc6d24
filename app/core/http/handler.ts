// The one fetch-style handler both shells use: Request -> Response.
// Electron binds it with protocol.handle on the `kiosk:` scheme; the web shell
// adapts node:http requests to it on 127.0.0.1. Authentication of the caller
// (the per-launch token in the web shell) is the shell's job; this handler
// assumes its caller is the kiosk's own renderer.
import type { Kiosk } from '../kiosk';
import type { ShellKind } from '../../shared/api-contract';
import { API_ROUTES } from '../../shared/api-contract';
import { listRecordings } from '../catalog';
import { serveAsset } from './static-assets';
import type { SessionService } from '../session/service';
import { securityHeaders } from './security-headers';
import { mediaRoute } from './media-route';
import { MediaLibrary } from './media-library';
import { MEDIA_ROOT } from '../../shared/media-contract';
import { adminRoute } from './admin-route';
import type { AdminService, CarrierDesk, TisDesk } from '../admin';

async function sessionRoute(req: Request, session: SessionService | undefined): Promise<Response> {
  if (!session) return problemResponse(404, 'no session service');
  if (req.method === 'GET') return jsonResponse(session.getSnapshot());
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return problemResponse(400, 'the body is not JSON');
  }
  const r = session.send(body);
  await session.settled();
  return r.ok ? jsonResponse(session.getSnapshot()) : jsonResponse({ problem: r.problem, view: session.getSnapshot() }, 422);
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
import { jsonResponse, problemResponse } from './security-headers';

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
      if (req.method !== 'GET' && req.method !== 'POST') return problemResponse(405, 'method not allowed');
      if (url.pathname.startsWith('/api/admin/')) return adminRoute(req, url, { admin: opts.admin, session: opts.session, carriers: opts.carriers ?? undefined, tis: opts.tis ?? undefined });
      switch (url.pathname) {
        case API_ROUTES.info:
          return jsonResponse(kiosk.info(opts.shell));
        case API_ROUTES.session:
          return sessionRoute(req, opts.session);
        case API_ROUTES.events:
          return opts.session ? sessionEvents(req, opts.session) : problemResponse(404, 'no session service');
        case API_ROUTES.recordings: {
          const sig = url.searchParams.get('case');
          return jsonResponse({ recordings: listRecordings(kiosk.db, sig ? { caseSignature: sig } : {}) });
        }
        default:
          return problemResponse(404, 'no such API route');
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return problemResponse(405, 'method not allowed');
    return serveAsset(opts.assetsDir, url.pathname, req.headers.get('range'));
  };
}
