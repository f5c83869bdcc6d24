// Runs the session machine with its effects bound to real parts (`.provide()`),
// takes events from the renderer (parsed, then allowed only where the current
// state handles them) and from core (integrity, carriers), and writes the
// viewing log.
import { randomUUID } from 'node:crypto';
import { assertEvent, createActor, type InspectionEvent, type Subscription } from 'xstate';
import type { AuthVerdict } from '../auth';
import type { Problem } from '../../shared/problem';
import { problem } from '../../shared/problem';
import type { IntegrityVerdict, RecordingRef, SessionCase, SessionView } from '../../shared/session-contract';
import { parseRendererEvent, type CoreEvent, type EffectEvent, type SessionEvent } from './events';
import { sessionMachine, type SessionConfig, type SessionContext } from './machine';
import { toView, type SessionSnapshot } from './view';
import { MediaGrants, type MediaGrant } from './media-grant';
import { ServedMedia, type ServedPiece } from './served-media';
import { hangPoint } from '../faults/hang-point';

/** How often, while a session plays, what was served so far is written to the log (it is written at the end too). */
export const SERVED_FLUSH_MS = 15_000;

/** Where the session writes. The viewing-log part implements it (tamper-evident, on disk). */
export interface SessionLog {
  append(type: SessionLogType, data: Record<string, unknown>): { seq: number };
  /**
   * The last session the log shows opened but never closed (the kiosk stopped
   * mid-session), or null. Asked once, when the service starts; the service
   * then appends its `session.closed` with reason `interrupted`.
   */
  lastOpenSession(): { sessionId: string } | null;
}

export type SessionLogType =
  | 'session.opened'
  | 'session.closed'
  | 'integrity.verdict'
  | 'playback.play'
  | 'playback.pause'
  | 'playback.seek'
  | 'playback.rate'
  | 'playback.select'
  | 'playback.ranges'
  | 'media.served'
  | 'document.served';

/** A document handed to the player: which, by name and hash, and how many bytes. */
export interface ServedDocument {
  readonly recording: RecordingRef;
  readonly name: string;
  readonly title: string | null;
  readonly sha256: string;
  readonly bytes: number;
}

/** What composing needs from the catalog. */
export interface SessionCatalog {
  /** A case by its signature (PL-3.6) or ЄУН (UA-5), with the recordings and versions that may be shown; null when none. */
  findCase(query: string): SessionCase | null;
}

export interface SessionVerifier {
  /** Checks each recording against its stored hashes (DC-4); one verdict per recording. */
  verify(recordings: RecordingRef[]): Promise<IntegrityVerdict[]>;
}

export interface SessionAuth {
  attempt(accountId: string, secret: string, context?: Record<string, unknown>): Promise<AuthVerdict>;
}

/**
 * An xstate clock (SimulatedClock fits) plus its time in milliseconds, so the
 * view can say how long the time allowed still runs. Monotonic: the session
 * limit, the idle timer and what the viewer is shown never follow a wall
 * clock that is set back or forward.
 */
