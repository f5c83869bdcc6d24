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
import { jsonResponse, problemResponse } from './security-headers';

export type RequestHandler = (req: Request) => Promise<Response>;

export interface HandlerOptions {
  readonly kiosk: Kiosk;
  readonly assetsDir: string;
  readonly shell: ShellKind;
}

export function createRequestHandler(opts: HandlerOptions): RequestHandler {
  const { kiosk } = opts;
  return async (req) => {
    const url = new URL(req.url);
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'POST') return problemResponse(405, 'method not allowed');
      switch (url.pathname) {
        case API_ROUTES.info:
          return jsonResponse(kiosk.info(opts.shell));
        case API_ROUTES.recordings: {
          const sig = url.searchParams.get('case');
          return jsonResponse({ recordings: listRecordings(kiosk.db, sig ? { caseSignature: sig } : {}) });
        }
        default:
          return problemResponse(404, 'no such API route');
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return problemResponse(405, 'method not allowed');
    return serveAsset(opts.assetsDir, url.pathname);
  };
}
