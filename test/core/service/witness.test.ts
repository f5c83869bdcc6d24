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
import { kioskctlAsync, type RunResult } from '../../helpers/kioskctl';
import type { KioskDir } from '../../helpers/kiosk-dir';
import { type SessionClient, composeDemoSession } from '../../helpers/session-client';
import { WitnessedKiosk, type WitnessStatus } from '../../helpers/witness';
import { makePki, makeTmp, type Pki } from '../tis/fixture';

let tmp: string;
let pki: Pki;
let kiosk: WitnessedKiosk | null = null;

beforeAll(() => {
  tmp = makeTmp();
  pki = makePki(tmp);
});

afterEach(async () => {
  await kiosk?.close();
  kiosk = null;
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface VerifyDoc {
  ok: boolean;
  problem?: string;
  witnesses: Array<{ witness: string; verdict: string; witnessedSize: number | null; logSize: number; problem: string | null }>;
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

async function expectAlarm(w: WitnessedKiosk, witnessed: number, inLog: number): Promise<void> {
  const r = await logVerify(w.k, '--json');
  const doc = JSON.parse(r.stdout) as VerifyDoc;
  expect(r.code, r.stdout).toBe(1);
  expect(doc.witnesses).toEqual([expect.objectContaining({ witness: `TIS ${w.tis.url}`, verdict: 'alarm', witnessedSize: witnessed, logSize: inLog })]);
  const text = await logVerify(w.k);
  expect(text.code).toBe(1);
  expect(text.stdout).toContain(`TIS ${w.tis.url}`);
  expect(text.stdout).toContain(`${witnessed} entries`);
  expect(text.stdout).toContain(`${inLog}`);
}

describe('a viewing log that survives a rollback', () => {
  it('[Q-3] [DC-6] tail truncation: a session\'s checkpoint reaches the TIS; the newest entries (and their checkpoints) cut with sqlite3 pass the device\'s own checks but fail log verify naming the TIS and both sizes, and a restarted service refuses new sessions', async () => {
    const w = (kiosk = await WitnessedKiosk.create(pki, tmp));
    const witnessed = await w.runSession(await w.serve());
    expect(JSON.parse((await logVerify(w.k, '--json')).stdout)).toMatchObject({ ok: true, witnesses: [{ verdict: 'consistent', witnessedSize: witnessed }] });
    await w.stop();

    const keep = witnessed - 4;
    w.cutTail(keep);
    // Without its witness, the device cannot tell.
    fs.writeFileSync(path.join(w.k.dir, 'offline.json'), JSON.stringify({ ...JSON.parse(fs.readFileSync(path.join(w.k.dir, 'config.json'), 'utf8')), tis: null }));
    expect(w.k.ctl(['log', 'verify', '--config', path.join(w.k.dir, 'offline.json')]).code).toBe(0);
    await expectAlarm(w, witnessed, keep);

    const c = await w.serve();
    const status = w.k.json<WitnessStatus>(['status']).json;
    expect(status.witness?.alarm).toContain(`TIS ${w.tis.url} holds a checkpoint of ${witnessed} entries but the log holds only`);
    expect(await tryToOpen(c)).toBe('session.log-alarm');
    // The alarm is recorded, and the witness still holds what it held.
    expect(w.k.query<{ context: string; reason: string }>("SELECT context, reason FROM integrity_events WHERE context = 'witness'")).toHaveLength(1);
    expect(w.heldSize()).toBe(witnessed);
  }, 240_000);

  it('[Q-3] [DC-6] an older copy of the whole database put back over the current one: log verify fails naming the TIS and both sizes, and a restarted service refuses new sessions', async () => {
    const w = (kiosk = await WitnessedKiosk.create(pki, tmp));
    await w.runSession(await w.serve());
    await w.stop();
    // The copy someone kept: the database files as they lay on disk.
    const older = fs.mkdtempSync(path.join(tmp, 'older-'));
    const files = ['catalog.sqlite', 'catalog.sqlite-wal', 'catalog.sqlite-shm'];
    for (const f of files) if (fs.existsSync(path.join(w.k.dir, f))) fs.copyFileSync(path.join(w.k.dir, f), path.join(older, f));
    const olderSize = w.logSize();

    const witnessed = await w.runSession(await w.serve());
    expect(witnessed).toBeGreaterThan(olderSize);
    await w.stop();

    for (const f of files) {
      fs.rmSync(path.join(w.k.dir, f), { force: true });
      if (fs.existsSync(path.join(older, f))) fs.copyFileSync(path.join(older, f), path.join(w.k.dir, f));
    }
    expect(w.logSize()).toBe(olderSize);
    await expectAlarm(w, witnessed, olderSize);

    const c = await w.serve();
    expect(w.k.json<WitnessStatus>(['status']).json.witness?.alarm).toMatch(new RegExp(`holds a checkpoint of ${witnessed} entries but the log holds only`, 'u'));
    expect(await tryToOpen(c)).toBe('session.log-alarm');
    // Nothing the restored log says was sent over the witnessed one.
    expect(w.heldSize()).toBe(witnessed);
  }, 300_000);
});
