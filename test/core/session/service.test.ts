import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createSessionService, SERVED_FLUSH_MS, type SessionCatalog, type SessionService } from '../../../app/core/session/service';
import type { SessionView } from '../../../app/shared/session-contract';
import { ArrayLog, CASE_QUERY, CHOSEN, CONFIG, PINS, SUPERSEDED, ScriptedVerifier, makeAuth, memoryCatalog } from './model-fixtures';
import { problem, type Problem } from '../../../app/shared/problem';

interface Rig {
  service: SessionService;
  log: ArrayLog;
  clock: SimulatedClock;
  verifier: ScriptedVerifier;
  views: SessionView[];
}

async function rig(options: { open?: { sessionId: string } | null; minutes?: number; log?: ArrayLog; catalog?: SessionCatalog; canOpen?: () => Problem | null } = {}): Promise<Rig> {
  const clock = new SimulatedClock();
  clock.set(Date.UTC(2025, 1, 7, 9, 0, 0));
  const log = options.log ?? new ArrayLog(options.open ?? null);
  const verifier = new ScriptedVerifier();
  const service = createSessionService({
    auth: await makeAuth(clock, log),
    verifier,
    log,
    catalog: options.catalog ?? memoryCatalog,
    config: CONFIG,
    clock,
    newId: () => 'session-1',
    ...(options.canOpen ? { canOpen: options.canOpen } : {}),
  });
  const views: SessionView[] = [];
  service.subscribe((v) => views.push(v));
  return { service, log, clock, verifier, views };
}

function ok(service: SessionService, event: unknown): SessionView {
  const r = service.send(event);
  if (!r.ok) throw new Error(`refused ${JSON.stringify(event)}: ${r.problem.message}`);
  return r.view;
}

