// Small helpers of the player: clock text, and the session view's media fields.
import type { SessionView } from '../../../shared/session-contract';

/** h:mm:ss or m:ss for a media position or a time left. */
export function clock(totalSec: number): string {
  const s = Math.max(0, Math.floor(Number.isFinite(totalSec) ? totalSec : 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** The media capability core hands out while this session may play; null otherwise. */
export function mediaCapabilityOf(view: SessionView): string | null {
  return view.media?.capability ?? null;
}

export function sessionIdOf(view: SessionView): string | null {
  return view.sessionId;
}
