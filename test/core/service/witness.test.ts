// A viewing log that survives a rollback (Q-3, DC-6): a real kiosk service
// with the reference TIS as its witness, both on 127.0.0.1. A session's
// checkpoint reaches the TIS; then the newest entries are cut with sqlite3,
// or an older copy of the whole database is put back. Alone, the device could
// not tell (the cut also removes the checkpoints that named the lost
// entries); against its witness, `log verify` fails naming the TIS and both
// sizes, and a restarted service refuses every new session.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCheckpointBody, parseNote } from '../../../app/core/viewing-log/checkpoint';
import { startTisServer, type TisServer } from '../../../scripts/tis-server/server';
import { DEMO_CARRIER } from '../../helpers/demo';
import { kioskctlAsync, serveKiosk, type RunResult, type Served } from '../../helpers/kioskctl';
import { KioskDir } from '../../helpers/kiosk-dir';
import { REPO } from '../../helpers/paths';
import { SessionClient, composeDemoSession, openDemoSession } from '../../helpers/session-client';
import { makePki, makeTmp, type Pki } from '../tis/fixture';

const DEVICE = 'SR-KRK-KIOSK-01';
let tmp: string;
let pki: Pki;
let tis: TisServer | null = null;
let served: Served | null = null;

beforeAll(() => {
  tmp = makeTmp();
  pki = makePki(tmp);
});

