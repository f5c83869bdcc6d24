// The TIS as the viewing log's witness (FORMATS.md §2, checkpoints): the
// reference server, the kiosk's client and a real on-disk log. The server
// keeps the newest checkpoint of each device and refuses one whose
// consistency proof does not extend it; the kiosk checks its log against what
// the server holds, and a witness that answers with something this device did
// not sign is a witness fault, never an alarm about the log.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TisClient } from '../../../app/core/tis/client';
import { ed25519Signer, generateEd25519Signer, signCheckpoint } from '../../../app/core/viewing-log/checkpoint';
import type { ViewingLog } from '../../../app/core/viewing-log';
import { checkTisWitness, witnessWithTis, type DeviceIdentity } from '../../../app/core/witness';
import { startTisServer, type TisServer } from '../../../scripts/tis-server/server';
import { createDb, openLog, sqlite3, TEST_SIGNING_KEY_PEM, type OpenLog } from '../viewing-log/fixtures/log-fixture';
import { makePki, makeTmp, rejection, type Pki } from './fixture';

const DEVICE = 'TEST-DEVICE';
let tmp: string;
let pki: Pki;
let server: TisServer;
let open: OpenLog[] = [];
const device: DeviceIdentity = { id: DEVICE, publicKeyRaw: ed25519Signer('x', createPrivateKey(TEST_SIGNING_KEY_PEM)).publicKeyRaw };

function client(): TisClient {
  return new TisClient({ baseUrl: server.url, ca: pki.read('ca.crt'), cert: pki.read('client.crt'), key: pki.read('client.key'), timeoutMs: 3000, retries: 1, backoffMs: 10 });
}

/** A fresh log of this device with `n` entries and a checkpoint at its end. */
function logWith(n: number, name = 'log.sqlite'): { log: ViewingLog; file: string } {
  const file = path.join(fs.mkdtempSync(path.join(tmp, 'log-')), name);
  createDb(file);
  const o = openLog(file);
  open.push(o);
  for (let i = 0; i < n; i++) o.log.append('test.entry', { i });
  o.log.checkpoint();
  return { log: o.log, file };
}


beforeAll(async () => {
  tmp = makeTmp();
  pki = makePki(tmp);
  const pem = createPublicKey(createPrivateKey(TEST_SIGNING_KEY_PEM)).export({ type: 'spki', format: 'pem' }).toString();
  server = await startTisServer({ root: path.join(tmp, 'root'), certs: pki.dir, stateDir: path.join(tmp, 'state'), devices: { [DEVICE]: pem } });
});

afterEach(() => {
  for (const o of open) o.db.close();
  open = [];
  fs.rmSync(path.join(tmp, 'state', 'checkpoints', `${DEVICE}.note`), { force: true });
  server.setFault(null);
  server.clearRequests();
});

afterAll(async () => {
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the reference TIS witnesses checkpoints', () => {
  it('[Q-3] [DC-6] stores the first checkpoint (201), answers it back from /latest, takes it again as already held (200) and a longer one with a consistency proof (201)', async () => {
    const c = client();
    const { log } = logWith(5);
    expect(await c.latestCheckpoint(DEVICE)).toBeNull();
    const first = log.latestCheckpoint()!;
    expect(await c.postCheckpoint(DEVICE, first, null)).toEqual({ created: true });
    expect(await c.latestCheckpoint(DEVICE)).toBe(first);
    expect(await c.postCheckpoint(DEVICE, first, [])).toEqual({ created: false });

    for (let i = 0; i < 7; i++) log.append('test.entry', { more: i });
    const second = log.checkpoint();
    const proof = log.consistencyProof(5, 12).map((h) => Buffer.from(h, 'hex'));
    expect(await c.postCheckpoint(DEVICE, second, proof)).toEqual({ created: true });
    expect(await c.latestCheckpoint(DEVICE)).toBe(second);
    const posted = server.requests().filter((r) => r.kind === 'checkpoint' && r.method === 'POST');
    expect(posted.map((r) => r.status)).toEqual([201, 200, 201]);
  });

  it('[Q-3] refuses with 409 a checkpoint whose consistency proof does not extend the one it holds: a log rebuilt after a rollback, a smaller tree, a forged proof', async () => {
    const c = client();
    const { log } = logWith(8);
    const held = log.latestCheckpoint()!;
    await c.postCheckpoint(DEVICE, held, null);

    // Another history of the same device (the rollback: an older copy, then new entries): 10 entries whose first 8 differ.
    const other = logWith(0, 'other.sqlite').log;
    for (let i = 0; i < 10; i++) other.append('test.entry', { rewritten: i });
    const rewritten = other.checkpoint();
    const e1 = await rejection(c.postCheckpoint(DEVICE, rewritten, other.consistencyProof(8, 10).map((h) => Buffer.from(h, 'hex'))));
    expect(e1.rule).toBe('tis.checkpoint.refused');
    expect(e1.message).toMatch(/409.*does not show that the tree of 10 entries extends the witnessed tree of 8/u);

    // The genuine log, grown, but the proof tampered with one bit.
    for (let i = 0; i < 5; i++) log.append('test.entry', { more: i });
    const grown = log.checkpoint();
    const proof = log.consistencyProof(8, 13).map((h) => Buffer.from(h, 'hex'));
    proof[0]![0]! ^= 1;
    expect((await rejection(c.postCheckpoint(DEVICE, grown, proof))).rule).toBe('tis.checkpoint.refused');

    // A smaller tree than the one held.
    const small = logWith(3, 'small.sqlite').log.latestCheckpoint()!;
    expect((await rejection(c.postCheckpoint(DEVICE, small, []))).message).toMatch(/409.*covers 3 entries; 8 are witnessed/u);

    // A note signed by another key under this device's name.
    const liar = generateEd25519Signer('court-kiosk/TEST-DEVICE');
    const forged = signCheckpoint({ origin: 'court-kiosk/TEST-DEVICE', size: 13, root: Buffer.from(log.root(), 'hex') }, liar);
    expect((await rejection(c.postCheckpoint(DEVICE, forged, proof))).message).toMatch(/409.*signature/u);

    // Through all of that, the witness still holds the first checkpoint.
    expect(server.requests().filter((r) => r.kind === 'checkpoint' && r.method === 'POST').map((r) => r.status)).toEqual([201, 409, 409, 409, 409]);
    expect(await c.latestCheckpoint(DEVICE)).toBe(held);
  });
});

