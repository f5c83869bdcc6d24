// From machine snapshot to what the screens need (SessionView): plain data,
// no PIN, no account secrets, nothing the renderer could replay as authority.
import type { SnapshotFrom, StateValue } from 'xstate';
import { RENDERER_EVENT_TYPES, type RendererEventType, type SessionScreen, type SessionView } from '../../shared/session-contract';
import type { sessionMachine } from './machine';

export type SessionSnapshot = SnapshotFrom<typeof sessionMachine>;

/** `{ open: { viewing: 'paused' } }` → `open.viewing.paused`. */
export function statePath(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value)[0] ?? [];
  if (key === undefined) return '';
  return child === undefined ? key : `${key}.${statePath(child as StateValue)}`;
}

function screenOf(path: string): SessionScreen {
  const [top, second] = path.split('.');
  switch (top) {
    case 'locked':
    case 'authenticating':
    case 'composing':
    case 'blocked':
    case 'ended':
      return top;
    case 'open':
      if (second === 'verifying' || second === 'handover' || second === 'viewing') return second;
      break;
  }
  throw new Error(`no screen for state ${path}`);
}

const rendererTypes = new Set<string>(RENDERER_EVENT_TYPES);

export interface ViewExtras {
  /** Seconds left of the time allowed (monotonic clock), while viewing. */
  readonly remainingSec: number | null;
  /** Seconds left before the idle time-out (monotonic clock), while warned. */
  readonly idleRemainingSec: number | null;
  readonly fault: string | null;
  /** The open session's id (null when none is open). */
  readonly sessionId: string | null;
  /** The media capability while the session may play; null otherwise. */
  readonly media: { readonly capability: string } | null;
}

export function toView(snapshot: SessionSnapshot, extras: ViewExtras): SessionView {
  const c = snapshot.context;
  const path = statePath(snapshot.value);
  const accepts = new Set<RendererEventType>();
  for (const node of snapshot._nodes) {
    for (const type of node.ownEvents) if (rendererTypes.has(type)) accepts.add(type as RendererEventType);
  }
  const playbackStatus = path.startsWith('open.viewing.') ? (path.slice('open.viewing.'.length) as 'playing' | 'paused' | 'buffering') : null;
  return {
    screen: screenOf(path),
    state: path,
    accepts: [...accepts],
    clerk: c.clerk ? { id: c.clerk.id, name: c.clerk.name, role: c.clerk.role } : null,
    auth: { status: c.auth.status, retryAfterSec: c.auth.retryAfterSec },
    composition: {
      lookup: c.lookup,
      case: c.case,
      recordings: c.recordings,
      supersededReason: c.supersededReason,
      viewer: c.viewer,
      minutes: c.minutes,
      maxMinutes: c.config.maxSessionMin,
      complete: c.clerk !== null && c.case !== null && c.recordings.length > 0 && c.viewer !== null && c.minutes !== null,
    },
    verification: c.verdicts,
    playback: {
      status: playbackStatus,
      current: c.current,
      mediaTime: c.mediaTime,
      rate: c.rate,
      played: c.played,
      idleWarning: c.idleWarned,
      idleRemainingSec: c.idleWarned ? extras.idleRemainingSec : null,
      remainingSec: extras.remainingSec,
      endCheck: c.endCheck,
    },
    ended: (path === 'ended' || path === 'blocked') && c.endReason ? { reason: c.endReason, problem: c.endProblem } : null,
    fault: extras.fault,
    sessionId: extras.sessionId,
    media: extras.media,
  };
}
