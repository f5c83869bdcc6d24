// The renderer's only door to core: the shared API contract over same-origin
// fetch. Both shells serve the contract at the renderer's own origin (web:
// 127.0.0.1 with the launch exchange's session cookie; Electron: the kiosk:
// scheme), so this one adapter works in either; the shell kind is reported by
// core in /api/info. POSTs are JSON (core refuses any other body type).
import { API_ROUTES, type KioskInfo, type RecordingSummary } from '../../shared/api-contract';
import { MEDIA_CAPABILITY_HEADER, MEDIA_ROOT, type MediaManifest } from '../../shared/media-contract';
import type { RendererEvent, SessionView } from '../../shared/session-contract';

export interface SendOutcome {
  readonly view: SessionView;
  /** Set when core refused the event (not handled in this state, or invalid). */
  readonly problem: { readonly rule: string; readonly message: string } | null;
}

export interface KioskClient {
  info(): Promise<KioskInfo>;
  recordings(caseSignature?: string): Promise<RecordingSummary[]>;
  session(): Promise<SessionView>;
  send(event: RendererEvent): Promise<SendOutcome>;
  /** Every new session view as core publishes it (timers, effects); returns the unsubscribe. */
  watch(onView: (v: SessionView) => void, onLost: () => void): () => void;
  /** The session's media manifest, fetched with its capability in the header. */
  manifest(capability: string): Promise<MediaManifest>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin', cache: 'no-store', headers });
  if (!res.ok) throw new ApiError(res.status, `${path}: ${res.status}`);
  return (await res.json()) as T;
}

async function send(event: RendererEvent): Promise<SendOutcome> {
  const res = await fetch(API_ROUTES.session, {
    method: 'POST',
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(event),
  });
  if (res.status !== 200 && res.status !== 422) throw new ApiError(res.status, `${API_ROUTES.session}: ${res.status}`);
  const body = (await res.json()) as SessionView | { view: SessionView; problem: { rule: string; message: string } };
  return 'problem' in body ? { view: body.view, problem: body.problem } : { view: body, problem: null };
}

export function createKioskClient(): KioskClient {
  return {
    info: () => getJson<KioskInfo>(API_ROUTES.info),
    recordings: async (sig) => {
      const q = sig ? `?case=${encodeURIComponent(sig)}` : '';
      return (await getJson<{ recordings: RecordingSummary[] }>(`${API_ROUTES.recordings}${q}`)).recordings;
    },
    session: () => getJson<SessionView>(API_ROUTES.session),
    send,
    watch(onView, onLost) {
      const es = new EventSource(API_ROUTES.events, { withCredentials: true });
      es.onmessage = (m: MessageEvent<string>) => onView(JSON.parse(m.data) as SessionView);
      // EventSource reconnects by itself; the screen says so while it is down.
      es.onerror = () => onLost();
      return () => es.close();
    },
    manifest: (capability) => getJson<MediaManifest>(`${MEDIA_ROOT}manifest.json`, { [MEDIA_CAPABILITY_HEADER]: capability }),
  };
}