describe('the kiosk checks its log against the TIS', () => {
  it('[Q-3] [DC-6] delivers its newest checkpoint with a consistency proof from the held one, then finds its log consistent with it', async () => {
    const c = client();
    const { log } = logWith(4);
    const first = await witnessWithTis(log, device, c);
    expect(first).toMatchObject({ sent: { size: 4, created: true }, error: null, verdict: { verdict: 'consistent', witnessedSize: 4, logSize: 4 } });
    for (let i = 0; i < 9; i++) log.append('test.entry', { more: i });
    log.checkpoint();
    const second = await witnessWithTis(log, device, c);
    expect(second).toMatchObject({ sent: { size: 13, created: true }, verdict: { verdict: 'consistent', witnessedSize: 13, logSize: 13 } });
    const post = server.requests().filter((r) => r.kind === 'checkpoint' && r.method === 'POST');
    expect(post.map((r) => r.status)).toEqual([201, 201]);
    // Nothing new: nothing sent.
    expect((await witnessWithTis(log, device, c)).sent).toBeNull();
  });

  it('[Q-3] [DC-6] a log cut at its tail with sqlite3, or replaced by an older copy, is an alarm naming the witness and both sizes; nothing is sent to the witness then', async () => {
    const c = client();
    const { log, file } = logWith(6);
    const older = `${file}.older`;
    sqlite3(file, `.backup '${older}'`);
    for (let i = 0; i < 6; i++) log.append('test.entry', { more: i });
    log.checkpoint();
    await witnessWithTis(log, device, c);
    for (const o of open) o.db.close();
    open = [];

    sqlite3(file, 'DELETE FROM viewing_log WHERE seq >= 9; DELETE FROM viewing_log_checkpoint WHERE size > 9;');
    const cut = openLog(file);
    open.push(cut);
    expect(cut.log.verify().ok).toBe(true); // the device alone cannot tell
    const v = await checkTisWitness(cut.log, device, c);
    expect(v).toMatchObject({ verdict: 'alarm', witnessedSize: 12, logSize: 9 });
    expect(v.problem).toMatch(new RegExp(`TIS ${server.url.replace(/[.]/gu, '\\.')} holds a checkpoint of 12 entries but the log holds only 9`, 'u'));

    // An older copy that then went on logging past the witnessed size: same size or more, other entries.
    const restored = openLog(older, { startMs: Date.UTC(2027, 0, 1) }); // its clock goes on after the copy's entries
    open.push(restored);
    for (let i = 0; i < 8; i++) restored.log.append('test.entry', { after: i });
    restored.log.checkpoint();
    server.clearRequests();
    const run = await witnessWithTis(restored.log, device, c);
    expect(run.verdict).toMatchObject({ verdict: 'alarm', witnessedSize: 12, logSize: 14 });
    expect(run.verdict.problem).toMatch(/checkpoint of 12 entries that the log of 14 entries does not extend/u);
    expect(run.sent).toBeNull();
    expect(server.requests().filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('[Q-3] a witness answering with a checkpoint of another key, or a malformed note, is a witness fault, not an alarm about the log, and is never trusted', async () => {
    const c = client();
    const { log } = logWith(5);
    await witnessWithTis(log, device, c);

    server.setFault({ kind: 'checkpoint-foreign-key' });
    const foreign = await witnessWithTis(log, device, c);
    expect(foreign.verdict).toMatchObject({ verdict: 'fault', witnessedSize: null, logSize: 5 });
    expect(foreign.verdict.problem).toMatch(/did not sign \(checkpoint\.signature\.unknown-key/u);

    server.setFault({ kind: 'checkpoint-malformed' });
    const malformed = await witnessWithTis(log, device, c);
    expect(malformed.verdict).toMatchObject({ verdict: 'fault', witnessedSize: null });
    expect(malformed.verdict.problem).toMatch(/note\.format|signature/u);

    // Never trusted: nothing is sent on the strength of what it answered.
    log.append('test.entry', { more: 1 });
    log.checkpoint();
    expect((await witnessWithTis(log, device, c)).sent).toBeNull();
    server.setFault(null);
    expect((await witnessWithTis(log, device, c))).toMatchObject({ sent: { size: 6 }, verdict: { verdict: 'consistent' } });
  });

  it('a witness that cannot be reached is reported as unreachable, not as an alarm', async () => {
    const c = client();
    const { log } = logWith(2);
    server.setFault({ kind: 'status-500' });
    expect((await checkTisWitness(log, device, c)).verdict).toBe('unreachable');
  });
});
