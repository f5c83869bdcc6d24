// The administrator screen's calls to core (app/shared/admin-contract.ts),
// same-origin like the rest of the renderer. Refusals come back as values
// carrying the core's Problem, so the screen can name the field and rule; so
// does a core that cannot be reached (status 0), so no call ever rejects and
// no screen is left 'checking' or busy by a request that never answered.
import {
  ADMIN_ROUTES,
  type AdminCompletionRequest,
  type AdminCompletionResult,
  type AdminExportRequest,
  type AdminOverview,
  type AdminPendingRecording,
  type AdminProblemBody,
  type AdminReleaseRequest,
  type ExportProgressView,
} from '../../../shared/admin-contract';
import { API_ROUTES } from '../../../shared/api-contract';
import { CARRIER_ROUTES, TIS_ROUTES, type CarrierImportView, type TisFetchView } from '../../../shared/carriers-contract';
import type { Problem } from '../../../shared/problem';
import { problem } from '../../../shared/problem';
import type { SessionView } from '../../../shared/session-contract';

export type AdminResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly status: number; readonly problem: Problem | null };

async function call<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<AdminResult<T>> {
  let res: Response;
  try {
    res = await fetch(route, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
  } catch (e) {
    return { ok: false, status: 0, problem: problem(route, 'admin.unreachable', e instanceof Error ? e.message : String(e)) };
  }
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    // A body that is not JSON is reported by status alone.
  }
  if (res.ok) return { ok: true, value: json as T };
  return { ok: false, status: res.status, problem: (json as AdminProblemBody | null)?.problem ?? null };
}

export const adminApi = {
  overview: () => call<AdminOverview>('GET', ADMIN_ROUTES.overview),
  pending: () => call<{ pending: AdminPendingRecording[] }>('GET', ADMIN_ROUTES.pending),
  complete: (req: AdminCompletionRequest) => call<AdminCompletionResult>('POST', ADMIN_ROUTES.complete, req),
  release: (req: AdminReleaseRequest) => call<AdminCompletionResult>('POST', ADMIN_ROUTES.release, req),
  startExport: (req: AdminExportRequest) => call<ExportProgressView>('POST', ADMIN_ROUTES.export, req),
  exportProgress: (jobId: string) => call<ExportProgressView>('GET', `${ADMIN_ROUTES.export}/${encodeURIComponent(jobId)}`),
  importCarrier: (key: string) => call<CarrierImportView>('POST', CARRIER_ROUTES.import, { key }),
  fetchCase: (signature: string) => call<TisFetchView>('POST', TIS_ROUTES.fetch, { signature }),
  /** Ends the administrator's sign-in (the session machine's clerk.cancel). */
  signOut: () => call<SessionView>('POST', API_ROUTES.session, { type: 'clerk.cancel' }),
};
