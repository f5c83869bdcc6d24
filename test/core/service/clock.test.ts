// A clock that cannot lie (DC-2, DC-6, Q-3): the kiosk service runs under
// libfaketime and its wall clock is stepped back three hours mid-session, the
// way a bad time server or a hand at the BIOS would. The session still ends
// at its limit in real time, the log holds a clock.stepBack entry with both
// times, a lockout earned before the step still has its 300 s of real time
// (not three hours more), and the log verifies.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CARRIER } from '../../helpers/demo';
import { serveKiosk, type Served } from '../../helpers/kioskctl';
import { KioskDir } from '../../helpers/kiosk-dir';
import { REPO } from '../../helpers/paths';
import { SessionClient, composeDemoSession } from '../../helpers/session-client';

/** Debian's libfaketime (package faketime, installed by scripts/setup.sh), for this machine's architecture. */
const LIBFAKETIME =
  fs
    .readdirSync('/usr/lib')
    .map((d) => path.join('/usr/lib', d, 'faketime', 'libfaketime.so.1'))
    .find((f) => fs.existsSync(f)) ?? '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
let served: Served | null = null;

afterEach(async () => {
  await served?.stop();
  served = null;
});

describe('a wall clock stepped back under a running kiosk', () => {
  it('[DC-2] [DC-6] [Q-3] under libfaketime, 3 h back mid-session: the session ends at its limit in real time, the log holds clock.stepBack, the lockout is unchanged, log verify passes', async () => {
    expect(fs.existsSync(LIBFAKETIME), `${LIBFAKETIME} is missing: run scripts/setup.sh (apt-get install faketime)`).toBe(true);
    const k = new KioskDir();
    const example = JSON.parse(fs.readFileSync(path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json'), 'utf8')) as Record<string, unknown>;
    delete example.$schema;
    fs.writeFileSync(path.join(k.dir, 'config.json'), JSON.stringify(example));
    const offset = path.join(k.dir, '..', `${path.basename(k.dir)}.faketime`);
    fs.writeFileSync(offset, '+0\n');
    served = await serveKiosk(['--demo'], {
      ...k.env,
      KIOSK_DEMO_CARRIER: DEMO_CARRIER,
      LD_PRELOAD: LIBFAKETIME,
      FAKETIME_TIMESTAMP_FILE: offset,
      FAKETIME_CACHE_DURATION: '1',
      // A time server or a hand steps the wall clock; the monotonic clock never moves back.
      DONT_FAKE_MONOTONIC: '1',
    });
    const c = await SessionClient.connect(served);

    // An administrator's account locked out at the pin pad: five wrong PINs.
    await c.sendUntil({ type: 'clerk.begin' }, (v) => v.screen === 'authenticating');
    let locked = null;
    for (let i = 0; i < 5; i++) locked = await c.sendUntil({ type: 'clerk.pin', accountId: 'demo-admin', pin: '0000' }, (v) => v.auth.status !== 'checking');
    expect(locked?.auth).toEqual({ status: 'locked', retryAfterSec: 300 });
    const lockedAt = Date.now();
    await c.sendUntil({ type: 'clerk.cancel' }, (v) => v.screen === 'locked');

    // A one-minute session, playing.
    await composeDemoSession(c);
    await c.sendUntil({ type: 'compose.time', minutes: 1 }, (v) => v.composition.complete);
    await c.sendUntil({ type: 'compose.confirm' }, (v) => v.screen === 'handover');
    const viewing = await c.sendUntil({ type: 'handover.viewerReady' }, (v) => v.screen === 'viewing');
    const startedAt = Date.now();
    expect(viewing.playback.remainingSec).toBe(60);
    await c.send({ type: 'viewer.play', mediaTime: 0 });

    await new Promise((r) => setTimeout(r, 5000));
    fs.writeFileSync(offset, '-3h\n');
    await new Promise((r) => setTimeout(r, 2500)); // past libfaketime's one-second cache
    const afterStep = (await c.send({ type: 'viewer.pause', mediaTime: 7 })).view;
    // Seconds left come from the kiosk's monotonic clock: about 52, never three hours more.
    expect(afterStep.playback.remainingSec).toBeGreaterThan(45);
    expect(afterStep.playback.remainingSec).toBeLessThanOrEqual(53);
    await c.send({ type: 'viewer.play', mediaTime: 7 });

    const ended = await c.sendUntil({ type: 'ui.activity' }, (v) => v.screen === 'ended', 90_000);
    const realSeconds = (Date.now() - startedAt) / 1000;
    expect(ended.ended?.reason).toBe('time-limit');
    expect(realSeconds).toBeGreaterThan(58);
    expect(realSeconds).toBeLessThan(66);

    // The lockout still counts its 300 s of real time from when it was earned.
    await c.sendUntil({ type: 'summary.close' }, (v) => v.screen === 'locked');
    await c.sendUntil({ type: 'clerk.begin' }, (v) => v.screen === 'authenticating');
    const still = await c.sendUntil({ type: 'clerk.pin', accountId: 'demo-admin', pin: '0000' }, (v) => v.auth.status !== 'checking');
    const expected = 300 - Math.floor((Date.now() - lockedAt) / 1000);
    expect(still.auth.status).toBe('locked');
    expect(still.auth.retryAfterSec).toBeGreaterThanOrEqual(expected - 2);
    expect(still.auth.retryAfterSec).toBeLessThanOrEqual(expected + 2);
    await served.stop();
    served = null;

    const log = k.query<{ entry: string }>('SELECT entry FROM viewing_log ORDER BY seq').map((r) => JSON.parse(r.entry) as { seq: number; time: string; type: string; data: Record<string, unknown> });
    const steps = log.filter((e) => e.type === 'clock.stepBack');
    expect(steps).toHaveLength(1);
    const step = steps[0]!;
    const before = Date.parse(String(step.data.previous));
    const after = Date.parse(String(step.data.now));
    expect(before - after).toBeGreaterThan(3 * 3600_000 - 10_000);
    expect(before - after).toBeLessThan(3 * 3600_000 + 10_000);
    expect(log[step.seq + 1]?.type).toBe('playback.pause');
    expect(log.find((e) => e.type === 'session.closed')?.data.reason).toBe('time-limit');
    const verify = k.ctl(['log', 'verify']);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 180_000);
});
