// The watchdog of court-kiosk.service (issue 20, acceptance 5), with the
// test's supervisor in systemd's place (systemd is not PID 1 here, so the
// unit itself cannot be started: its settings are checked by
// test/appliance/package.test.ts). The service is the bundle the unit runs.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_CARRIER } from '../../helpers/demo';
import { missingTools } from '../../helpers/deb';
import { KioskDir } from '../../helpers/kiosk-dir';
import { REPO } from '../../helpers/paths';
import { SessionClient, openDemoSession } from '../../helpers/session-client';
import { Supervisor } from '../../helpers/supervisor';
import { startSdNotify } from '../../../app/core/service';

const missing = missingTools('socat');
const bundle = path.join(REPO, 'dist', 'web', 'main.mjs');
let sup: Supervisor | null = null;
afterAll(async () => {
  await sup?.stop();
});

interface Entry {
  type: string;
  data: Record<string, unknown>;
}

describe.skipIf(missing.length > 0)(`the kiosk service under a watchdog${missing.length ? ' (skipped: socat, the sd_notify sender, is not installed)' : ''}`, () => {
  it('[DC-6] [Q-1] says READY=1 and pets WATCHDOG=1 from its event loop; blocked by a hang point it misses the watchdog, is killed and restarted, and the new service closes the interrupted session in the viewing log; killed with SIGKILL it is back', async () => {
    expect(fs.existsSync(bundle), `${bundle}: run npm run build first`).toBe(true);
    const k = new KioskDir();
    const watchdogUsec = 1_000_000;
    sup = new Supervisor({
      command: process.execPath,
      args: [bundle, '--demo', '--port', '0', '--data-dir', k.dir],
      env: { ...process.env, KIOSK_DEMO_CARRIER: DEMO_CARRIER, KIOSK_HANG_AT: 'session.after-open' },
      watchdogUsec,
    });
    await sup.start();
    const first = sup.current!;
    await sup.waitFor('READY=1', () => first.readyAt !== null);
    // Pets come every half interval: at least three in two intervals.
    await sup.waitFor('watchdog pets', () => first.pets >= 3, 5_000);
    expect(sup.events.filter((e) => e.type === 'watchdog-kill')).toEqual([]);

    // A clerk opens a session; right after its log entry the loop stops turning.
    const c = await SessionClient.connect(first);
    const opening = openDemoSession(c).catch((e: unknown) => e);
    await sup.waitFor('the watchdog kill', () => sup!.events.some((e) => e.type === 'watchdog-kill' && e.pid === first.pid));
    const killedAt = Date.now();
    await opening;
    // The client's connection may break before the child's exit is reaped: wait for the exit, then read how it died.
    await sup.waitFor('the killed service reaped', () => sup!.events.some((e) => e.type === 'exit' && e.pid === first.pid), 10_000);
    expect(sup.events).toContainEqual({ type: 'exit', pid: first.pid, code: null, signal: 'SIGABRT' });
    await sup.waitFor('the restarted service ready', () => sup!.starts.length === 2 && sup!.current!.readyAt !== null);
    const second = sup.current!;
    expect(second.pid).not.toBe(first.pid);
    expect(second.readyAt! - killedAt).toBeLessThan(30_000);
    expect(fs.existsSync(`/proc/${first.pid}`)).toBe(false);

    // The session the stuck service left open is closed as interrupted, once.
    const log = k.query<{ entry: string }>('SELECT entry FROM viewing_log ORDER BY seq').map((r) => JSON.parse(r.entry) as Entry);
    const opened = log.filter((e) => e.type === 'session.opened');
    const closed = log.filter((e) => e.type === 'session.closed');
    expect(opened).toHaveLength(1);
    expect(closed).toHaveLength(1);
    expect(closed[0]!.data.sessionId).toBe(opened[0]!.data.sessionId);
    expect(closed[0]!.data.reason).toBe('interrupted');
    expect(sup.stderr.join('')).toContain('was closed as interrupted');

    // The new service's loop turns: it pets, and is not killed again.
    const pets = second.pets;
    await new Promise((r) => setTimeout(r, 2 * (watchdogUsec / 1000)));
    expect(second.pets).toBeGreaterThan(pets);
    expect(sup.events.filter((e) => e.type === 'watchdog-kill')).toHaveLength(1);

    // Killed outright (SIGKILL: no handler runs), it is started again (Restart=always) and is ready again.
    process.kill(second.pid, 'SIGKILL');
    await sup.waitFor('the service back after SIGKILL', () => sup!.starts.length === 3 && sup!.current!.readyAt !== null);
    expect(sup.events).toContainEqual({ type: 'exit', pid: second.pid, code: null, signal: 'SIGKILL' });
  }, 120_000);
});

describe('sd_notify outside systemd', () => {
  it('[DC-6] without NOTIFY_SOCKET (kioskctl serve, tests, Electron) nothing is started; a socket path socat cannot name is refused with a note, not guessed at', () => {
    const notes: string[] = [];
    expect(startSdNotify({ env: {}, note: (l) => notes.push(l) })).toBeNull();
    expect(notes).toEqual([]);
    expect(startSdNotify({ env: { NOTIFY_SOCKET: '/run/a,b:c' }, note: (l) => notes.push(l) })).toBeNull();
    expect(notes.join('\n')).toContain('not a socket path this service can use');
  });
});