export interface SessionClock {
  setTimeout(fn: () => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
  now(): number;
}

export interface SessionServiceDeps {
  readonly auth: SessionAuth;
  readonly verifier: SessionVerifier;
  readonly log: SessionLog;
  readonly catalog: SessionCatalog;
  readonly config: SessionConfig;
  /** A SimulatedClock in tests; the system clock otherwise. */
  readonly clock?: SessionClock;
  /** Session ids; random UUIDs unless given. */
  readonly newId?: () => string;
  /** xstate inspection (tests measure transition coverage with it). */
  readonly inspect?: (event: InspectionEvent) => void;
  /**
   * Asked before a session opens: a problem when the kiosk cannot keep a
   * viewing log safely (free space below the configured reserve); the clerk
   * is refused with it and nothing is opened.
   */
  readonly canOpen?: () => Problem | null;
}

export type SendResult = { readonly ok: true; readonly view: SessionView } | { readonly ok: false; readonly problem: Problem };

export interface SessionService {
  /** An event from the renderer: untrusted, parsed, and refused unless the current state handles it. */
  send(input: unknown): SendResult;
  /** An event from core (media server integrity failure, carrier hot-plug). */
  notify(event: CoreEvent): SendResult;
  getSnapshot(): SessionView;
  subscribe(listener: (view: SessionView) => void): () => void;
  /** Resolves when no effect (PIN check, lookup, verification) is still running. */
  settled(): Promise<void>;
  /** The open session found in the log at start and closed as `interrupted`, if any. */
  readonly recovered: { readonly sessionId: string } | null;
  /** Id of the session open now (for the media server to tie requests to it). */
  currentSessionId(): string | null;
  /**
   * The media grant behind `capability`, while the session it was issued to
   * may play (handover, viewing); null for any other token, and for this one
   * once the session has left those states.
   */
  mediaGrant(capability: string): MediaGrant | null;
  /**
   * The media route handed `piece` to the player holding `capability`: it is
   * counted for the session (bytes, and the timeline its segments cover) and
   * written to the log as `media.served` every SERVED_FLUSH_MS while the
   * session plays and when it ends. Ignored for a capability that is not live.
   */
  mediaServed(capability: string, piece: ServedPiece): void;
  /**
   * The media route is about to hand a document (the protocol) to the player
   * holding `capability`: written to the log as `document.served` at once.
   * False when the capability is not live or the entry could not be written:
   * then the document must not leave (a reading the log cannot show did not happen).
   */
  documentServed(capability: string, doc: ServedDocument): boolean;
  /** Closes an open session as `interrupted`, stops the machine and its timers. */
  dispose(): void;
}

const systemClock: SessionClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
};

const limitMs = (c: SessionContext): number => Math.min(c.minutes ?? c.config.maxSessionMin, c.config.maxSessionMin) * 60_000;

