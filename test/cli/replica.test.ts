// The second copy (PL-5.1) through the real kioskctl: every object, the
// catalog and the wrapped signing key on a replica directory; `verify`
// restores a missing or damaged copy from the other and logs it; damage on
// both is named; a required replica that fills or is not mounted fails the
// import cleanly, with nothing half-stored on either side.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SECRETS, TEST_ACCOUNTS, signed } from '../helpers/accounts';
import { SessionClient } from '../helpers/session-client';
import { copyOfDemo } from '../helpers/demo';
import { KioskDir } from '../helpers/kiosk-dir';
import { serveKiosk } from '../helpers/kioskctl';
import { logEntries } from '../helpers/log-entries';
import { scratch } from '../helpers/paths';
import { expectInStep, filesUnder, objectIdsUnder, RECORDINGS_SQL, replicaCatalog } from '../helpers/replica';

const CAN_MOUNT = process.getuid?.() === 0 && (() => {
  const d = scratch('probe-mount-');
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', d]).status === 0;
  if (ok) spawnSync('umount', [d]);
  return ok;
})();
if (!CAN_MOUNT) console.log('replica tmpfs tests skipped: mounting a tmpfs needs root in a machine that allows it');

const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
});

function tmpfs(size: string, at = scratch('replica-tmpfs-')): string {
  expect(spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', at]).status).toBe(0);
  mounts.push(at);
  return at;
}

function kioskWithReplica(replica: string, required = true): KioskDir {
  return new KioskDir().provision({ accounts: TEST_ACCOUNTS, replica: { path: replica, required } });
}

const RECORDINGS = RECORDINGS_SQL;
const inStep = expectInStep;

function objectOf(k: KioskDir, identifier: string): string {
  const [row] = k.query<{ object_id: string }>(
    'SELECT p.object_id FROM parts p JOIN recordings r ON r.id = p.recording_id WHERE r.identifier = ? ORDER BY r.version, p.seq LIMIT 1',
    identifier,
  );
  return row!.object_id;
}
const at = (root: string, id: string) => path.join(root, 'objects', id.slice(0, 2), id);

function flipByte(file: string, offset: number): void {
  fs.chmodSync(file, 0o600);
  const fd = fs.openSync(file, 'r+');
  const b = Buffer.alloc(1);
  fs.readSync(fd, b, 0, 1, offset);
  b[0] = b[0]! ^ 0x55;
  fs.writeSync(fd, b, 0, 1, offset);
  fs.closeSync(fd);
}

describe('a required replica, healed by verify (acceptance 1)', () => {
  it('[PL-5.1] [Q-3] import puts every object and the catalog on the replica; an object deleted from the primary is restored by verify, logged, exit 0; one flipped in both copies fails verify naming the recording', () => {
    const replica = scratch('replica-');
    const k = kioskWithReplica(replica);
    const imp = k.ctl(['import', copyOfDemo()]);
    expect(imp.code, imp.stderr).toBe(0);
    inStep(k, replica);
    expect(JSON.parse(fs.readFileSync(path.join(replica, 'court-kiosk-replica.json'), 'utf8'))).toMatchObject({ format: 1, device: expect.any(String) });

    // The primary loses a file: verify restores it from the replica and logs the repair.
    const lost = objectOf(k, 'KM12324-20240305-01');
    fs.rmSync(at(k.dir, lost));
    const v = k.json<{ ok: boolean; repairs: Array<{ objectId: string; from: string; to: string; ok: boolean; recording: string }> }>(['verify']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.json.ok).toBe(true);
    expect(v.json.repairs).toEqual([{ objectId: lost, from: 'replica', to: 'primary', ok: true, recording: 'KM12324-20240305-01 v0' }]);
    expect(fs.existsSync(at(k.dir, lost))).toBe(true);
    expect(log(k)).toEqual([{ object: lost, recording: 'KM12324-20240305-01 v0', from: 'replica', to: 'primary', context: 'verify' }]);

    // The replica's copy damaged: restored from the primary the same way.
    const hurt = objectOf(k, 'KM4525-20250114-02');
    flipByte(at(replica, hurt), 3000);
    const v2 = k.ctl(['verify', '--lang', 'uk']);
    expect(v2.code, v2.stderr).toBe(0);
    expect(v2.stdout).toContain('ВІДНОВЛЕНО KM4525-20250114-02 v0: другу копію відновлено з основної');
    expect(k.json<{ repairs: unknown[] }>(['verify']).json.repairs).toEqual([]);
    inStep(k, replica);
    // Both repairs are in the replica's copy of the log too.
    expect(replicaCatalog(replica, `SELECT seq FROM viewing_log WHERE entry LIKE '%"type":"store.repaired"%'`)).toHaveLength(2);

    // Damage in both copies: nothing to restore from; verify names the recording and exits 1.
    const both = objectOf(k, 'KM12324-20240305-01');
    flipByte(at(k.dir, both), 5000);
    flipByte(at(replica, both), 5000);
    const v3 = k.json<{ ok: boolean; recordings: Array<{ identifier: string; ok: boolean; problem?: string }> }>(['verify', '--lang', 'en']);
    expect(v3.code).toBe(1);
    const bad = v3.json.recordings.filter((r) => !r.ok);
    expect(bad.map((r) => r.identifier)).toEqual(['KM12324-20240305-01']);
    expect(bad[0]!.problem).toContain("the replica's copy");
    expect(k.query<{ subject: string }>('SELECT subject FROM integrity_events').map((e) => e.subject)).toContain('recording KM12324-20240305-01 v0');
    expect(log(k)).toHaveLength(2);
  }, 120_000);

  it('[PL-5.1] [PL-9] an export reports success only with its log entry on the replica: with the replica gone it exits 2 naming it, writes nothing and logs no export', () => {
    const replica = scratch('replica-');
    const k = kioskWithReplica(replica);
    expect(k.ctl(['import', copyOfDemo('pl')]).code).toBe(0);
    const exportTo = (to: string) => {
      const who = signed('anna-it', 'piotr-it');
      return k.ctl(['export', '--case', 'KM 123/24', '--to', to, '--purpose', 'supervisory', '--recipient', 'Prezes Sądu Okręgowego', ...who.args], who.input);
    };
    const aside = `${replica}-aside`;
    fs.renameSync(replica, aside);
    const to = scratch('carrier-out-');
    const r = exportTo(to);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('replica.missing');
    expect(fs.readdirSync(to)).toEqual([]);
    expect(logEntries(k.dir, 'export')).toEqual([]);
    fs.renameSync(aside, replica);
    const ok = exportTo(to);
    expect(ok.code, ok.stderr).toBe(0);
    expect(replicaCatalog(replica, `SELECT seq FROM viewing_log WHERE entry LIKE '%"type":"export"%'`)).toHaveLength(1);
  }, 120_000);

  it('[PL-5.1] a directory that holds something else is never taken for a replica: the import exits 2 naming it, nothing stored', () => {
    const replica = scratch('replica-');
    fs.writeFileSync(path.join(replica, 'notes.txt'), 'not a replica');
    const k = kioskWithReplica(replica);
    const r = k.ctl(['import', copyOfDemo('pl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('replica.not-empty');
    expect(k.query('SELECT * FROM recordings')).toEqual([]);
    expect(objectIdsUnder(k.dir)).toEqual([]);
    expect(fs.readdirSync(replica)).toEqual(['notes.txt']);
  });
});

describe('the service keeps the replica', () => {
  it('[PL-5.1] [Q-3] its scheduled scrub re-reads both copies, restores a damaged one from the other and logs it; kioskctl status shows the replica in sync', async () => {
    const replica = scratch('replica-');
    // A scrub every 4 s (scrubDays is a number of days): what a week is on a real kiosk.
    const k = new KioskDir().provision({ accounts: TEST_ACCOUNTS, replica: { path: replica, required: false, scrubDays: 4 / 86_400 } });
    expect(k.ctl(['import', copyOfDemo('pl')]).code).toBe(0);
    const id = objectOf(k, 'KM12324-20240305-01');
    flipByte(at(k.dir, id), 4000);
    let served = await serveKiosk([], k.env);
    try {
      await expect.poll(() => logEntries(k.dir, 'store.scrubbed').length, { timeout: 30_000, interval: 500 }).toBeGreaterThan(0);
      expect(log(k)).toEqual([{ object: id, recording: 'KM12324-20240305-01 v0', from: 'replica', to: 'primary', context: 'scrub' }]);
      const live = k.query('SELECT id FROM objects WHERE wrapped_key IS NOT NULL').length;
      expect(logEntries(k.dir, 'store.scrubbed')[0]).toEqual({ checked: live, repaired: 1, damaged: 0, replica: 'checked' });
      // Back to a weekly scrub (one every 4 s keeps adding entries), then the state as court IT reads it.
      await served.stop();
      const cfgFile = path.join(k.dir, 'config.json');
      const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as { replica: Record<string, unknown> };
      fs.writeFileSync(cfgFile, JSON.stringify({ ...cfg, replica: { ...cfg.replica, scrubDays: 7 } }));
      served = await serveKiosk([], k.env);
      const status = () => k.json<{ replica: { state: string; repaired: number; problem: string | null } }>(['status']).json.replica;
      await expect.poll(() => status().state, { timeout: 15_000, interval: 500 }).toBe('in-sync');
      expect(status()).toMatchObject({ state: 'in-sync', repaired: 1, problem: null });
      expect(k.ctl(['status']).stdout).toMatch(/^replica: in-sync at .*; 0 objects behind; 1 repaired$/m);
    } finally {
      await served.stop();
    }
    expect(k.ctl(['verify']).code).toBe(0);
  }, 120_000);
});

describe('the replica as the log\'s witness (issue 15 b)', () => {
  it('[DC-6] [Q-3] [PL-5.1] it keeps the newest checkpoint; a log cut at its tail is an alarm naming the replica and both sizes, no session opens, and the replica keeps the longer log', async () => {
    const replica = scratch('replica-');
    const k = kioskWithReplica(replica);
    expect(k.ctl(['import', copyOfDemo()]).code).toBe(0);
    const noteFile = path.join(replica, 'checkpoint.note');
    let served = await serveKiosk([], k.env);
    try {
      expect(k.ctl(['log', 'checkpoint']).code).toBe(0);
      await expect.poll(() => fs.existsSync(noteFile), { timeout: 10_000, interval: 200 }).toBe(true);
      const lv = k.ctl(['log', 'verify', '--lang', 'en']);
      expect(lv.code, lv.stdout).toBe(0);
      expect(lv.stdout).toMatch(/witness replica .*: consistent/);
    } finally {
      await served.stop();
    }
    const size = k.query<{ n: number }>('SELECT count(*) AS n FROM viewing_log')[0]!.n;
    const witnessed = Number(fs.readFileSync(noteFile, 'utf8').split('\n')[1]);
    expect(witnessed).toBe(size);
    // The newest entries cut with sqlite3, as someone covering a viewing would.
    expect(size).toBeGreaterThanOrEqual(3);
    const kept = size - 1;
    k.sqlite3(`DELETE FROM viewing_log WHERE seq >= ${kept}; DELETE FROM viewing_log_checkpoint WHERE size > ${kept};`);
    const lv = k.json<{ ok: boolean; witnesses: Array<{ witness: string; verdict: string; witnessedSize: number; logSize: number }> }>(['log', 'verify']);
    expect(lv.code).toBe(1);
    expect(lv.json.witnesses).toEqual([expect.objectContaining({ witness: `replica ${replica}`, verdict: 'alarm', witnessedSize: size, logSize: kept })]);
    served = await serveKiosk([], k.env);
    try {
      const st = k.json<{ witness: { alarm: string | null }; replica: { state: string; problem: string } }>(['status']).json;
      expect(st.witness.alarm).toContain(`replica ${replica} holds a checkpoint of ${size} entries but the log holds only ${kept}`);
      expect(st.replica.state).toBe('unreachable');
      expect(st.replica.problem).toContain('replica.frozen');
      const c = await SessionClient.connect(served);
      await c.sendUntil({ type: 'clerk.begin' }, (v) => v.screen === 'authenticating');
      await c.sendUntil({ type: 'clerk.pin', accountId: 'ewa-clerk', pin: SECRETS['ewa-clerk'] }, (v) => v.screen === 'composing');
      await c.sendUntil({ type: 'compose.case', query: 'KM 123/24' }, (v) => v.composition.lookup === 'found');
      await c.send({ type: 'compose.recordings', recordings: [{ identifier: 'KM12324-20240305-01', version: 0 }] });
      await c.send({ type: 'compose.viewer', name: 'Jan Strona', documentType: 'id-card', documentLast4: '1234', purpose: 'zapoznanie się z aktami' });
      await c.sendUntil({ type: 'compose.time', minutes: 30 }, (v) => v.composition.complete);
      const refused = await c.send({ type: 'compose.confirm' });
      expect(refused.view.screen).toBe('composing');
      expect(refused.problem?.rule).toBe('session.log-alarm');
    } finally {
      await served.stop();
    }
    // What the replica holds is the log as it was, untouched by the cut one.
    expect(replicaCatalog<{ n: number }>(replica, 'SELECT count(*) AS n FROM viewing_log')[0]!.n).toBe(size);
    expect(Number(fs.readFileSync(noteFile, 'utf8').split('\n')[1])).toBe(size);
  }, 120_000);
});

function log(k: KioskDir): Array<Record<string, unknown>> {
  return logEntries(k.dir, 'store.repaired');
}

describe.runIf(CAN_MOUNT)('a replica that fills or goes away (acceptance 2)', () => {
  it('[PL-5.1] [Q-1] a replica disk that fills mid-import: exit 2 naming the replica, the package in progress stored on neither side, committed ones on both; with space back the import completes', () => {
    // The first package (4.8 MB) fits, the next does not.
    const replica = tmpfs('6m');
    const k = kioskWithReplica(replica);
    const carrier = copyOfDemo();
    const r = k.ctl(['import', carrier, '--lang', 'en']);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toContain('replica.write');
    expect(r.stderr).toContain(replica);
    // Whole packages only, on both stores, and the replica's catalog says the same as the primary's.
    const stored = k.query<{ identifier: string }>(RECORDINGS).map((x) => x.identifier);
    expect(stored.length).toBeLessThan(4);
    inStep(k, replica);
    expect(filesUnder(path.join(k.dir, 'staging'))).toEqual([]);
    expect(k.ctl(['verify']).code).toBe(0);

    expect(spawnSync('mount', ['-o', 'remount,size=64m', replica]).status).toBe(0);
    expect(k.ctl(['import', carrier]).code).toBe(0);
    expect(k.query(RECORDINGS)).toHaveLength(4);
    inStep(k, replica);
  }, 120_000);

  it('[PL-5.1] not required: an import while the replica disk is unmounted succeeds and leaves nothing on the bare mount point; mounted again, the next owner command catches it up', () => {
    const mountPoint = scratch('replica-mnt-');
    tmpfs('64m', mountPoint);
    const k = kioskWithReplica(mountPoint, false);
    expect(k.ctl(['import', copyOfDemo('pl')]).code).toBe(0);
    inStep(k, mountPoint);
    const keep = scratch('replica-saved-');
    expect(spawnSync('cp', ['-a', `${mountPoint}/.`, keep]).status).toBe(0);
    expect(spawnSync('umount', [mountPoint]).status).toBe(0);
    const r = k.ctl(['import', copyOfDemo('ua')]);
    expect(r.code, r.stderr).toBe(0);
    expect(k.query(RECORDINGS)).toHaveLength(2);
    expect(fs.readdirSync(mountPoint)).toEqual([]);
    tmpfs('64m', mountPoint);
    expect(spawnSync('cp', ['-a', `${keep}/.`, mountPoint]).status).toBe(0);
    expect(objectIdsUnder(mountPoint).length).toBeLessThan(objectIdsUnder(k.dir).length);
    expect(k.ctl(['log', 'checkpoint']).code).toBe(0);
    inStep(k, mountPoint);
  }, 120_000);

  it('[PL-5.1] an unmounted replica is not reseeded on the bare mount point: the import exits 2 naming it, nothing stored; mounted again, it completes', () => {
    const mountPoint = scratch('replica-mnt-');
    tmpfs('64m', mountPoint);
    const k = kioskWithReplica(mountPoint);
    expect(k.ctl(['import', copyOfDemo('pl')]).code).toBe(0);
    const before = k.dump();
    // Unmount: the directory is there, empty, on the system disk.
    const keep = scratch('replica-saved-');
    expect(spawnSync('cp', ['-a', `${mountPoint}/.`, keep]).status).toBe(0);
    expect(spawnSync('umount', [mountPoint]).status).toBe(0);
    const r = k.ctl(['import', copyOfDemo('ua')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('replica.marker.missing');
    expect(fs.readdirSync(mountPoint)).toEqual([]);
    expect(k.dump()).toBe(before);
    // The disk back (the same content on a fresh mount): the import completes and both are in step.
    tmpfs('64m', mountPoint);
    expect(spawnSync('cp', ['-a', `${keep}/.`, mountPoint]).status).toBe(0);
    expect(k.ctl(['import', copyOfDemo('ua')]).code).toBe(0);
    inStep(k, mountPoint);
  }, 120_000);
});
