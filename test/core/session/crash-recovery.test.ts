// A kiosk killed in the middle of a review session: after restart the session
// is closed as interrupted, with what was logged up to the crash, and the
// viewing log still verifies (DC-6, Q-1).
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CARRIER } from '../../helpers/demo';
import { serveKiosk, type Served } from '../../helpers/kioskctl';
import { KioskDir } from '../../helpers/kiosk-dir';
import { expectInStep, replicaCatalog } from '../../helpers/replica';
import { SessionClient, openDemoSession } from '../../helpers/session-client';

let served: Served | null = null;
afterEach(async () => {
  await served?.stop();
  served = null;
});

interface Entry {
  type: string;
  data: { sessionId?: string; reason?: string };
}

// Also with a required replica (PL-5.1): its copy of the log then holds the closing entry too.
describe.each([
  { variant: '', replica: false },
  { variant: ', with a required replica (PL-5.1)', replica: true },
])('crash recovery of a review session$variant', ({ replica }) => {
  it('[DC-6] [DC-2] [Q-1] a kiosk killed during a session closes it as interrupted at restart; log verify passes', async () => {
    const k = replica ? new KioskDir().withReplica() : new KioskDir();
    const env = { ...k.env, KIOSK_DEMO_CARRIER: DEMO_CARRIER };
    served = await serveKiosk(['--demo'], env);
    const c = await SessionClient.connect(served);
    const v = await openDemoSession(c);
    expect(v.state).toMatch(/viewing/);
    await c.send({ type: 'viewer.play', mediaTime: 0 });
    await c.send({ type: 'media.progress', mediaTime: 4 });
    await c.send({ type: 'media.progress', mediaTime: 8 });
    const before = k.query<{ entry: string }>('SELECT entry FROM viewing_log ORDER BY seq').map((r) => JSON.parse(r.entry) as Entry);
    const opened = before.find((e) => e.type === 'session.opened');
    expect(opened?.data.sessionId).toBeTruthy();
    served.child.kill('SIGKILL');
    await new Promise((r) => served!.child.once('exit', r));
    served = await serveKiosk(['--demo'], env);
    const after = k.query<{ entry: string }>('SELECT entry FROM viewing_log ORDER BY seq').map((r) => JSON.parse(r.entry) as Entry);
    // Everything acknowledged before the crash is still there, in order.
    expect(after.slice(0, before.length)).toEqual(before);
    const closed = after.filter((e) => e.type === 'session.closed' && e.data.sessionId === opened!.data.sessionId);
    expect(closed).toHaveLength(1);
    expect(closed[0]!.data.reason).toBe('interrupted');
    await served.stop();
    served = null;
    const lv = k.json<{ ok: boolean; entries: number }>(['log', 'verify']);
    expect(lv.code).toBe(0);
    expect(lv.json.ok).toBe(true);
    expect(lv.json.entries).toBe(after.length);
    // The service caught the replica up before it stopped (and the log verify above, as owner, again).
    if (k.replica) {
      expectInStep(k, k.replica);
      expect(replicaCatalog(k.replica, 'SELECT seq FROM viewing_log')).toHaveLength(after.length);
    }
  }, 180_000);
});