export function createSessionService(deps: SessionServiceDeps): SessionService {
  const clock = deps.clock ?? systemClock;
  const newId = deps.newId ?? randomUUID;
  const pending = new Set<Promise<unknown>>();
  const listeners = new Set<(view: SessionView) => void>();
  let sessionId: string | null = null;
  let disposed = false;
  let fault: string | null = null;
  let endsAt: number | null = null;
  let idleEndsAt: number | null = null;

  // A session the log shows open was cut off by a crash or power loss.
  const open = deps.log.lastOpenSession();
  const recovered = open ? { sessionId: open.sessionId } : null;
  if (recovered) deps.log.append('session.closed', { sessionId: recovered.sessionId, reason: 'interrupted', recovered: true });

  // Every entry the machine's actions write goes through here. A write that
  // fails (disk full, I/O error) must not throw inside the machine (that
  // would stop it, and the kiosk with it): the session fails closed instead.
  // Its media capability dies at once, and the machine is told to end the
  // session with reason `fault`, whose closing entry is written when the log
  // can take it (or closed as interrupted at the next start when it cannot).
  let faultQueued = false;
  const log: Pick<SessionLog, 'append'> = {
    append(type, data) {
      try {
        return deps.log.append(type, data);
      } catch (e) {
        reportFault(e instanceof Error ? e.message : String(e));
        return { seq: -1 };
      }
    },
  };
  function reportFault(message: string): void {
    grants.revoke();
    if (faultQueued) return;
    faultQueued = true;
    queueMicrotask(() => {
      faultQueued = false;
      if (!disposed && fault === null && actor.getSnapshot().can({ type: 'kiosk.fault', problem: message })) {
        actor.send({ type: 'kiosk.fault', problem: `the viewing log could not be written: ${message}` });
      }
    });
  }

  const withSession = (data: Record<string, unknown>): Record<string, unknown> => ({ sessionId, ...data });
  const current = (c: SessionContext): Record<string, unknown> =>
    c.current ? { identifier: c.current.identifier, version: c.current.version } : {};

  // Effects answer with an event. A newer request of the same kind
  // supersedes an older one, so a late answer (a verification of a session
  // the clerk already cancelled) never lands in a later session; nothing is
  // delivered after dispose.
  const latest = { pin: 0, lookup: 0, verify: 0 };
  // A sign-in whose log entry cannot be written (disk full, I/O error) is
  // refused: no one is let in unlogged, and the screen does not hang.
  const refuseOnFault = (): EffectEvent => ({ type: 'auth.verdict', ok: false, reason: 'fault' });
  // An effect that fails with no answer of its own (the catalog cannot be
  // read) fails closed like an action that threw: the service stops with the
  // fault shown, rather than a lookup stuck at 'pending' or a "not found" that
  // is not true. The promise kept in `pending` never rejects, so nothing is
  // left unhandled.
  function track(kind: keyof typeof latest, work: Promise<EffectEvent>, deliver: (e: EffectEvent) => void): void {
    const token = ++latest[kind];
    const p: Promise<void> = work
      .then((e) => {
        if (!disposed && token === latest[kind]) deliver(e);
      })
      .catch((err: unknown) => {
        if (disposed) return;
        failClosed(err);
        actor.stop();
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  }

  const machine = sessionMachine.provide({
    actions: {
      checkPin: ({ event, self }) => {
        assertEvent(event, 'clerk.pin');
        track(
          'pin',
          deps.auth.attempt(event.accountId, event.pin, { purpose: 'open-session' }).then((v) => ({ type: 'auth.verdict' as const, ...v }), refuseOnFault),
          (e) => self.send(e),
        );
      },
      checkEndPin: ({ event, self }) => {
        assertEvent(event, 'clerk.end');
        track(
          'pin',
          deps.auth
            .attempt(event.accountId, event.pin, withSession({ purpose: 'end-session' }))
            .then((v) => ({ type: 'auth.verdict' as const, ...v }), refuseOnFault),
          (e) => self.send(e),
        );
      },
      lookupCase: ({ event, self }) => {
        assertEvent(event, 'compose.case');
        const query = event.query;
        // The catalog and the viewing log are one SQLite database: a lookup
        // that throws has no answer, and track() fails the service closed.
        track(
          'lookup',
          Promise.resolve().then(() => ({ type: 'catalog.case' as const, query, found: deps.catalog.findCase(query) })),
          (e) => self.send(e),
        );
      },
      startVerification: ({ context, self }) => {
        const recordings = context.recordings.map((r) => ({ identifier: r.identifier, version: r.version }));
        track(
          'verify',
          deps.verifier.verify(recordings).then(
            (results) => ({ type: 'verify.result' as const, results }),
            // A verifier that cannot answer has not verified: block, with the reason.
            (err: unknown) => ({
              type: 'verify.result' as const,
              results: recordings.map((r) => ({ ...r, ok: false, problem: `verifier failed: ${err instanceof Error ? err.message : String(err)}` })),
            }),
          ),
          (e) => self.send(e),
        );
      },
      logSessionOpened: ({ context }) => {
        sessionId = newId();
        log.append('session.opened', {
          sessionId,
          clerk: context.clerk,
          viewer: context.viewer,
          // The proceedings number is logged beside the ЄУН, so the report names both as the case file does (UA-5).
          case: context.case
            ? { signature: context.case.signature, caseNumber: context.case.caseNumber, ...(context.case.proceedingsNumber ? { proceedingsNumber: context.case.proceedingsNumber } : {}) }
            : null,
          recordings: context.recordings,
          // PL-3.7: a superseded version shown, and why.
          ...(context.supersededReason !== null ? { supersededReason: context.supersededReason } : {}),
          minutesAllowed: context.minutes,
        });
        // The watchdog test's stuck service: a session is open and logged, then nothing turns.
        hangPoint('session.after-open');
      },
      logSessionClosed: ({ context }) => {
        // What was served goes into the log before the session's closing entry.
        flushServed();
        log.append(
          'session.closed',
          withSession({
            reason: context.endReason,
            problem: context.endProblem,
            language: context.language,
            played: context.played.map((p) => ({ identifier: p.identifier, version: p.version, ranges: p.ranges, seconds: p.seconds })),
          }),
        );
        sessionId = null;
      },
      logVerdicts: ({ event }) => {
        assertEvent(event, 'verify.result');
        for (const v of event.results) {
          log.append(
            'integrity.verdict',
            withSession({ phase: 'before-playback', identifier: v.identifier, version: v.version, ok: v.ok, problem: v.problem ?? null, sha256: v.sha256 ?? null }),
          );
        }
      },
      logIntegrityFailure: ({ event }) => {
        assertEvent(event, 'integrity.failed');
        log.append(
          'integrity.verdict',
          withSession({ phase: 'during-playback', identifier: event.identifier, version: event.version, ok: false, problem: event.problem }),
        );
      },
      logPlay: ({ context }) => {
        log.append('playback.play', withSession({ ...current(context), mediaTime: context.mediaTime, rate: context.rate }));
      },
      logPause: ({ context, event }) => {
        log.append(
          'playback.pause',
          withSession({ ...current(context), mediaTime: context.mediaTime, rate: context.rate, atEnd: event.type === 'media.ended' }),
        );
      },
      logSeek: ({ context, event }) => {
        assertEvent(event, 'viewer.seek');
        log.append('playback.seek', withSession({ ...current(context), from: context.mediaTime, to: event.mediaTime }));
      },
      logRate: ({ context }) => {
        log.append('playback.rate', withSession({ ...current(context), mediaTime: context.mediaTime, rate: context.rate }));
      },
      logSelect: ({ context }) => {
        log.append('playback.select', withSession({ ...current(context) }));
      },
      logPlayedRanges: ({ context }) => {
        const played = context.current
          ? context.played.find((p) => p.identifier === context.current?.identifier && p.version === context.current.version)
          : undefined;
        if (played) {
          log.append('playback.ranges', withSession({ identifier: played.identifier, version: played.version, ranges: played.ranges, seconds: played.seconds }));
        }
      },
    },
  });

  const actor = createActor(machine, { input: deps.config, clock, ...(deps.inspect ? { inspect: deps.inspect } : {}) });

  let wasViewing = false;
  const grants = new MediaGrants();
  // Media handed out under the live grant, and the timer that writes it while the session plays.
  const served = new ServedMedia();
  let servedTimer: unknown = null;
  function flushServed(): void {
    if (sessionId === null) return;
    for (const t of served.takeChanged()) {
      log.append('media.served', withSession({ identifier: t.identifier, version: t.version, ranges: t.ranges, seconds: t.seconds, bytes: t.bytes, requests: t.requests }));
    }
  }
  function stopServedFlush(): void {
    if (servedTimer !== null) clock.clearTimeout(servedTimer);
    servedTimer = null;
  }
  function scheduleServedFlush(): void {
    stopServedFlush();
    servedTimer = clock.setTimeout(() => {
      servedTimer = null;
      if (disposed || !grants.live) return;
      flushServed();
      scheduleServedFlush();
    }, SERVED_FLUSH_MS);
  }
  const extras = () => {
    const grant = grants.live;
    const left = (at: number | null): number | null => (at === null ? null : Math.max(0, Math.ceil((at - clock.now()) / 1000)));
    return { remainingSec: left(endsAt), idleRemainingSec: left(idleEndsAt), fault, sessionId, media: grant ? { capability: grant.capability } : null };
  };
  const view = (): SessionView => toView(actor.getSnapshot(), extras());
  // The capability lives exactly as long as the session may play: issued on
  // reaching handover with every recording verified, revoked on leaving
  // handover/viewing for any reason (ended, blocked, shutdown, a fault).
  const updateGrant = (snapshot: SessionSnapshot): void => {
    const mayPlay = fault === null && !disposed && (snapshot.matches({ open: 'handover' }) || snapshot.matches({ open: 'viewing' }));
    if (!mayPlay) {
      grants.revoke();
      stopServedFlush();
      return;
    }
    if (grants.live || sessionId === null) return;
    const chosen = snapshot.context.recordings;
    const recordings = snapshot.context.verdicts
      .filter((v) => v.ok && chosen.some((c) => c.identifier === v.identifier && c.version === v.version))
      .map((v) => ({ identifier: v.identifier, version: v.version, sha256: v.sha256 ?? '' }));
    // Wall time for the record; the session's own timing runs on the monotonic clock.
    grants.issue(sessionId, recordings, new Date().toISOString());
    served.clear();
    scheduleServedFlush();
  };
  const subscription: Subscription = actor.subscribe({
    next: (snapshot: SessionSnapshot) => {
      updateGrant(snapshot);
      const viewing = snapshot.matches({ open: 'viewing' });
      if (viewing && !wasViewing) endsAt = clock.now() + limitMs(snapshot.context);
      if (!viewing) endsAt = null;
      wasViewing = viewing;
      // The idle warning counts down to the time-out the machine has armed.
      const cfg = snapshot.context.config;
      if (!snapshot.context.idleWarned) idleEndsAt = null;
      else idleEndsAt ??= clock.now() + (cfg.idleTimeoutSec - cfg.idleWarningSec) * 1000;
      const v = view();
      for (const l of listeners) l(v);
    },
    // An action threw (not the log: its faults end the session, see `log`
    // above). Fail closed: the actor has stopped, nothing more can be viewed.
    error: failClosed,
  });
  function failClosed(err: unknown): void {
    if (fault !== null) return;
    fault = err instanceof Error ? err.message : String(err);
    grants.revoke();
    const v = view();
    for (const l of listeners) l(v);
  }
  actor.start();

  function deliver(event: SessionEvent, source: 'renderer' | 'core'): SendResult {
    if (disposed) return { ok: false, problem: problem(source, 'session.disposed', 'the session service has stopped') };
    if (fault !== null) return { ok: false, problem: problem(source, 'session.fault', `the session service has stopped: ${fault}`) };
    const snapshot = actor.getSnapshot();
    if (!snapshot.can(event)) {
      return {
        ok: false,
        problem: problem(source, 'session.event.not-allowed', `event ${event.type} is not allowed in state ${toView(snapshot, extras()).state}`),
      };
    }
    if (event.type === 'compose.confirm') {
      const refused = deps.canOpen?.() ?? null;
      if (refused) return { ok: false, problem: refused };
    }
    actor.send(event);
    return { ok: true, view: view() };
  }

  return {
    send(input: unknown): SendResult {
      const parsed = parseRendererEvent(input);
      return parsed.ok ? deliver(parsed.event, 'renderer') : { ok: false, problem: parsed.problem };
    },
    notify: (event) => deliver(event, 'core'),
    getSnapshot: view,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    recovered,
    currentSessionId: () => sessionId,
    mediaGrant: (capability) => (disposed || fault !== null ? null : grants.lookup(capability)),
    mediaServed(capability, piece) {
      if (disposed || fault !== null || grants.lookup(capability) === null) return;
      served.add(piece);
    },
    documentServed(capability, doc) {
      if (disposed || fault !== null || grants.lookup(capability) === null) return false;
      const { recording, ...rest } = doc;
      return log.append('document.served', withSession({ identifier: recording.identifier, version: recording.version, ...rest })).seq >= 0;
    },
    dispose() {
      if (disposed) return;
      if (fault === null && actor.getSnapshot().can({ type: 'kiosk.shutdown' })) actor.send({ type: 'kiosk.shutdown' });
      disposed = true;
      grants.revoke();
      stopServedFlush();
      subscription.unsubscribe();
      listeners.clear();
      actor.stop();
    },
  };
}
