// Whether the session machine shows an administrator signed in (composing):
// the one condition under which core opens /api/admin/*. Follows the
// session view the App already follows, so signing in or out switches the screen at once.
import type { SessionView } from '../../../shared/session-contract';

export interface SignedInAdmin {
  readonly id: string;
  readonly name: string;
}

export function adminOf(v: SessionView | null): SignedInAdmin | null {
  return v && v.screen === 'composing' && v.clerk?.role === 'admin' ? { id: v.clerk.id, name: v.clerk.name } : null;
}
