// The renderer's only door to core: the shared API contract over same-origin
// fetch. Both shells serve the contract at the renderer's own origin (web:
// 127.0.0.1 with a token cookie; Electron: the kiosk: scheme), so this one
// adapter works in either; the shell kind is reported by core in /api/info.
import { API_ROUTES, type KioskInfo, type RecordingSummary } from '../../shared/api-contract';

export interface KioskClient {
  info(): Promise<KioskInfo>;
  recordings(caseSignature?: string): Promise<RecordingSummary[]>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) throw new ApiError(res.status, `${path}: ${res.status}`);
  return (await res.json()) as T;
}

export function createKioskClient(): KioskClient {
  return {
    info: () => getJson<KioskInfo>(API_ROUTES.info),
    recordings: async (sig) => {
      const q = sig ? `?case=${encodeURIComponent(sig)}` : '';
      return (await getJson<{ recordings: RecordingSummary[] }>(`${API_ROUTES.recordings}${q}`)).recordings;
    },
  };
}
