// Whether the session machine shows an administrator signed in (composing):
// the one condition under which core opens /api/admin/*. Follows the
// session's event stream, so signing in or out switches the screen at once.
import { useEffect, useState } from 'react';
import { API_ROUTES } from '../../../shared/api-contract';
import type { SessionView } from '../../../shared/session-contract';

export interface SignedInAdmin {
  readonly id: string;
  readonly name: string;
}

export function adminOf(v: SessionView | null): SignedInAdmin | null {
  return v && v.screen === 'composing' && v.clerk?.role === 'admin' ? { id: v.clerk.id, name: v.clerk.name } : null;
}

export function useAdminSignedIn(): SignedInAdmin | null {
  const [admin, setAdmin] = useState<SignedInAdmin | null>(null);
  useEffect(() => {
    const source = new EventSource(API_ROUTES.events);
    source.onmessage = (e: MessageEvent<string>) => {
      try {
        const next = adminOf(JSON.parse(e.data) as SessionView);
        setAdmin((prev) => (prev?.id === next?.id && prev?.name === next?.name ? prev : next));
      } catch {
        setAdmin(null);
      }
    };
    return () => source.close();
  }, []);
  return admin;
}
