// The review session: the XState machine (the one authority on what may
// happen at the kiosk), its event catalog, and the service that runs it.
export { sessionMachine } from './machine';
export type { SessionConfig, SessionContext, SessionMachine } from './machine';
export { parseRendererEvent } from './events';
export type { CoreEvent, EffectEvent, ParseResult, SessionEvent, TimerEvent } from './events';
export { createSessionService, SERVED_FLUSH_MS } from './service';
export { ServedMedia, type ServedKind, type ServedPiece, type ServedTally } from './served-media';
export type {
  SendResult,
  SessionAuth,
  SessionCatalog,
  SessionClock,
  SessionLog,
  SessionLogType,
  SessionService,
  SessionServiceDeps,
  SessionVerifier,
} from './service';
export { statePath, toView } from './view';
export { addRange, progressStretch, totalSeconds, MAX_PROGRESS_STEP_SEC } from './ranges';
export { createKioskSessionService, findCase, verifyForPlayback, lastOpenSession, type KioskSessionOptions } from './kiosk-session';