afterEach(async () => {
  await served?.stop();
  served = null;
  await tis?.close();
  tis = null;
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Status {
  witness?: { alarm: string | null; checking: boolean };
}
interface VerifyDoc {
  ok: boolean;
  problem?: string;
  witnesses: Array<{ witness: string; verdict: string; witnessedSize: number | null; logSize: number; problem: string | null }>;
}

/** A kiosk data directory whose device key is registered with a fresh reference TIS, and whose kiosk-config names that TIS. */
async function witnessedKiosk(): Promise<{ k: KioskDir; tis: TisServer }> {
  const k = new KioskDir();
  const example = JSON.parse(fs.readFileSync(path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json'), 'utf8')) as Record<string, unknown>;
  delete example.$schema;
  const write = (extra: Record<string, unknown>): void => fs.writeFileSync(path.join(k.dir, 'config.json'), JSON.stringify({ ...example, ...extra }));
  write({});
  const pub = k.json<{ publicKeyPem: string }>(['device', 'pubkey']);
  expect(pub.code, pub.stderr).toBe(0);
  const server = await startTisServer({ root: path.join(tmp, 'root'), certs: pki.dir, stateDir: fs.mkdtempSync(path.join(tmp, 'state-')), devices: { [DEVICE]: pub.json.publicKeyPem } });
  tis = server;
  write({ tis: { baseUrl: server.url, caFile: path.join(pki.dir, 'ca.crt'), certFile: path.join(pki.dir, 'client.crt'), keyFile: path.join(pki.dir, 'client.key') } });
  return { k, tis: server };
}

async function until<T>(what: string, f: () => T | null | undefined | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const heldSize = (server: TisServer): number | null => {
  const note = server.checkpoints.latest(DEVICE);
  return note === null ? null : parseCheckpointBody(parseNote(note).text).size;
};
const logSize = (k: KioskDir): number => k.query<{ n: number }>('SELECT count(*) AS n FROM viewing_log')[0]!.n;

async function serve(k: KioskDir): Promise<{ served: Served; c: SessionClient }> {
  served = await serveKiosk(['--demo'], { ...k.env, KIOSK_DEMO_CARRIER: DEMO_CARRIER });
  await until('the first witness check', () => k.json<Status>(['status']).json.witness?.checking === false);
  return { served, c: await SessionClient.connect(served) };
}

/** A whole session, closed; resolves once the TIS holds the checkpoint made at its close. */
async function runSession(k: KioskDir, c: SessionClient, server: TisServer): Promise<number> {
  await openDemoSession(c);
  await c.send({ type: 'viewer.play', mediaTime: 0 });
  await c.sendUntil({ type: 'viewer.end' }, (v) => v.screen === 'ended');
  const closedAt = k.query<{ seq: number }>("SELECT seq FROM viewing_log WHERE entry LIKE '%\"type\":\"session.closed\"%' ORDER BY seq DESC LIMIT 1")[0]!.seq + 1;
  await until('the TIS to hold the session\'s checkpoint', () => (heldSize(server) ?? 0) >= closedAt);
  await c.sendUntil({ type: 'summary.close' }, (v) => v.screen === 'locked');
  return heldSize(server)!;
}

/** The clerk goes as far as confirming a session; returns the refusal's rule. */
async function tryToOpen(c: SessionClient): Promise<string | undefined> {
  await composeDemoSession(c);
  const r = await c.send({ type: 'compose.confirm' });
  expect(r.view.screen).toBe('composing');
  return r.problem?.rule;
}

/** `kioskctl log verify` without blocking this process, which serves the TIS it asks. */
async function logVerify(k: KioskDir, ...extra: string[]): Promise<RunResult> {
  return kioskctlAsync(['log', 'verify', ...extra], k.env);
}

async function expectAlarm(k: KioskDir, server: TisServer, witnessed: number, inLog: number): Promise<void> {
  const r = await logVerify(k, '--json');
  const doc = JSON.parse(r.stdout) as VerifyDoc;
  expect(r.code, r.stdout).toBe(1);
  expect(doc.witnesses).toEqual([expect.objectContaining({ witness: `TIS ${server.url}`, verdict: 'alarm', witnessedSize: witnessed, logSize: inLog })]);
  const text = await logVerify(k);
  expect(text.code).toBe(1);
  expect(text.stdout).toContain(`TIS ${server.url}`);
  expect(text.stdout).toContain(`${witnessed} entries`);
  expect(text.stdout).toContain(`${inLog}`);
}

describe('a viewing log that survives a rollback', () => {
  it('[Q-3] [DC-6] tail truncation: a session\'s checkpoint reaches the TIS; the newest entries (and their checkpoints) cut with sqlite3 pass the device\'s own checks but fail log verify naming the TIS and both sizes, and a restarted service refuses new sessions', async () => {
    const { k, tis: server } = await witnessedKiosk();
    const { c } = await serve(k);
    const witnessed = await runSession(k, c, server);
    expect(JSON.parse((await logVerify(k, '--json')).stdout)).toMatchObject({ ok: true, witnesses: [{ verdict: 'consistent', witnessedSize: witnessed }] });
    await served!.stop();
    served = null;

    const keep = witnessed - 4;
    k.sqlite3(`DELETE FROM viewing_log WHERE seq >= ${keep}; DELETE FROM viewing_log_checkpoint WHERE size > ${keep}; DELETE FROM tis_outbox;`);
    // Without its witness, the device cannot tell.
    fs.writeFileSync(path.join(k.dir, 'offline.json'), JSON.stringify({ ...JSON.parse(fs.readFileSync(path.join(k.dir, 'config.json'), 'utf8')), tis: null }));
    expect(k.ctl(['log', 'verify', '--config', path.join(k.dir, 'offline.json')]).code).toBe(0);
    await expectAlarm(k, server, witnessed, keep);

    const again = await serve(k);
    const status = k.json<Status>(['status']).json;
    expect(status.witness?.alarm).toContain(`TIS ${server.url} holds a checkpoint of ${witnessed} entries but the log holds only`);
    expect(await tryToOpen(again.c)).toBe('session.log-alarm');
    // The alarm is recorded, and the witness still holds what it held.
    expect(k.query<{ context: string; reason: string }>("SELECT context, reason FROM integrity_events WHERE context = 'witness'")).toHaveLength(1);
    expect(heldSize(server)).toBe(witnessed);
  }, 240_000);

  it('[Q-3] [DC-6] an older copy of the whole database put back over the current one: log verify fails naming the TIS and both sizes, and a restarted service refuses new sessions', async () => {
    const { k, tis: server } = await witnessedKiosk();
    let { c } = await serve(k);
    await runSession(k, c, server);
    await served!.stop();
    served = null;
    // The copy someone kept: the database files as they lay on disk.
    const older = fs.mkdtempSync(path.join(tmp, 'older-'));
    const files = ['catalog.sqlite', 'catalog.sqlite-wal', 'catalog.sqlite-shm'];
    for (const f of files) if (fs.existsSync(path.join(k.dir, f))) fs.copyFileSync(path.join(k.dir, f), path.join(older, f));
    const olderSize = logSize(k);

    ({ c } = await serve(k));
    const witnessed = await runSession(k, c, server);
    expect(witnessed).toBeGreaterThan(olderSize);
    await served!.stop();
    served = null;

    for (const f of files) {
      fs.rmSync(path.join(k.dir, f), { force: true });
      if (fs.existsSync(path.join(older, f))) fs.copyFileSync(path.join(older, f), path.join(k.dir, f));
    }
    expect(logSize(k)).toBe(olderSize);
    await expectAlarm(k, server, witnessed, olderSize);

    const again = await serve(k);
    expect(k.json<Status>(['status']).json.witness?.alarm).toMatch(new RegExp(`holds a checkpoint of ${witnessed} entries but the log holds only`, 'u'));
    expect(await tryToOpen(again.c)).toBe('session.log-alarm');
    // Nothing the restored log says was sent over the witnessed one.
    expect(heldSize(server)).toBe(witnessed);
  }, 300_000);
});