/** Waits (on real time, briefly) until the view satisfies `pred`; for effects settled() cannot wait on. */
async function until(service: SessionService, pred: (v: SessionView) => boolean): Promise<void> {
  for (let i = 0; i < 400 && !pred(service.getSnapshot()); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(pred(service.getSnapshot())).toBe(true);
}

const VIEWER = { name: 'Jan Nowak', documentType: 'id-card', documentLast4: 'ab12', purpose: 'Wgląd w nagranie czynności' } as const;

async function toViewing(r: Rig, minutes = 1): Promise<void> {
  await toComposed(r, minutes);
  ok(r.service, { type: 'compose.confirm' });
  await r.service.settled();
  ok(r.service, { type: 'handover.viewerReady' });
  expect(r.service.getSnapshot().state).toBe('open.viewing.paused');
}

/** Signed in and composed, up to (not including) compose.confirm. */
async function toComposed(r: Rig, minutes: number): Promise<void> {
  ok(r.service, { type: 'clerk.begin' });
  ok(r.service, { type: 'clerk.pin', accountId: PINS.clerk, pin: PINS.pin });
  await r.service.settled();
  ok(r.service, { type: 'compose.case', query: CASE_QUERY });
  await r.service.settled();
  ok(r.service, { type: 'compose.recordings', recordings: CHOSEN });
  ok(r.service, { type: 'compose.viewer', ...VIEWER });
  ok(r.service, { type: 'compose.time', minutes });
}

const CAPABILITY = /^([A-Za-z0-9_-]{43})$/;

describe('session service', () => {
  it('[UA-5] [DC-2] a lookup that finds nothing forgets the case found before: none of its recordings stays chosen, and the session cannot be confirmed for it', async () => {
    const r = await rig();
    await toComposed(r, 5);
    expect(r.service.getSnapshot().composition.recordings).toEqual(CHOSEN);
    ok(r.service, { type: 'compose.case', query: 'XX 999/99' });
    await r.service.settled();
    const v = r.service.getSnapshot();
    expect(v.composition).toMatchObject({ lookup: 'not-found', case: null, recordings: [] });
    expect(r.service.send({ type: 'compose.confirm' }).ok).toBe(false);
    expect(r.log.entries.some((e) => e.type === 'session.opened')).toBe(false);
    r.service.dispose();
  });

  it('[PL-3.7] [defect 4] a superseded version is chosen only with a reason, which the session.opened entry records', async () => {
    const r = await rig();
    await toComposed(r, 5);
    const refused = r.service.send({ type: 'compose.recordings', recordings: [...CHOSEN, SUPERSEDED] });
    expect(refused.ok).toBe(false);
    expect(r.service.send({ type: 'compose.recordings', recordings: [SUPERSEDED], supersededReason: '  ' }).ok).toBe(false);
    const reason = 'porównanie z wersją zmienioną na wniosek pełnomocnika';
    const v = ok(r.service, { type: 'compose.recordings', recordings: [...CHOSEN, SUPERSEDED], supersededReason: reason });
    expect(v.composition.supersededReason).toBe(reason);
    // Choosing current versions only clears the reason.
    expect(ok(r.service, { type: 'compose.recordings', recordings: CHOSEN }).composition.supersededReason).toBeNull();
    ok(r.service, { type: 'compose.recordings', recordings: [...CHOSEN, SUPERSEDED], supersededReason: reason });
    ok(r.service, { type: 'compose.confirm' });
    await r.service.settled();
    expect(r.log.entries.find((e) => e.type === 'session.opened')?.data).toMatchObject({ supersededReason: reason });
    r.service.dispose();
  });

  it('[DC-5] issues a media capability at handover for the verified recordings and revokes it the moment the session ends', async () => {
    const r = await rig();
    ok(r.service, { type: 'clerk.begin' });
    ok(r.service, { type: 'clerk.pin', accountId: PINS.clerk, pin: PINS.pin });
    await r.service.settled();
    ok(r.service, { type: 'compose.case', query: CASE_QUERY });
    await r.service.settled();
    ok(r.service, { type: 'compose.recordings', recordings: CHOSEN });
    ok(r.service, { type: 'compose.viewer', ...VIEWER });
    ok(r.service, { type: 'compose.time', minutes: 5 });
    const composing = ok(r.service, { type: 'compose.confirm' });
    expect(composing.media).toBeNull();
    expect(composing.sessionId).toBe('session-1');
    await r.service.settled();
    const handover = r.service.getSnapshot();
    expect(handover.screen).toBe('handover');
    const cap = CAPABILITY.exec(handover.media?.capability ?? '')?.[1];
    expect(cap).toBeDefined();
    const grant = r.service.mediaGrant(cap!);
    expect(grant?.sessionId).toBe('session-1');
    expect(grant?.recordings.map((g) => ({ identifier: g.identifier, version: g.version }))).toEqual(CHOSEN);
    expect(grant?.recordings.every((g) => /^[0-9a-f]{64}$/.test(g.sha256))).toBe(true);
    expect(r.service.mediaGrant(cap!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')))).toBeNull();
    const viewing = ok(r.service, { type: 'handover.viewerReady', language: 'uk' });
    expect(viewing.media?.capability).toBe(handover.media?.capability);
    const ended = ok(r.service, { type: 'viewer.end' });
    expect(ended.media).toBeNull();
    expect(ended.sessionId).toBeNull();
    expect(r.service.mediaGrant(cap!)).toBeNull();
    expect(r.log.entries.at(-1)).toMatchObject({ type: 'session.closed', data: { reason: 'viewer', language: 'uk' } });
    ok(r.service, { type: 'summary.close' });
    r.service.dispose();
  });

  it('[DC-5] a blocked session gets no capability, and a new session never revives an old one', async () => {
    const r = await rig();
    r.verifier.failNext = { identifier: CHOSEN[1]!.identifier, problem: 'chunk 3: hash mismatch' };
    ok(r.service, { type: 'clerk.begin' });
    ok(r.service, { type: 'clerk.pin', accountId: PINS.clerk, pin: PINS.pin });
    await r.service.settled();
    ok(r.service, { type: 'compose.case', query: CASE_QUERY });
    await r.service.settled();
    ok(r.service, { type: 'compose.recordings', recordings: CHOSEN });
    ok(r.service, { type: 'compose.viewer', ...VIEWER });
    ok(r.service, { type: 'compose.time', minutes: 5 });
    ok(r.service, { type: 'compose.confirm' });
    await r.service.settled();
    expect(r.service.getSnapshot().screen).toBe('blocked');
    expect(r.service.getSnapshot().media).toBeNull();
    ok(r.service, { type: 'clerk.back' });
    ok(r.service, { type: 'compose.recordings', recordings: [CHOSEN[0]] });
    ok(r.service, { type: 'compose.confirm' });
    await r.service.settled();
    const first = CAPABILITY.exec(r.service.getSnapshot().media?.capability ?? '')?.[1];
    expect(first).toBeDefined();
    expect(r.service.mediaGrant(first!)?.recordings.map((g) => g.identifier)).toEqual([CHOSEN[0]!.identifier]);
    ok(r.service, { type: 'clerk.cancel' });
    expect(r.service.mediaGrant(first!)).toBeNull();
    r.service.dispose();
  });

  it('[DC-2] an integrity failure reported at handover (the player may already load) ends the session and revokes its capability', async () => {
    const r = await rig();
    ok(r.service, { type: 'clerk.begin' });
    ok(r.service, { type: 'clerk.pin', accountId: PINS.clerk, pin: PINS.pin });
    await r.service.settled();
    ok(r.service, { type: 'compose.case', query: CASE_QUERY });
    await r.service.settled();
    ok(r.service, { type: 'compose.recordings', recordings: CHOSEN });
    ok(r.service, { type: 'compose.viewer', ...VIEWER });
    ok(r.service, { type: 'compose.time', minutes: 5 });
    ok(r.service, { type: 'compose.confirm' });
    await r.service.settled();
    const cap = CAPABILITY.exec(r.service.getSnapshot().media?.capability ?? '')?.[1];
    expect(cap).toBeDefined();
    expect(r.service.notify({ type: 'integrity.failed', identifier: CHOSEN[0]!.identifier, version: CHOSEN[0]!.version, problem: 'chunk 2: tag mismatch' }).ok).toBe(true);
    const v = r.service.getSnapshot();
    expect(v.ended?.reason).toBe('integrity');
    expect(v.media).toBeNull();
    expect(r.service.mediaGrant(cap!)).toBeNull();
    expect(r.log.types().slice(-2)).toEqual(['integrity.verdict', 'session.closed']);
    r.service.dispose();
  });

  it('[Q-4] refuses a viewer language the kiosk does not offer', async () => {
    const r = await rig();
    const res = r.service.send({ type: 'handover.viewerReady', language: 'de' });
    expect(res.ok).toBe(false);
    r.service.dispose();
  });

  it('[DC-2] [DC-6] runs a whole session and logs what was played, merged, with media times', async () => {
    const r = await rig();
    await toViewing(r, 10);
    const opened = r.log.entries.find((e) => e.type === 'session.opened');
    expect(opened?.data).toMatchObject({
      sessionId: 'session-1',
      clerk: { id: 'clerk-1', role: 'clerk' },
      viewer: { ...VIEWER, documentLast4: 'AB12' },
      case: { signature: CASE_QUERY },
      minutesAllowed: 10,
    });
    const mark = r.log.entries.length;
    ok(r.service, { type: 'viewer.play', mediaTime: 0 });
    for (const t of [1, 2, 3, 4]) ok(r.service, { type: 'media.progress', mediaTime: t });
    ok(r.service, { type: 'viewer.seek', mediaTime: 60 });
    ok(r.service, { type: 'media.progress', mediaTime: 61 });
    ok(r.service, { type: 'viewer.rate', rate: 1.5 });
    ok(r.service, { type: 'media.progress', mediaTime: 62.5 });
    ok(r.service, { type: 'media.progress', mediaTime: 2 }); // a jump back without a seek adds nothing
    ok(r.service, { type: 'media.progress', mediaTime: 3.5 });
    ok(r.service, { type: 'viewer.pause', mediaTime: 3.5 });
    const view = ok(r.service, { type: 'viewer.end' });

    expect(view.screen).toBe('ended');
    expect(view.ended).toEqual({ reason: 'viewer', problem: null });
    const first = view.playback.played[0];
    expect(first?.ranges).toEqual([
      [0, 4],
      [60, 62.5],
    ]);
    expect(first?.seconds).toBe(6.5);
    expect(r.log.entries.slice(mark).map((e) => [e.type, e.data])).toEqual([
      ['playback.play', { sessionId: 'session-1', identifier: 'VKZ-2025-0001', version: 0, mediaTime: 0, rate: 1 }],
      ['playback.seek', { sessionId: 'session-1', identifier: 'VKZ-2025-0001', version: 0, from: 4, to: 60 }],
      ['playback.rate', { sessionId: 'session-1', identifier: 'VKZ-2025-0001', version: 0, mediaTime: 61, rate: 1.5 }],
      ['playback.pause', { sessionId: 'session-1', identifier: 'VKZ-2025-0001', version: 0, mediaTime: 3.5, rate: 1.5, atEnd: false }],
      ['playback.ranges', { sessionId: 'session-1', identifier: 'VKZ-2025-0001', version: 0, ranges: [[0, 4], [60, 62.5]], seconds: 6.5 }],
      [
        'session.closed',
        {
          sessionId: 'session-1',
          reason: 'viewer',
          problem: null,
          language: null,
          played: [
            { identifier: 'VKZ-2025-0001', version: 0, ranges: [[0, 4], [60, 62.5]], seconds: 6.5 },
            { identifier: 'VKZ-2025-0002', version: 1, ranges: [], seconds: 0 },
          ],
        },
      ],
    ]);
    ok(r.service, { type: 'summary.close' });
    expect(r.service.getSnapshot().screen).toBe('locked');
    expect(r.service.getSnapshot().composition.viewer).toBeNull();
    r.service.dispose();
  });

  it('[DC-2] warns after idleWarningSec and ends after idleTimeoutSec of no input while paused (SimulatedClock)', async () => {
    const r = await rig();
    await toViewing(r, 10);
    r.clock.increment(CONFIG.idleWarningSec * 1000 - 1);
    expect(r.service.getSnapshot().playback.idleWarning).toBe(false);
    r.clock.increment(1);
    expect(r.service.getSnapshot().playback.idleWarning).toBe(true);
    // The warning counts down to the time-out (defect 3).
    expect(r.service.getSnapshot().playback.idleRemainingSec).toBe(CONFIG.idleTimeoutSec - CONFIG.idleWarningSec);
    ok(r.service, { type: 'ui.activity' }); // a touch restarts both timers
    expect(r.service.getSnapshot().playback.idleWarning).toBe(false);
    expect(r.service.getSnapshot().playback.idleRemainingSec).toBeNull();
    r.clock.increment(CONFIG.idleTimeoutSec * 1000 - 1);
    expect(r.service.getSnapshot().state).toBe('open.viewing.paused');
    r.clock.increment(1);
    expect(r.service.getSnapshot().ended?.reason).toBe('idle');
    expect(r.log.entries.at(-1)).toMatchObject({ type: 'session.closed', data: { reason: 'idle' } });
    r.service.dispose();
  });

  it('[DC-2] is not idle while playing, and ends at the time allowed (SimulatedClock)', async () => {
    const r = await rig();
    await toViewing(r, 2);
    expect(r.service.getSnapshot().playback.remainingSec).toBe(120);
    ok(r.service, { type: 'viewer.play', mediaTime: 0 });
    r.clock.increment(30_000);
    expect(r.service.getSnapshot().playback.remainingSec).toBe(90);
    r.clock.increment(90_000 - 1);
    expect(r.service.getSnapshot().playback.remainingSec).toBe(1);
    expect(r.service.getSnapshot().state).toBe('open.viewing.playing');
    r.clock.increment(1);
    const view = r.service.getSnapshot();
    expect(view.ended?.reason).toBe('time-limit');
    expect(view.playback.remainingSec).toBeNull();
    r.service.dispose();
  });

  it('[DC-1] ends a running session only with a deliberate clerk.end and a valid PIN', async () => {
    const r = await rig();
    await toViewing(r);
    // The viewer cannot simply cancel: clerk.cancel is not an event of viewing.
    const cancel = r.service.send({ type: 'clerk.cancel' });
    expect(cancel.ok ? null : cancel.problem.rule).toBe('session.event.not-allowed');

    ok(r.service, { type: 'clerk.end', accountId: PINS.clerk, pin: PINS.wrong });
    expect(r.service.getSnapshot().playback.endCheck).toBe('pending');
    await r.service.settled();
    expect(r.service.getSnapshot().state).toBe('open.viewing.paused');
    expect(r.service.getSnapshot().playback.endCheck).toBe('rejected');
    expect(r.log.entries.at(-1)).toMatchObject({ type: 'auth.failure', data: { purpose: 'end-session', sessionId: 'session-1', reason: 'wrong-pin' } });

    ok(r.service, { type: 'clerk.end', accountId: PINS.clerk, pin: PINS.pin });
    await r.service.settled();
    expect(r.service.getSnapshot().ended?.reason).toBe('clerk');
    expect(r.log.types().slice(-2)).toEqual(['auth.success', 'session.closed']);
    r.service.dispose();
  });

  it('[DC-2] refuses malformed and internal events from the renderer and changes nothing', async () => {
    const r = await rig();
    const bad: Array<[unknown, string]> = [
      [null, 'session.event.unknown'],
      [{ type: 'viewer.play' }, 'session.event.malformed'],
      [{ type: 'viewer.play', mediaTime: -1 }, 'session.event.malformed'],
      [{ type: 'viewer.play', mediaTime: Number.NaN }, 'session.event.malformed'],
      [{ type: 'clerk.begin', extra: 1 }, 'session.event.malformed'],
      [{ type: 'compose.viewer', ...VIEWER, documentNumber: 'AB123412' }, 'session.event.malformed'],
      [{ type: 'compose.viewer', ...VIEWER, documentLast4: 'AB1234' }, 'session.event.malformed'],
      [{ type: 'compose.viewer', ...VIEWER, name: 'Jan\u202eNowak' }, 'session.event.malformed'],
      [{ type: 'auth.verdict', ok: true, account: { id: 'x', name: 'x', role: 'admin' } }, 'session.event.unknown'],
      [{ type: 'verify.result', results: [] }, 'session.event.unknown'],
      [{ type: 'timer.sessionLimit' }, 'session.event.unknown'],
      [{ type: 'integrity.failed', identifier: 'x', version: 0, problem: 'x' }, 'session.event.unknown'],
      [{ type: 'kiosk.shutdown' }, 'session.event.unknown'],
    ];
    for (const [event, rule] of bad) {
      const res = r.service.send(event);
      expect(res.ok ? 'accepted' : res.problem.rule, JSON.stringify(event)).toBe(rule);
    }
    expect(r.service.getSnapshot().state).toBe('locked');
    expect(r.views).toEqual([]);
    expect(r.log.entries).toEqual([]);
    r.service.dispose();
  });

  it('[DC-2] refuses events the current state does not handle, and events its guards refuse', async () => {
    const r = await rig();
    for (const event of [{ type: 'viewer.play', mediaTime: 0 }, { type: 'compose.confirm' }, { type: 'summary.close' }]) {
      const res = r.service.send(event);
      expect(res.ok ? null : res.problem.rule).toBe('session.event.not-allowed');
    }
    ok(r.service, { type: 'clerk.begin' });
    ok(r.service, { type: 'clerk.pin', accountId: PINS.clerk, pin: PINS.pin });
    await r.service.settled();
    const before = r.service.getSnapshot();
    // Recordings before a case, a time beyond the maximum, confirming an incomplete composition.
    for (const event of [
      { type: 'compose.recordings', recordings: CHOSEN },
      { type: 'compose.time', minutes: CONFIG.maxSessionMin + 1 },
      { type: 'compose.confirm' },
    ]) {
      const res = r.service.send(event);
      expect(res.ok ? null : res.problem.rule, JSON.stringify(event)).toBe('session.event.not-allowed');
    }
    expect(r.service.getSnapshot()).toEqual(before);
    // A recording that is not in the case.
    ok(r.service, { type: 'compose.case', query: CASE_QUERY });
    await r.service.settled();
    const res = r.service.send({ type: 'compose.recordings', recordings: [{ identifier: 'OTHER-1', version: 0 }] });
    expect(res.ok).toBe(false);
    expect(r.service.getSnapshot().composition.recordings).toEqual([]);
    expect(r.log.types()).toEqual(['auth.success']);
    r.service.dispose();
  });

  it('[DC-2] blocks with the reason when a chosen recording fails verification, and lets the clerk recompose', async () => {
    const r = await rig();
    r.verifier.failNext = { identifier: 'VKZ-2025-0002', problem: 'chunk 3: hash mismatch' };
    ok(r.service, { type: 'clerk.begin' });
    ok(r.service, { type: 'clerk.pin', accountId: PINS.clerk, pin: PINS.pin });
    await r.service.settled();
    ok(r.service, { type: 'compose.case', query: CASE_QUERY });
    await r.service.settled();
    ok(r.service, { type: 'compose.recordings', recordings: CHOSEN });
    ok(r.service, { type: 'compose.viewer', ...VIEWER });
    ok(r.service, { type: 'compose.time', minutes: 5 });
    ok(r.service, { type: 'compose.confirm' });
    await r.service.settled();
    const view = r.service.getSnapshot();
    expect(view.screen).toBe('blocked');
    expect(view.ended).toEqual({ reason: 'integrity', problem: 'VKZ-2025-0002 v1: chunk 3: hash mismatch' });
    expect(r.log.entries.filter((e) => e.type === 'integrity.verdict').map((e) => [e.data.identifier, e.data.ok])).toEqual([
      ['VKZ-2025-0001', true],
      ['VKZ-2025-0002', false],
    ]);
    expect(r.log.entries.at(-1)).toMatchObject({ type: 'session.closed', data: { reason: 'integrity' } });
    ok(r.service, { type: 'clerk.back' });
    expect(r.service.getSnapshot().screen).toBe('composing');
    ok(r.service, { type: 'compose.recordings', recordings: [CHOSEN[0]] });
    r.service.dispose();
  });

  it('[DC-2] ends the session on an integrity failure during playback and on carrier events', async () => {
    const a = await rig();
    await toViewing(a);
    ok(a.service, { type: 'viewer.play', mediaTime: 0 });
    expect(a.service.notify({ type: 'integrity.failed', identifier: 'VKZ-2025-0001', version: 0, problem: 'chunk 7: tag mismatch' }).ok).toBe(true);
    expect(a.service.getSnapshot().ended).toEqual({ reason: 'integrity', problem: 'VKZ-2025-0001 v0: chunk 7: tag mismatch' });
    expect(a.log.types().slice(-2)).toEqual(['integrity.verdict', 'session.closed']);
    expect(a.log.entries.at(-2)?.data).toMatchObject({ phase: 'during-playback', ok: false });
    a.service.dispose();

    const b = await rig();
    await toViewing(b);
    expect(b.service.notify({ type: 'carrier.inserted', device: '/dev/sdb' }).ok).toBe(true);
    expect(b.service.getSnapshot().ended?.reason).toBe('carrier');
    // Outside a viewing, carriers are the import's business, not the session's.
    ok(b.service, { type: 'summary.close' });
    expect(b.service.notify({ type: 'carrier.removed', device: '/dev/sdb' }).ok).toBe(false);
    b.service.dispose();
  });

  it('[DC-6] closes a session found open in the log at start as interrupted, and one open at dispose', async () => {
    const r = await rig({ open: { sessionId: 'before-the-crash' } });
    expect(r.service.recovered).toEqual({ sessionId: 'before-the-crash' });
    expect(r.log.entries[0]).toMatchObject({ type: 'session.closed', data: { sessionId: 'before-the-crash', reason: 'interrupted', recovered: true } });
    await toViewing(r);
    r.service.dispose();
    expect(r.log.entries.at(-1)).toMatchObject({ type: 'session.closed', data: { sessionId: 'session-1', reason: 'interrupted' } });
    expect(r.service.send({ type: 'clerk.begin' }).ok).toBe(false);
  });

  it('[DC-6] [Q-1] a log write that fails mid-session ends the session with reason fault (recorded), kills its capability at once, and the kiosk takes the next session', async () => {
    const log = new ArrayLog();
    let broken = false;
    const original = log.append.bind(log);
    log.append = (type, data) => {
      if (broken && type.startsWith('playback.')) throw new Error('viewing log: disk full');
      return original(type, data);
    };
    const r = await rig({ log });
    await toViewing(r);
    const capability = r.service.getSnapshot().media?.capability ?? '';
    expect(r.service.mediaGrant(capability)).not.toBeNull();
    broken = true;
    r.service.send({ type: 'viewer.play', mediaTime: 0 });
    // Before the machine has even moved on, nothing more can be played.
    expect(r.service.mediaGrant(capability)).toBeNull();
    await Promise.resolve();
    const v = r.service.getSnapshot();
    expect(v.state).toBe('ended');
    expect(v.ended).toEqual({ reason: 'fault', problem: expect.stringMatching(/viewing log could not be written: viewing log: disk full/) as unknown });
    expect(v.fault).toBeNull();
    const closed = r.log.entries.filter((e) => e.type === 'session.closed');
    expect(closed).toHaveLength(1);
    expect(closed[0]?.data).toMatchObject({ sessionId: 'session-1', reason: 'fault' });
    // The process and the service go on: the next clerk opens the next session.
    broken = false;
    ok(r.service, { type: 'summary.close' });
    await toViewing(r);
    r.service.dispose();
  });

  it('[DC-6] [Q-1] a session is refused, with the problem for the clerk, while the kiosk cannot open one safely (free space below the reserve)', async () => {
    let low = true;
    const r = await rig({ canOpen: () => (low ? problem('/data', 'session.space-low', 'below the reserve', 'storage.reserveBytes') : null) });
    await toComposed(r, 1);
    const refused = r.service.send({ type: 'compose.confirm' });
    expect(refused.ok ? null : refused.problem.rule).toBe('session.space-low');
    expect(r.service.getSnapshot().state).toBe('composing');
    expect(r.log.entries.some((e) => e.type === 'session.opened')).toBe(false);
    low = false;
    ok(r.service, { type: 'compose.confirm' });
    expect(r.log.entries.some((e) => e.type === 'session.opened')).toBe(true);
    r.service.dispose();
  });

  it('keeps PINs out of views and log, and minimises viewer data', async () => {
    const r = await rig();
    await toViewing(r);
    ok(r.service, { type: 'clerk.end', accountId: PINS.clerk, pin: PINS.pin });
    await r.service.settled();
    const everything = JSON.stringify([r.views, r.log.entries]);
    expect(everything).not.toContain(PINS.pin);
    expect(everything).not.toContain('pinHash');
    expect(Object.keys(r.service.getSnapshot().composition.viewer ?? {}).sort()).toEqual(['documentLast4', 'documentType', 'name', 'purpose']);
    r.service.dispose();
  });

  it('drops a late verification answer for a cancelled session', async () => {
    const r = await rig();
    let release: (() => void) | null = null;
    const slow = r.verifier.verify.bind(r.verifier);
    r.verifier.verify = (recordings) =>
      new Promise((resolve) => {
        release = () => void slow(recordings).then(resolve);
      });
    ok(r.service, { type: 'clerk.begin' });
    ok(r.service, { type: 'clerk.pin', accountId: PINS.clerk, pin: PINS.pin });
    await r.service.settled();
    ok(r.service, { type: 'compose.case', query: CASE_QUERY });
    await r.service.settled();
    ok(r.service, { type: 'compose.recordings', recordings: CHOSEN });
    ok(r.service, { type: 'compose.viewer', ...VIEWER });
    ok(r.service, { type: 'compose.time', minutes: 5 });
    ok(r.service, { type: 'compose.confirm' });
    const first = release as (() => void) | null;
    ok(r.service, { type: 'clerk.cancel' });
    ok(r.service, { type: 'summary.close' });
    ok(r.service, { type: 'clerk.begin' });
    ok(r.service, { type: 'clerk.pin', accountId: PINS.clerk, pin: PINS.pin });
    await until(r.service, (v) => v.auth.status !== 'checking' && v.composition.lookup !== 'pending');
    ok(r.service, { type: 'compose.case', query: CASE_QUERY });
    await until(r.service, (v) => v.auth.status !== 'checking' && v.composition.lookup !== 'pending');
    ok(r.service, { type: 'compose.recordings', recordings: CHOSEN });
    ok(r.service, { type: 'compose.viewer', ...VIEWER });
    ok(r.service, { type: 'compose.time', minutes: 5 });
    ok(r.service, { type: 'compose.confirm' });
    first?.(); // the cancelled session's verification finishes now
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.service.getSnapshot().state).toBe('open.verifying');
    (release as (() => void) | null)?.();
    await r.service.settled();
    expect(r.service.getSnapshot().state).toBe('open.handover');
    r.service.dispose();
  });
});

/** A log on a disk that has just filled: every append fails as SQLite's would. */
class FullDiskLog extends ArrayLog {
  full = false;
  override append(type: string, data: Record<string, unknown>): { seq: number } {
    if (this.full) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    return super.append(type, data);
  }
}

describe('a log that cannot be written', () => {
  it('[Q-1] [DC-6] a sign-in whose log entry cannot be written is refused, the screen does not hang, and no promise is left unhandled', async () => {
    const log = new FullDiskLog();
    const r = await rig({ log });
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      ok(r.service, { type: 'clerk.begin' });
      log.full = true;
      ok(r.service, { type: 'clerk.pin', accountId: PINS.clerk, pin: PINS.pin });
      await r.service.settled();
      await until(r.service, (v) => v.auth.status !== 'checking');
      const v = r.service.getSnapshot();
      expect(v.screen).toBe('authenticating');
      expect(v.clerk).toBeNull();
      expect(v.auth.status).toBe('rejected');
      await new Promise((res) => setTimeout(res, 20));
      expect(unhandled).toEqual([]);
      // Space back: the same PIN now signs in.
      log.full = false;
      ok(r.service, { type: 'clerk.pin', accountId: PINS.clerk, pin: PINS.pin });
      await r.service.settled();
      expect(r.service.getSnapshot().screen).toBe('composing');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('[DC-6] [DC-5] counts what the media route serves under the live capability, writes it as media.served every SERVED_FLUSH_MS while playing (only when it changed) and before the closing entry; a dead or foreign capability counts nothing', async () => {
    const r = await rig();
    await toViewing(r, 5);
    const cap = r.service.getSnapshot().media!.capability;
    const rec = { identifier: CHOSEN[0]!.identifier, version: CHOSEN[0]!.version };
    const served = () => r.log.entries.filter((e) => e.type === 'media.served').map((e) => e.data);
    r.service.mediaServed(cap, { recording: rec, kind: 'playlist', bytes: 300, span: null });
    r.service.mediaServed(cap, { recording: rec, kind: 'segment', bytes: 5000, span: [0, 4] });
    r.service.mediaServed(cap, { recording: rec, kind: 'segment', bytes: 4000, span: [4, 8] });
    r.service.mediaServed('A'.repeat(43), { recording: rec, kind: 'segment', bytes: 9999, span: [100, 104] });
    expect(served()).toEqual([]);
    r.clock.increment(SERVED_FLUSH_MS);
    expect(served()).toEqual([{ sessionId: 'session-1', ...rec, ranges: [[0, 8]], seconds: 8, bytes: 9300, requests: 3 }]);
    // Nothing new: nothing written.
    r.clock.increment(SERVED_FLUSH_MS);
    expect(served()).toHaveLength(1);
    r.service.mediaServed(cap, { recording: rec, kind: 'segment', bytes: 1000, span: [20, 24] });
    ok(r.service, { type: 'viewer.end' });
    const types = r.log.types();
    const closed = types.lastIndexOf('session.closed');
    expect(types.lastIndexOf('media.served')).toBe(closed - 1);
    expect(served().at(-1)).toEqual({ sessionId: 'session-1', ...rec, ranges: [[0, 8], [20, 24]], seconds: 12, bytes: 10300, requests: 4 });
    // The capability is dead: later bytes are not counted, and no timer writes again.
    r.service.mediaServed(cap, { recording: rec, kind: 'segment', bytes: 1, span: [30, 34] });
    r.clock.increment(SERVED_FLUSH_MS * 3);
    expect(served()).toHaveLength(2);
    r.service.dispose();
  });
});

describe('a catalog that cannot be read', () => {
  it('[Q-1] a case lookup that throws fails the service closed: no "not found", no lookup stuck at pending, no promise left unhandled', async () => {
    const broken: SessionCatalog = {
      findCase: () => {
        throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
      },
    };
    const r = await rig({ catalog: broken });
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      ok(r.service, { type: 'clerk.begin' });
      ok(r.service, { type: 'clerk.pin', accountId: PINS.clerk, pin: PINS.pin });
      await r.service.settled();
      expect(r.service.getSnapshot().screen).toBe('composing');
      ok(r.service, { type: 'compose.case', query: CASE_QUERY });
      await r.service.settled();
      const v = r.service.getSnapshot();
      expect(v.fault).toBe('disk I/O error');
      expect(v.composition.lookup).not.toBe('not-found');
      // The screens were told (the renderer shows the fault), and nothing more is taken.
      expect(r.views.at(-1)?.fault).toBe('disk I/O error');
      const refused = r.service.send({ type: 'compose.case', query: CASE_QUERY });
      expect(refused.ok ? null : refused.problem.rule).toBe('session.fault');
      await new Promise((res) => setTimeout(res, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      r.service.dispose();
    }
  });
});
