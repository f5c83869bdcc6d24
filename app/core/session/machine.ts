// The review session (DC-2): the one authority on what may happen at the
// kiosk. The renderer only sends events (events.ts) and shows snapshots.
//
//   locked ─clerk.begin→ authenticating ─pin ok→ composing ─compose.confirm→ open
//   open = verifying ─all verified→ handover ─viewerReady→ viewing{paused,playing,buffering}
//   verifying ─a failure→ blocked (session closed, reason shown) ─clerk.back→ composing
//   open ─viewer/clerk end, idle, time limit, integrity, carrier, shutdown→ ended ─summary.close→ locked
//
// Effects (PIN checks, catalog lookups, verification, the viewing log) are
// named actions with inert placeholders here; the service binds them with
// `.provide()`. Their answers come back as events (auth.verdict,
// catalog.case, verify.result), so every step is a transition of this machine
// and the graph tools can walk it. Timers are delayed `timer.*` events raised
// by the machine with its named delays and cancelled when they no longer apply.
import { assertEvent, assign, enqueueActions, setup } from 'xstate';
import type { AuthenticatedAccount } from '../auth';
import {
  PLAYBACK_RATES,
  type AuthStatus,
  type EndReason,
  type IntegrityVerdict,
  type PlayedRecording,
  type RecordingRef,
  type SessionCase,
  type ViewerDetails,
  type ViewerLanguage,
} from '../../shared/session-contract';
import type { SessionEvent } from './events';
import { addRange, progressStretch, totalSeconds } from './ranges';

export interface SessionConfig {
  readonly idleWarningSec: number;
  readonly idleTimeoutSec: number;
  readonly maxSessionMin: number;
}

export interface SessionContext {
  readonly config: SessionConfig;
  readonly clerk: AuthenticatedAccount | null;
  readonly auth: { readonly status: AuthStatus; readonly retryAfterSec: number | null };
  readonly lookup: 'none' | 'pending' | 'found' | 'not-found';
  readonly pendingQuery: string | null;
  readonly case: SessionCase | null;
  readonly recordings: readonly RecordingRef[];
  /** Why a superseded version was chosen (PL-3.7); null when none was. */
  readonly supersededReason: string | null;
  readonly viewer: ViewerDetails | null;
  readonly minutes: number | null;
  readonly verdicts: readonly IntegrityVerdict[];
  readonly current: RecordingRef | null;
  /** Last known media time of the current recording, seconds. */
  readonly mediaTime: number;
  readonly rate: number;
  readonly played: readonly PlayedRecording[];
  readonly idleWarned: boolean;
  /** A clerk's PIN check to end a running session. */
  readonly endCheck: 'none' | 'pending' | 'rejected' | 'locked';
  readonly endReason: EndReason | null;
  readonly endProblem: string | null;
  /** The language the viewer chose at handover; null when not said. */
  readonly language: ViewerLanguage | null;
}

const sameRef = (a: RecordingRef, b: RecordingRef): boolean => a.identifier === b.identifier && a.version === b.version;

function blankSession(config: SessionConfig): SessionContext {
  return {
    config,
    clerk: null,
    auth: { status: 'idle', retryAfterSec: null },
    lookup: 'none',
    pendingQuery: null,
    case: null,
    recordings: [],
    supersededReason: null,
    viewer: null,
    minutes: null,
    verdicts: [],
    current: null,
    mediaTime: 0,
    rate: 1,
    played: [],
    idleWarned: false,
    endCheck: 'none',
    endReason: null,
    endProblem: null,
    language: null,
  };
}

/** Context after media time moved from `context.mediaTime` to `to` while playing. */
function advanceTo(context: SessionContext, to: number): Partial<SessionContext> {
  const current = context.current;
  const stretch = progressStretch(context.mediaTime, to, context.rate);
  if (!current || !stretch) return { mediaTime: to };
  const played = context.played.map((p) => {
    if (!sameRef(p, current)) return p;
    const ranges = addRange(p.ranges, stretch[0], stretch[1]);
    return { ...p, ranges, seconds: totalSeconds(ranges) };
  });
  return { mediaTime: to, played };
}

/** A version a later one of the same case replaced (PL-3.7). */
const isSuperseded = (context: SessionContext, r: RecordingRef): boolean =>
  context.case?.recordings.some((c) => sameRef(c, r) && !!c.supersededBy) ?? false;

const mediaTimeOf = (event: SessionEvent): number | null => ('mediaTime' in event ? event.mediaTime : null);

