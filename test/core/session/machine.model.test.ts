// Model-based tests of the review session: paths generated from the machine
// with xstate/graph, replayed against the real service (real Auth with scrypt,
// an array-backed viewing log, timers on a SimulatedClock), each step checked
// for the state reached and the log entries written.
import { afterAll, describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { createTestModel, getStateNodes } from 'xstate/graph';
import type { SessionEvent } from '../../../app/core/session/events';
import { sessionMachine } from '../../../app/core/session/machine';
import { createSessionService } from '../../../app/core/session/service';
import { statePath } from '../../../app/core/session/view';
import { RENDERER_EVENT_TYPES } from '../../../app/shared/session-contract';
import type {
  ArrayLog} from './model-fixtures';
import {
  SqliteLog,
  CASE_QUERY,
  CONFIG,
  MINUTES,
  MISSING_QUERY,
  PINS,
  SAMPLE_EVENTS,
  ScriptedVerifier,
  SteppingClock,
  makeAuth,
  memoryCatalog,
  modelKey,
  transitionKey,
  vertexKey,
  type Snapshot,
} from './model-fixtures';

interface ModelPath {
  readonly description: string;
  readonly steps: ReadonlyArray<{ readonly event: SessionEvent | { readonly type: 'xstate.init' }; readonly state: Snapshot }>;
}

const model = createTestModel(sessionMachine, {
  input: CONFIG,
  events: SAMPLE_EVENTS,
  // Only events the state handles: an ignored event is no step.
  filterEvents: (s, e) => s.can(e),
  serializeState: (s, e, prev) => vertexKey(s, e, prev),
});

// --- the paths ---------------------------------------------------------------

const shortest: ModelPath[] = model.getShortestPaths();

// Simple paths grow with the number of orderings, so they are generated phase
// by phase (authentication, composing, viewing), on states (not transitions),
// without the events that only refine a state (progress, seek, rate, activity,
// idle warning; the shortest paths take each of those), each joined to the
// shortest path that reaches the phase.
const NOISE = new Set(['media.progress', 'viewer.seek', 'viewer.rate', 'ui.activity', 'timer.idleWarning']);
const quiet = (s: Snapshot, e: SessionEvent): boolean => s.can(e) && !NOISE.has(e.type);
const byState = { serializeState: (s: Snapshot) => modelKey(s) };

function prefixTo(predicate: (s: Snapshot) => boolean): ModelPath {
  const found = model
    .getShortestPaths({ toState: predicate, allowDuplicatePaths: true })
    .sort((a, b) => a.steps.length - b.steps.length)[0];
  if (!found) throw new Error('no path to the phase');
  return found;
}

function join(head: ModelPath, tail: ModelPath): ModelPath {
  return { description: `${head.description} ⇒ ${tail.description}`, steps: [...head.steps, ...tail.steps.slice(1)] };
}

const simpleAuth: ModelPath[] = model.getSimplePaths({ ...byState, filterEvents: quiet, stopWhen: (s) => s.matches('composing') });
const toComposing = prefixTo((s) => s.matches('composing') && s.context.lookup === 'none');
const simpleCompose: ModelPath[] = model
  .getSimplePaths({
    ...byState,
    fromState: toComposing.steps[toComposing.steps.length - 1]?.state,
    filterEvents: (s, e) => quiet(s, e) && !e.type.startsWith('timer.') && e.type !== 'clerk.cancel',
    stopWhen: (s) => !s.matches('composing'),
  })
  .map((p) => join(toComposing, p));
const toHandover = prefixTo((s) => s.matches({ open: 'handover' }));
const simpleViewing: ModelPath[] = model
  .getSimplePaths({
    ...byState,
    fromState: toHandover.steps[toHandover.steps.length - 1]?.state,
    filterEvents: quiet,
    stopWhen: (s) => s.matches('ended') || s.matches('locked') || s.matches('blocked'),
  })
  .map((p) => join(toHandover, p));

// --- coverage bookkeeping -------------------------------------------------------

const reachedStates = new Set<string>();
const takenTransitions = new Set<string>();
function inspect(ev: InspectionEvent): void {
  if (ev.type !== '@xstate.microstep') return;
  for (const t of ev._transitions) takenTransitions.add(transitionKey(t));
  for (const n of (ev.snapshot as Snapshot)._nodes) reachedStates.add(n.id);
}

const allStateIds = [sessionMachine.root, ...getStateNodes(sessionMachine.root)].map((n) => n.id);
const allTransitionKeys = [sessionMachine.root, ...getStateNodes(sessionMachine.root)].flatMap((n) =>
  [...n.transitions.values()].flat().map(transitionKey),
);

// --- the replay -------------------------------------------------------------------

const rendererTypes = new Set<string>(RENDERER_EVENT_TYPES);
const isAuthEntry = (type: string): boolean => type.startsWith('auth.');
const TIMER_MS: Record<string, number> = {
  'timer.idleWarning': CONFIG.idleWarningSec * 1000,
  'timer.idleTimeout': CONFIG.idleTimeoutSec * 1000,
  'timer.sessionLimit': MINUTES * 60_000,
};

/**
 * The session and playback entries a step must write: an oracle written from
 * the issue, not from the machine. Auth entries are written when the PIN
 * check finishes (asynchronously) and are checked separately.
 */
function expectedEntries(prev: Snapshot, event: SessionEvent, next: Snapshot): string[] {
  const entered = (name: 'ended' | 'blocked'): boolean => next.matches(name) && !prev.matches(name);
  const base = ((): string[] => {
    switch (event.type) {
      case 'compose.confirm':
        return ['session.opened'];
      case 'verify.result':
        return event.results.map(() => 'integrity.verdict');
      case 'viewer.play':
        return ['playback.play'];
      case 'viewer.pause':
      case 'media.ended':
        return ['playback.pause', 'playback.ranges'];
      case 'viewer.seek':
        return ['playback.seek'];
      case 'viewer.rate':
        return ['playback.rate'];
      case 'viewer.select':
        return ['playback.ranges', 'playback.select'];
      case 'integrity.failed':
        return ['integrity.verdict'];
      default:
        return [];
    }
  })();
  return entered('ended') || entered('blocked') ? [...base, 'session.closed'] : base;
}

let sessionCounter = 0;

async function replay(path: ModelPath): Promise<void> {
  const clock = new SteppingClock();
  clock.set(Date.UTC(2025, 1, 7, 9, 0, 0));
  // Each path is replayed against the real viewing log on disk.
  const log = new SqliteLog();
  const auth = await makeAuth(clock, log);
  const verifier = new ScriptedVerifier();
  const service = createSessionService({
    auth,
    verifier,
    log,
    catalog: memoryCatalog,
    config: CONFIG,
    clock,
    newId: () => `session-${++sessionCounter}`,
    inspect,
  });
  let locked3 = false;
  let attempts = 0;
  for (const n of service.getSnapshot().state.split('.').reduce<string[]>((ids, part) => [...ids, `${ids.at(-1) ?? 'session'}.${part}`], [])) reachedStates.add(n);
  reachedStates.add('session');
  const where = (i: number): string => `step ${i} of: ${path.description}`;
  try {
    const first = path.steps[0];
    expect(service.getSnapshot().state, where(0)).toBe(first ? statePath(first.state.value) : 'locked');
    for (let i = 1; i < path.steps.length; i++) {
      const step = path.steps[i];
      const prevStep = path.steps[i - 1];
      if (!step || !prevStep || step.event.type === 'xstate.init') continue;
      const event = step.event as SessionEvent;
      const nextEvent = path.steps[i + 1]?.event as SessionEvent | undefined;
      // The answer to a PIN check or a lookup may come a few steps later.
      const answer = <T extends SessionEvent['type']>(type: T): Extract<SessionEvent, { type: T }> | undefined => {
        for (const later of path.steps.slice(i + 1)) {
          if (later.event.type === type) return later.event as Extract<SessionEvent, { type: T }>;
          if (later.event.type === event.type) return undefined;
        }
        return undefined;
      };
      const verdictNext = event.type === 'clerk.pin' || event.type === 'clerk.end' ? answer('auth.verdict') : undefined;

      // Make the real parts produce the answer the model's next step names.
      if ((event.type === 'clerk.pin' || event.type === 'clerk.end') && verdictNext && !verdictNext.ok && verdictNext.reason === 'locked' && !locked3) {
        const mark = log.entries.length;
        for (let k = 0; k < 5; k++) await auth.attempt(PINS.lockedAccount, PINS.wrong);
        expect(log.types(mark), where(i)).toEqual(['auth.failure', 'auth.failure', 'auth.failure', 'auth.failure', 'auth.failure', 'auth.lockout']);
        locked3 = true;
      }
      if (event.type === 'compose.confirm' && nextEvent?.type === 'verify.result') {
        const bad = nextEvent.results.find((r) => !r.ok);
        verifier.failNext = bad ? { identifier: bad.identifier, problem: bad.problem ?? 'failed' } : null;
      }

      const before = log.entries.length;
      if (rendererTypes.has(event.type)) {
        let toSend: unknown = event;
        if (event.type === 'clerk.pin' || event.type === 'clerk.end') {
          const credentials = !verdictNext || verdictNext.ok
            ? { accountId: PINS.clerk, pin: PINS.pin }
            : verdictNext.reason === 'locked'
              ? { accountId: PINS.lockedAccount, pin: PINS.wrong }
              : { accountId: PINS.clerk, pin: PINS.wrong };
          toSend = { type: event.type, ...credentials };
        } else if (event.type === 'compose.case') {
          const found = answer('catalog.case')?.found !== null;
          toSend = { type: event.type, query: found ? CASE_QUERY : MISSING_QUERY };
        }
        const result = service.send(toSend);
        expect(result.ok ? 'accepted' : result.problem.message, where(i)).toBe('accepted');
        if (event.type === 'clerk.pin' || event.type === 'clerk.end') attempts += 1;
      } else if (event.type === 'auth.verdict' || event.type === 'catalog.case' || event.type === 'verify.result') {
        await service.settled();
        if (event.type === 'auth.verdict') {
          const last = log.entries.filter((e) => e.type === 'auth.success' || e.type === 'auth.failure').at(-1);
          expect(last ? [last.type, last.data.reason ?? null] : null, where(i)).toEqual(
            event.ok ? ['auth.success', null] : ['auth.failure', event.reason],
          );
        }
      } else if (event.type.startsWith('timer.')) {
        expect(clock.elapse(TIMER_MS[event.type] ?? -1), `${where(i)}: no pending ${event.type}`).toBe(true);
      } else {
        const result = service.notify(event as Parameters<typeof service.notify>[0]);
        expect(result.ok, where(i)).toBe(true);
      }

      const view = service.getSnapshot();
      expect(view.state, where(i)).toBe(statePath(step.state.value));
      expect(log.types(before).filter((t) => !isAuthEntry(t)), where(i)).toEqual(expectedEntries(prevStep.state, event, step.state));
      if (view.screen === 'ended' || view.screen === 'blocked') {
        expect(view.ended?.reason, where(i)).toBe(step.state.context.endReason);
      }
      const closed = log.entries.slice(before).find((e) => e.type === 'session.closed');
      if (closed) expect(closed.data.reason, where(i)).toBe(step.state.context.endReason);
    }

    // Every PIN attempt is logged once, whenever its check finished.
    await service.settled();
    const attemptsLogged = log.entries.filter((e) => (e.type === 'auth.success' || e.type === 'auth.failure') && e.data.purpose !== undefined);
    expect(attemptsLogged.length, path.description).toBe(attempts);

    // A session still open at the end of the path is closed as interrupted.
    const openAtEnd = service.currentSessionId();
    const mark = log.entries.length;
    service.dispose();
    if (openAtEnd) expect(log.entries.slice(mark).map((e) => [e.type, e.data.reason]), path.description).toEqual([['session.closed', 'interrupted']]);
    checkSessions(log, path.description);
    expect(log.verify(), `${path.description}: the viewing log on disk verifies`).toBe(true);
  } finally {
    service.dispose();
  }
}

/** Every session opened is closed once, and everything between carries its id. */
function checkSessions(log: ArrayLog, description: string): void {
  let open: string | null = null;
  for (const e of log.entries) {
    if (e.type === 'session.opened') {
      expect(open, description).toBeNull();
      open = String(e.data.sessionId);
      expect(Object.keys(e.data.viewer as object).sort(), description).toEqual(['documentLast4', 'documentType', 'name', 'purpose']);
    } else if (e.type === 'session.closed') {
      expect(e.data.sessionId, description).toBe(open);
      open = null;
    } else if (e.type.startsWith('playback.') || e.type === 'integrity.verdict') {
      expect(e.data.sessionId, description).toBe(open);
    }
  }
  expect(open, description).toBeNull();
}

describe('review session, model-based', () => {
  let ran = 0;
  afterAll(() => {
    console.log(
      JSON.stringify({
        pathsReplayed: ran,
        shortest: shortest.length,
        simple: simpleAuth.length + simpleCompose.length + simpleViewing.length,
        states: `${allStateIds.filter((id) => reachedStates.has(id)).length}/${allStateIds.length}`,
        transitions: `${allTransitionKeys.filter((k) => takenTransitions.has(k)).length}/${allTransitionKeys.length}`,
      }),
    );
  });

  it('[DC-2] [DC-6] replays every shortest path against the service, checking states and log entries', async () => {
    expect(shortest.length).toBeGreaterThan(50);
    for (const p of shortest) await replay(p);
    ran += shortest.length;
  });

  it('[DC-2] [DC-6] replays the simple paths of authentication, composing and viewing', async () => {
    const simple = [...simpleAuth, ...simpleCompose, ...simpleViewing];
    expect(simpleCompose.length).toBeGreaterThan(10);
    expect(simpleViewing.length).toBeGreaterThan(10);
    for (const p of simple) await replay(p);
    ran += simple.length;
  });

  it('[DC-2] the replayed paths reach every state node and take every transition of the machine', () => {
    expect(allStateIds.length).toBeGreaterThan(10);
    expect(allTransitionKeys.length).toBeGreaterThan(40);
    expect(allStateIds.filter((id) => !reachedStates.has(id))).toEqual([]);
    expect(allTransitionKeys.filter((k) => !takenTransitions.has(k))).toEqual([]);
  });

  it('[DC-2] every way out of an open session goes through ended or blocked, which log its closing', () => {
    const openNode = sessionMachine.getStateNodeById('session.open');
    const inside = new Set([openNode, ...getStateNodes(openNode)]);
    const exits = [...inside]
      .flatMap((n) => [...n.transitions.values()].flat())
      .flatMap((t) => t.target ?? [])
      .filter((target) => !inside.has(target));
    expect(exits.length).toBeGreaterThan(5);
    expect(new Set(exits.map((t) => t.id))).toEqual(new Set(['session.ended', 'session.blocked']));
    for (const id of ['session.ended', 'session.blocked']) {
      const entry = sessionMachine.getStateNodeById(id).entry.map((a) => (typeof a === 'object' && a !== null && 'type' in a ? a.type : a));
      expect(entry).toContain('logSessionClosed');
    }
  });
});