interface TimerQueue {
  cancel(id: string): void;
  raise(event: { type: 'timer.idleWarning' | 'timer.idleTimeout' }, options: { id: string; delay: 'idleWarning' | 'idleTimeout' }): void;
}

/** (Re)starts the idle timers: a warning first, then the time-out. */
function armIdle(enqueue: TimerQueue): void {
  enqueue.cancel('idleWarning');
  enqueue.cancel('idleTimeout');
  enqueue.raise({ type: 'timer.idleWarning' }, { id: 'idleWarning', delay: 'idleWarning' });
  enqueue.raise({ type: 'timer.idleTimeout' }, { id: 'idleTimeout', delay: 'idleTimeout' });
}

/** Inert stand-in for an effect; the service provides the real one. */
const effect = (): void => undefined;

export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionConfig,
  },
  delays: {
    idleWarning: ({ context }) => context.config.idleWarningSec * 1000,
    idleTimeout: ({ context }) => context.config.idleTimeoutSec * 1000,
    sessionLimit: ({ context }) => Math.min(context.minutes ?? context.config.maxSessionMin, context.config.maxSessionMin) * 60_000,
  },
  guards: {
    pinAccepted: ({ event }) => event.type === 'auth.verdict' && event.ok,
    accountLocked: ({ event }) => event.type === 'auth.verdict' && !event.ok && event.reason === 'locked',
    caseFound: ({ context, event }) =>
      event.type === 'catalog.case' && context.lookup === 'pending' && event.query === context.pendingQuery && event.found !== null,
    caseNotFound: ({ context, event }) =>
      event.type === 'catalog.case' && context.lookup === 'pending' && event.query === context.pendingQuery && event.found === null,
    recordingsInCase: ({ context, event }) =>
      event.type === 'compose.recordings' &&
      context.case !== null &&
      event.recordings.length > 0 &&
      event.recordings.every((r) => context.case?.recordings.some((c) => sameRef(c, r))) &&
      new Set(event.recordings.map((r) => `${r.identifier}@${r.version}`)).size === event.recordings.length &&
      // A superseded version (PL-3.7) is shown only with a reason, which is logged.
      (!event.recordings.some((r) => isSuperseded(context, r)) || (event.supersededReason ?? '').trim() !== ''),
    timeWithinLimit: ({ context, event }) =>
      event.type === 'compose.time' && Number.isInteger(event.minutes) && event.minutes >= 1 && event.minutes <= context.config.maxSessionMin,
    compositionComplete: ({ context }) =>
      context.clerk !== null && context.case !== null && context.recordings.length > 0 && context.viewer !== null && context.minutes !== null,
    allVerified: ({ context, event }) =>
      event.type === 'verify.result' &&
      context.recordings.every((r) => event.results.some((v) => sameRef(v, r) && v.ok)) &&
      event.results.every((v) => v.ok),
    rateAllowed: ({ event }) => event.type === 'viewer.rate' && (PLAYBACK_RATES as readonly number[]).includes(event.rate),
    recordingInSession: ({ context, event }) =>
      event.type === 'viewer.select' && context.recordings.some((r) => sameRef(r, event)),
    endPinAccepted: ({ context, event }) => context.endCheck === 'pending' && event.type === 'auth.verdict' && event.ok,
    endCheckLocked: ({ context, event }) =>
      context.endCheck === 'pending' && event.type === 'auth.verdict' && !event.ok && event.reason === 'locked',
    endCheckRejected: ({ context, event }) => context.endCheck === 'pending' && event.type === 'auth.verdict' && !event.ok,
  },
  actions: {
    // --- effects, bound by the service -------------------------------------
    checkPin: effect,
    checkEndPin: effect,
    lookupCase: effect,
    startVerification: effect,
    logSessionOpened: effect,
    logSessionClosed: effect,
    logVerdicts: effect,
    logIntegrityFailure: effect,
    logPlay: effect,
    logPause: effect,
    logSeek: effect,
    logRate: effect,
    logSelect: effect,
    logPlayedRanges: effect,

    // --- timers --------------------------------------------------------------
    armIdleTimers: enqueueActions(({ enqueue }) => armIdle(enqueue)),
    disarmIdleTimers: enqueueActions(({ enqueue }) => {
      enqueue.cancel('idleWarning');
      enqueue.cancel('idleTimeout');
      enqueue.assign({ idleWarned: false });
    }),
    noteActivity: enqueueActions(({ enqueue }) => {
      enqueue.assign({ idleWarned: false });
      armIdle(enqueue);
    }),
    warnIdle: assign({ idleWarned: true }),
    armSessionLimit: enqueueActions(({ enqueue }) => {
      enqueue.cancel('sessionLimit');
      enqueue.raise({ type: 'timer.sessionLimit' }, { id: 'sessionLimit', delay: 'sessionLimit' });
    }),
    disarmSessionLimit: enqueueActions(({ enqueue }) => enqueue.cancel('sessionLimit')),

    // --- authentication ------------------------------------------------------
    resetSession: assign(({ context }) => blankSession(context.config)),
    noteAuthChecking: assign({ auth: { status: 'checking', retryAfterSec: null } }),
    acceptClerk: assign(({ event }) => {
      assertEvent(event, 'auth.verdict');
      return { clerk: event.ok ? event.account : null, auth: { status: 'idle' as const, retryAfterSec: null } };
    }),
    noteAuthLocked: assign(({ event }) => {
      assertEvent(event, 'auth.verdict');
      return { auth: { status: 'locked' as const, retryAfterSec: event.ok ? null : (event.retryAfterSec ?? null) } };
    }),
    noteAuthRejected: assign({ auth: { status: 'rejected', retryAfterSec: null } }),

    // --- composing -----------------------------------------------------------
    startLookup: assign(({ event }) => {
      assertEvent(event, 'compose.case');
      return { lookup: 'pending' as const, pendingQuery: event.query };
    }),
    takeCase: assign(({ context, event }) => {
      assertEvent(event, 'catalog.case');
      // A different case invalidates recordings chosen from the previous one.
      const same = context.case !== null && event.found !== null && context.case.signature === event.found.signature;
      return {
        lookup: 'found' as const,
        pendingQuery: null,
        case: event.found,
        recordings: same ? context.recordings : [],
        supersededReason: same ? context.supersededReason : null,
      };
    }),
    // A lookup that finds nothing forgets the case found before: its recordings must not stay choosable under "not found".
    noteCaseNotFound: assign({ lookup: 'not-found', pendingQuery: null, case: null, recordings: [], supersededReason: null }),
    takeRecordings: assign(({ context, event }) => {
      assertEvent(event, 'compose.recordings');
      const superseded = event.recordings.some((r) => isSuperseded(context, r));
      return {
        recordings: event.recordings.map((r) => ({ identifier: r.identifier, version: r.version })),
        supersededReason: superseded ? (event.supersededReason?.trim() ?? null) : null,
      };
    }),
    takeViewer: assign(({ event }) => {
      assertEvent(event, 'compose.viewer');
      // Exactly the four minimised fields, whatever else the event carried.
      const { name, documentType, documentLast4, purpose } = event;
      return { viewer: { name, documentType, documentLast4, purpose } };
    }),
    takeTime: assign(({ event }) => {
      assertEvent(event, 'compose.time');
      return { minutes: event.minutes };
    }),

    // --- verification --------------------------------------------------------
    takeVerdicts: assign(({ event }) => {
      assertEvent(event, 'verify.result');
      return { verdicts: [...event.results] };
    }),
    clearVerification: assign({ verdicts: [], endReason: null, endProblem: null }),

    // --- viewing -------------------------------------------------------------
    takeLanguage: assign(({ event }) => {
      assertEvent(event, 'handover.viewerReady');
      return { language: event.language ?? null };
    }),
    startViewing: assign(({ context }) => ({
      current: context.recordings[0] ?? null,
      mediaTime: 0,
      rate: 1,
      played: context.recordings.map((r) => ({ identifier: r.identifier, version: r.version, ranges: [], seconds: 0 })),
      endCheck: 'none' as const,
    })),
    takePlay: assign(({ event }) => ({ mediaTime: mediaTimeOf(event) ?? 0 })),
    mergePlayedRange: assign(({ context, event }) => {
      const to = mediaTimeOf(event);
      return to === null ? {} : advanceTo(context, to);
    }),
    takePosition: assign(({ context, event }) => ({ mediaTime: mediaTimeOf(event) ?? context.mediaTime })),
    takeSeek: assign(({ event }) => {
      assertEvent(event, 'viewer.seek');
      return { mediaTime: event.mediaTime };
    }),
    takeRate: assign(({ event }) => {
      assertEvent(event, 'viewer.rate');
      return { rate: event.rate };
    }),
    selectRecording: assign(({ event }) => {
      assertEvent(event, 'viewer.select');
      return { current: { identifier: event.identifier, version: event.version }, mediaTime: 0 };
    }),
    noteEndCheck: assign({ endCheck: 'pending' }),
    noteEndRejected: assign({ endCheck: 'rejected' }),
    noteEndLocked: assign({ endCheck: 'locked' }),

    // --- ending --------------------------------------------------------------
    endByViewer: assign({ endReason: 'viewer' }),
    endByClerk: assign({ endReason: 'clerk' }),
    endForIdle: assign({ endReason: 'idle' }),
    endForTimeLimit: assign({ endReason: 'time-limit' }),
    endForIntegrity: assign({ endReason: 'integrity' }),
    endForCarrier: assign({ endReason: 'carrier' }),
    endInterrupted: assign({ endReason: 'interrupted' }),
    endForFault: assign(({ event }) => {
      assertEvent(event, 'kiosk.fault');
      return { endReason: 'fault' as const, endProblem: event.problem };
    }),
    noteIntegrityProblem: assign(({ event }) => {
      if (event.type === 'integrity.failed') return { endProblem: `${event.identifier} v${event.version}: ${event.problem}` };
      if (event.type === 'verify.result') {
        const bad = event.results.filter((v) => !v.ok);
        return { endProblem: bad.map((v) => `${v.identifier} v${v.version}: ${v.problem ?? 'failed'}`).join('; ') || 'not every recording was verified' };
      }
      return {};
    }),
    noteCarrier: assign(({ event }) => {
      assertEvent(event, ['carrier.inserted', 'carrier.removed']);
      return { endProblem: `${event.type === 'carrier.inserted' ? 'carrier inserted' : 'carrier removed'}: ${event.device}` };
    }),
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => blankSession(input),
  initial: 'locked',
  states: {
    locked: {
      entry: 'resetSession',
      on: { 'clerk.begin': { target: 'authenticating' } },
    },
    authenticating: {
      entry: 'armIdleTimers',
      exit: 'disarmIdleTimers',
      initial: 'awaitingPin',
      on: {
        'clerk.cancel': { target: 'locked' },
        'timer.idleWarning': { actions: 'warnIdle' },
        'timer.idleTimeout': { target: 'locked' },
        'ui.activity': { actions: 'noteActivity' },
      },
      states: {
        awaitingPin: {
          on: { 'clerk.pin': { target: 'checking', actions: ['noteAuthChecking', 'checkPin'] } },
        },
        checking: {
          on: {
            'auth.verdict': [
              { guard: 'pinAccepted', target: '#session.composing', actions: 'acceptClerk' },
              { guard: 'accountLocked', target: 'awaitingPin', actions: 'noteAuthLocked' },
              { target: 'awaitingPin', actions: 'noteAuthRejected' },
            ],
          },
        },
      },
    },
    composing: {
      entry: 'armIdleTimers',
      exit: 'disarmIdleTimers',
      on: {
        'compose.case': { actions: ['startLookup', 'lookupCase', 'noteActivity'] },
        'catalog.case': [
          { guard: 'caseFound', actions: 'takeCase' },
          { guard: 'caseNotFound', actions: 'noteCaseNotFound' },
        ],
        'compose.recordings': { guard: 'recordingsInCase', actions: ['takeRecordings', 'noteActivity'] },
        'compose.viewer': { actions: ['takeViewer', 'noteActivity'] },
        'compose.time': { guard: 'timeWithinLimit', actions: ['takeTime', 'noteActivity'] },
        'compose.confirm': { guard: 'compositionComplete', target: 'open' },
        'clerk.cancel': { target: 'locked' },
        'timer.idleWarning': { actions: 'warnIdle' },
        'timer.idleTimeout': { target: 'locked' },
        'ui.activity': { actions: 'noteActivity' },
      },
    },
    // A session is open: it is in the viewing log from here until `ended`
    // (or `blocked`) logs its closing. Every way out goes through one of those two.
    open: {
      entry: 'logSessionOpened',
      initial: 'verifying',
      on: {
        'kiosk.shutdown': { target: 'ended', actions: 'endInterrupted' },
        'kiosk.fault': { target: 'ended', actions: 'endForFault' },
      },
      states: {
        verifying: {
          entry: 'startVerification',
          on: {
            'verify.result': [
              { guard: 'allVerified', target: 'handover', actions: ['takeVerdicts', 'logVerdicts'] },
              {
                target: '#session.blocked',
                actions: ['takeVerdicts', 'logVerdicts', 'endForIntegrity', 'noteIntegrityProblem'],
              },
            ],
            'clerk.cancel': { target: '#session.ended', actions: 'endByClerk' },
          },
        },
        handover: {
          entry: 'armIdleTimers',
          exit: 'disarmIdleTimers',
          on: {
            'handover.viewerReady': { target: 'viewing', actions: 'takeLanguage' },
            'clerk.cancel': { target: '#session.ended', actions: 'endByClerk' },
            // The player may already load media here (the capability exists from handover on).
            'integrity.failed': {
              target: '#session.ended',
              actions: ['logIntegrityFailure', 'endForIntegrity', 'noteIntegrityProblem'],
            },
            'timer.idleWarning': { actions: 'warnIdle' },
            'timer.idleTimeout': { target: '#session.ended', actions: 'endForIdle' },
            'ui.activity': { actions: 'noteActivity' },
          },
        },
        viewing: {
          entry: ['startViewing', 'armSessionLimit'],
          exit: 'disarmSessionLimit',
          initial: 'paused',
          on: {
            'viewer.seek': { actions: ['logSeek', 'takeSeek'] },
            'viewer.rate': { guard: 'rateAllowed', actions: ['takeRate', 'logRate'] },
            'viewer.select': { guard: 'recordingInSession', target: '.paused', actions: ['logPlayedRanges', 'selectRecording', 'logSelect'] },
            'viewer.end': { target: '#session.ended', actions: 'endByViewer' },
            'clerk.end': { actions: ['noteEndCheck', 'checkEndPin'] },
            'auth.verdict': [
              { guard: 'endPinAccepted', target: '#session.ended', actions: 'endByClerk' },
              { guard: 'endCheckLocked', actions: 'noteEndLocked' },
              { guard: 'endCheckRejected', actions: 'noteEndRejected' },
            ],
            'integrity.failed': {
              target: '#session.ended',
              actions: ['logIntegrityFailure', 'endForIntegrity', 'noteIntegrityProblem'],
            },
            'carrier.inserted': { target: '#session.ended', actions: ['endForCarrier', 'noteCarrier'] },
            'carrier.removed': { target: '#session.ended', actions: ['endForCarrier', 'noteCarrier'] },
            'timer.sessionLimit': { target: '#session.ended', actions: 'endForTimeLimit' },
          },
          states: {
            // Idle timers run only while nothing plays: a viewer watching a
            // long recording without touching the screen is not idle.
            paused: {
              entry: 'armIdleTimers',
              exit: 'disarmIdleTimers',
              on: {
                'viewer.play': { target: 'playing', actions: ['takePlay', 'logPlay'] },
                'ui.activity': { actions: 'noteActivity' },
                'timer.idleWarning': { actions: 'warnIdle' },
                'timer.idleTimeout': { target: '#session.ended', actions: 'endForIdle' },
              },
            },
            playing: {
              on: {
                'viewer.pause': { target: 'paused', actions: ['mergePlayedRange', 'logPause', 'logPlayedRanges'] },
                'media.progress': { actions: 'mergePlayedRange' },
                'media.buffering': { target: 'buffering', actions: 'mergePlayedRange' },
                'media.ended': { target: 'paused', actions: ['mergePlayedRange', 'logPause', 'logPlayedRanges'] },
              },
            },
            buffering: {
              on: {
                'media.resumed': { target: 'playing', actions: 'takePosition' },
                'viewer.pause': { target: 'paused', actions: ['takePosition', 'logPause', 'logPlayedRanges'] },
              },
            },
          },
        },
      },
    },
    // Verification failed: the session is closed with the reason shown; the
    // clerk (still authenticated) may go back and choose other recordings.
    blocked: {
      entry: ['logSessionClosed', 'armIdleTimers'],
      exit: 'disarmIdleTimers',
      on: {
        'clerk.back': { target: 'composing', actions: 'clearVerification' },
        'clerk.cancel': { target: 'locked' },
        'timer.idleWarning': { actions: 'warnIdle' },
        'timer.idleTimeout': { target: 'locked' },
        'ui.activity': { actions: 'noteActivity' },
      },
    },
    // The summary. Everything the viewer saw is in context.played.
    ended: {
      entry: ['logSessionClosed', 'armIdleTimers'],
      exit: 'disarmIdleTimers',
      on: {
        'summary.close': { target: 'locked' },
        'timer.idleWarning': { actions: 'warnIdle' },
        'timer.idleTimeout': { target: 'locked' },
        'ui.activity': { actions: 'noteActivity' },
      },
    },
  },
});

export type SessionMachine = typeof sessionMachine;
