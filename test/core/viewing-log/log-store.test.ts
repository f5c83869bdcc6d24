import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyCheckpoint } from '../../../app/core/viewing-log/checkpoint';
import { leafHash, verifyConsistency, verifyInclusion } from '../../../app/core/viewing-log/merkle';
import { IntegrityError } from '../../../app/core/errors';
import { type OpenLog, KEY_NAME, LEGACY_KEY_NAME, ORIGIN, TEST_MAC_KEY, TEST_SIGNING_KEY_PEM, createDb, openLog, sqlite3, tempDir } from './fixtures/log-fixture';
import Database from 'better-sqlite3';
import { createPrivateKey } from 'node:crypto';
import { ed25519Signer } from '../../../app/core/viewing-log/checkpoint';
import { ViewingLog, hmacSha256 } from '../../../app/core/viewing-log/log-store';
import { checkpointsAfter } from '../../../app/shared/log-origin';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

let dir: string;
let file: string;
let open: OpenLog[];

function fresh(opts: Parameters<typeof openLog>[1] = {}): OpenLog {
  const o = openLog(file, opts);
  open.push(o);
  return o;
}

function closeAll(): void {
  for (const o of open) if (o.db.open) o.db.close();
  open = [];
}

function fill(log: OpenLog['log'], n: number): void {
  for (let i = 0; i < n; i++) log.append(i % 2 === 0 ? 'view.start' : 'view.stop', { recording: `rec-${i}`, party: 'P-7', seat: i });
}

beforeEach(() => {
  dir = tempDir();
  file = path.join(dir, 'kiosk.db');
  createDb(file);
  open = [];
});

afterEach(() => {
  closeAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('ViewingLog', () => {
  it('[DC-6] appends canonical JSON entries whose leaf hashes, proofs and checkpoints verify', () => {
    const { log, db } = fresh({ checkpointEvery: 5 });
    const r0 = log.append('view.start', { recording: 'rec-1', party: 'P-7', z: 1, a: { y: 2, b: [3, 'ä'] } });
    expect(r0.seq).toBe(0);
    fill(log, 11);
    expect(log.size).toBe(12);

    const stored = db.prepare('SELECT entry FROM viewing_log WHERE seq = 0').pluck().get() as string;
    expect(stored).toBe(
      '{"data":{"a":{"b":[3,"ä"],"y":2},"party":"P-7","recording":"rec-1","z":1},"seq":0,"time":"2026-01-05T09:00:01.000Z","type":"view.start"}',
    );
    expect(leafHash(Buffer.from(stored, 'utf8')).toString('hex')).toBe(r0.leafHash);

    const [e3] = log.entries(3, 4);
    expect(e3).toMatchObject({ seq: 3, type: 'view.start', data: { recording: 'rec-2', party: 'P-7', seat: 2 } });
    expect(log.entries(0, 12).map((e) => e.seq)).toEqual([...Array(12).keys()]);

    // Automatic checkpoints at 5 and 10, then an explicit one at 12.
    const sizes = db.prepare('SELECT size FROM viewing_log_checkpoint ORDER BY size').pluck().all();
    expect(sizes).toEqual([5, 10]);
    const note = log.checkpoint();
    expect(log.latestCheckpoint()).toBe(note);
    const cp = verifyCheckpoint(note, log.verifierKey(), ORIGIN);
    expect(cp.size).toBe(12);
    expect(cp.root.toString('hex')).toBe(log.root());

    for (let seq = 0; seq < 12; seq++) {
      const proof = log.inclusionProof(seq, 12).map((h) => Buffer.from(h, 'hex'));
      const leaf = Buffer.from(log.entries(seq, seq + 1)[0]?.leafHash ?? '', 'hex');
      expect(verifyInclusion(seq, 12, leaf, proof, cp.root)).toBe(true);
    }
    const old = verifyCheckpoint(
      db.prepare('SELECT note FROM viewing_log_checkpoint WHERE size = 5').pluck().get() as string,
      log.verifierKey(),
      ORIGIN,
    );
    const cproof = log.consistencyProof(5, 12).map((h) => Buffer.from(h, 'hex'));
    expect(verifyConsistency(5, 12, old.root, cp.root, cproof)).toBe(true);

    const v = log.verify();
    expect(v).toEqual({ ok: true, entries: 12, firstBad: null, checkpoint: { size: 12, root: log.root() } });
  });

  it('[DC-6] runs the database in WAL mode with synchronous=FULL', () => {
    const { db } = fresh();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('[DC-6] reopening rebuilds the tree and continues the MAC chain', () => {
    const a = fresh({ checkpointEvery: 4 });
    fill(a.log, 9);
    const root9 = a.log.root();
    a.db.close();
    const b = fresh({ checkpointEvery: 4 });
    expect(b.log.size).toBe(9);
    expect(b.log.root()).toBe(root9);
    fill(b.log, 4);
    expect(b.log.verify()).toMatchObject({ ok: true, entries: 13, firstBad: null, checkpoint: { size: 12 } });
  });

  it('refuses data JSON cannot carry faithfully', () => {
    const { log } = fresh();
    expect(() => log.append('view.start', { when: new Date() })).toThrow(/plain object/u);
    expect(() => log.append('view.start', { n: Number.NaN })).toThrow(/finite/u);
    expect(() => log.append('', {})).toThrow(/type/u);
    expect(log.size).toBe(0);
  });

  it('[Q-3] detects an entry edited with the sqlite3 tool, with or without a recomputed leaf hash, naming its seq', () => {
    const { log, db } = fresh({ checkpointEvery: 1000 });
    fill(log, 10);
    db.close();

    sqlite3(file, `UPDATE viewing_log SET entry = replace(entry, '"party":"P-7"', '"party":"P-8"') WHERE seq = 6;`);
    let r = fresh().log.verify();
    expect(r).toMatchObject({ ok: false, firstBad: 6, entries: 10 });
    expect(r.problem).toMatch(/leaf hash/u);

    // A careful forger also fixes the leaf hash; the device-keyed MAC still catches it.
    closeAll();
    const edited = sqlite3(file, 'SELECT entry FROM viewing_log WHERE seq = 6;').trimEnd();
    const lh = leafHash(Buffer.from(edited, 'utf8')).toString('hex');
    sqlite3(file, `UPDATE viewing_log SET leaf_hash = X'${lh}' WHERE seq = 6;`);
    const o = fresh();
    r = o.log.verify();
    expect(r).toMatchObject({ ok: false, firstBad: 6 });
    expect(r.problem).toMatch(/MAC/u);
    expect(() => o.log.entries(5, 8)).toThrow(IntegrityError);
    expect(o.log.entries(0, 6)).toHaveLength(6);
  });

  it('[Q-3] detects an entry deleted with the sqlite3 tool, naming its seq', () => {
    const { log, db } = fresh();
    fill(log, 10);
    db.close();
    sqlite3(file, 'DELETE FROM viewing_log WHERE seq = 4;');
    const r = fresh().log.verify();
    expect(r).toMatchObject({ ok: false, firstBad: 4, entries: 9 });
    expect(r.problem).toMatch(/missing/u);
  });

  it('[Q-3] detects two rows whose payloads were swapped with the sqlite3 tool, naming the first', () => {
    const { log, db } = fresh();
    fill(log, 10);
    db.close();
    // Swap everything but seq between rows 3 and 7: each row is self-consistent, only its place is wrong.
    sqlite3(
      file,
      `BEGIN;
       CREATE TEMP TABLE t AS SELECT * FROM viewing_log WHERE seq IN (3, 7);
       UPDATE viewing_log SET entry = (SELECT entry FROM t WHERE seq = 7), leaf_hash = (SELECT leaf_hash FROM t WHERE seq = 7), mac = (SELECT mac FROM t WHERE seq = 7) WHERE seq = 3;
       UPDATE viewing_log SET entry = (SELECT entry FROM t WHERE seq = 3), leaf_hash = (SELECT leaf_hash FROM t WHERE seq = 3), mac = (SELECT mac FROM t WHERE seq = 3) WHERE seq = 7;
       COMMIT;`,
    );
    expect(sqlite3(file, 'SELECT seq FROM viewing_log WHERE entry LIKE \'%"seq":7,%\';').trim()).toBe('3');
    const r = fresh().log.verify();
    expect(r).toMatchObject({ ok: false, firstBad: 3 });

    // Swapping only the JSON payloads (not hashes/MACs) is caught the same way.
    closeAll();
    fs.rmSync(file);
    for (const ext of ['-wal', '-shm']) fs.rmSync(file + ext, { force: true });
    createDb(file);
    const b = fresh();
    fill(b.log, 10);
    b.db.close();
    sqlite3(
      file,
      `BEGIN;
       CREATE TEMP TABLE t AS SELECT seq, entry FROM viewing_log WHERE seq IN (2, 8);
       UPDATE viewing_log SET entry = (SELECT entry FROM t WHERE seq = 8) WHERE seq = 2;
       UPDATE viewing_log SET entry = (SELECT entry FROM t WHERE seq = 2) WHERE seq = 8;
       COMMIT;`,
    );
    expect(fresh().log.verify()).toMatchObject({ ok: false, firstBad: 2 });
  });

  it('[Q-3] detects an entry appended with the sqlite3 tool without the device key, naming its seq', () => {
    const { log, db } = fresh();
    fill(log, 10);
    db.close();
    const entry = '{"data":{"party":"P-7","recording":"rec-x"},"seq":10,"time":"2026-01-05T09:00:30.000Z","type":"view.stop"}';
    const lh = leafHash(Buffer.from(entry, 'utf8')).toString('hex');
    // Correct leaf hash, but the forger has no MAC key: reuse the previous row's MAC.
    sqlite3(file, `INSERT INTO viewing_log (seq, entry, leaf_hash, mac) SELECT 10, '${entry}', X'${lh}', mac FROM viewing_log WHERE seq = 9;`);
    const o = fresh();
    expect(o.log.size).toBe(11);
    const r = o.log.verify();
    expect(r).toMatchObject({ ok: false, firstBad: 10, entries: 11 });
    expect(r.problem).toMatch(/MAC/u);
  });

  it('[Q-3] detects the newest entries cut off behind a stored checkpoint', () => {
    const { log, db } = fresh({ checkpointEvery: 5 });
    fill(log, 12);
    db.close();
    sqlite3(file, 'DELETE FROM viewing_log WHERE seq >= 8;');
    const r = fresh({ checkpointEvery: 5 }).log.verify();
    expect(r).toMatchObject({ ok: false, firstBad: 8, entries: 8, checkpoint: { size: 5 } });
    expect(r.problem).toMatch(/covers 10 entries/u);
  });

  it('[Q-3] detects a stored checkpoint that was altered or forged', () => {
    const { log, db } = fresh({ checkpointEvery: 5 });
    fill(log, 7);
    db.close();
    sqlite3(file, `UPDATE viewing_log_checkpoint SET note = replace(note, char(10) || '5' || char(10), char(10) || '4' || char(10)), size = 4 WHERE size = 5;`);
    const r = fresh().log.verify();
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/signature/u);
  });

  it('[Q-3] catches a database replaced by an older copy, against a previously exported checkpoint', () => {
    const a = fresh({ checkpointEvery: 1000 });
    fill(a.log, 10);
    a.db.close();
    const older = path.join(dir, 'older.db');
    fs.copyFileSync(file, older); // closed cleanly, so the WAL has been folded in
    const b = fresh({ checkpointEvery: 1000 });
    fill(b.log, 10);
    const exported = b.log.checkpoint(); // handed to court IT
    expect(b.log.verify({ trustedCheckpoint: exported }).ok).toBe(true);
    b.db.close();

    fs.copyFileSync(older, file);
    for (const ext of ['-wal', '-shm']) fs.rmSync(file + ext, { force: true });
    const c = fresh({ checkpointEvery: 1000 });
    expect(c.log.verify().ok).toBe(true); // on its own the old copy looks fine
    const r = c.log.verify({ trustedCheckpoint: exported, verifierKey: c.log.verifierKey() });
    expect(r).toMatchObject({ ok: false, firstBad: 10, entries: 10 });
    expect(r.problem).toMatch(/older copy/u);
  });

  it('[Q-3] catches a database of the same size that does not extend the exported checkpoint', () => {
    const a = fresh({ checkpointEvery: 1000 });
    fill(a.log, 6);
    const exported = a.log.checkpoint();
    a.db.close();

    // Same device keys, different history (e.g. rebuilt from a backup and re-filled).
    fs.rmSync(file);
    for (const ext of ['-wal', '-shm']) fs.rmSync(file + ext, { force: true });
    createDb(file);
    const b = fresh({ checkpointEvery: 1000, startMs: Date.UTC(2026, 1, 1) });
    fill(b.log, 9);
    expect(b.log.verify().ok).toBe(true);
    const r = b.log.verify({ trustedCheckpoint: exported });
    expect(r).toMatchObject({ ok: false, firstBad: 0 });
    expect(r.problem).toMatch(/differs from the trusted checkpoint at size 6/u);
  });

  it('[Q-3] rejects a trusted checkpoint that is not signed by the verifier key', () => {
    const { log } = fresh();
    fill(log, 3);
    const note = log.checkpoint();
    const r = log.verify({ trustedCheckpoint: note.replace('\n3\n', '\n2\n') });
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/trusted checkpoint: .*does not verify/u);
  });

  it('[DC-6] [Q-3] keeps every acknowledged entry when the writer is killed with SIGKILL', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures/append-child.ts'), file], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: number[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    let buf = '';
    await new Promise<void>((resolve, reject) => {
      child.on('exit', () => reject(new Error(`child exited early: ${stderr}`)));
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        for (const l of lines) acked.push(Number(l));
        if (acked.length >= 60) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    expect(await exited).toBe('SIGKILL');
    expect(acked.length).toBeGreaterThanOrEqual(60);
    expect(acked).toEqual([...Array(acked.length).keys()]);

    const { log } = fresh({ checkpointEvery: 7 });
    expect(log.size).toBeGreaterThanOrEqual(acked.length);
    const got = log.entries(0, log.size).map((e) => e.seq);
    for (const s of acked) expect(got).toContain(s);
    const r = log.verify();
    expect(r).toMatchObject({ ok: true, firstBad: null, entries: log.size });
    // The last automatic checkpoint is the newest signed tree the verifier vouches for.
    expect(r.checkpoint?.size).toBe(Math.floor(log.size / 7) * 7);
  });
});

describe('the log head is read inside the writing transaction', () => {
  it('[DC-6] [Q-1] an entry appended inside a transaction that rolls back leaves no trace: size, root, proofs and the next seq follow the table', () => {
    const { log, db } = fresh({ checkpointEvery: 4 });
    fill(log, 3);
    const rootBefore = log.root();
    expect(() =>
      db.transaction(() => {
        log.append('import.package', { ref: 'carrier-1' });
        log.append('import.package', { ref: 'carrier-2' }); // crosses a checkpoint boundary too
        throw new Error('the catalog insert failed');
      })(),
    ).toThrow('the catalog insert failed');
    expect(log.size).toBe(3);
    expect(log.root()).toBe(rootBefore);
    expect(db.prepare('SELECT count(*) FROM viewing_log_checkpoint').pluck().get()).toBe(0);
    expect(log.verify()).toMatchObject({ ok: true, entries: 3 });
    expect(log.append('import.package', { ref: 'carrier-3' }).seq).toBe(3);
    expect(log.verify()).toMatchObject({ ok: true, entries: 4, checkpoint: { size: 4 } });
    expect(log.entries(3, 4)[0]?.data).toEqual({ ref: 'carrier-3' });
  });

  it('[DC-6] [Q-1] an entry and the rows it describes commit together inside one transaction', () => {
    const { log, db } = fresh();
    db.exec('CREATE TABLE t (x INTEGER)');
    db.transaction(() => {
      db.prepare('INSERT INTO t VALUES (1)').run();
      log.append('import.package', { ref: 'carrier-1' });
    })();
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1);
    expect(log.size).toBe(1);
    expect(log.verify().ok).toBe(true);
  });

  it('[DC-6] [Q-1] a second writer on another connection never makes the first fail on a duplicate seq: each append builds on the table', () => {
    const a = fresh();
    const b = fresh();
    a.log.append('view.start', { n: 0 });
    b.log.append('view.start', { n: 1 });
    expect(a.log.append('view.start', { n: 2 }).seq).toBe(2);
    expect(b.log.append('view.start', { n: 3 }).seq).toBe(3);
    expect(a.log.size).toBe(4);
    expect(a.log.root()).toBe(b.log.root());
    expect(a.log.verify()).toMatchObject({ ok: true, entries: 4 });
  });

  it('[Q-3] committed entries cut from the tail under a running log: the next append is refused, never written over the gap', () => {
    const { log } = fresh();
    fill(log, 5);
    sqlite3(file, 'DELETE FROM viewing_log WHERE seq >= 3');
    expect(() => log.append('view.start', { n: 5 })).toThrow(IntegrityError);
    expect(() => log.append('view.start', { n: 5 })).toThrow(/holds 3 entries but 5 were committed/);
    expect(log.verify()).toMatchObject({ ok: false, firstBad: 3 });
  });
});

describe('hmacSha256', () => {
  it('equals node:crypto HMAC-SHA-256 for short, block-sized and long keys and data', async () => {
    const { createHmac, randomBytes } = await import('node:crypto');
    const { hmacSha256 } = await import('../../../app/core/viewing-log/log-store');
    for (const keyLen of [0, 16, 32, 64, 65, 100]) {
      const key = randomBytes(keyLen);
      const mac = hmacSha256(key);
      for (const dataLen of [0, 40, 72, 200, 5000, 72]) {
        const data = randomBytes(dataLen);
        expect(mac(data).toString('hex')).toBe(createHmac('sha256', key).update(data).digest('hex'));
      }
    }
  });
});

describe('entries whose data uses the key "seq"', () => {
  it('[Q-3] still pins the top-level seq, so a nested "seq" cannot hide a moved entry', () => {
    const { log } = fresh();
    log.append('view.start', { seq: 99, inner: { seq: 5 }, note: 'has ,"seq":7, inside' });
    log.append('view.start', { seq: 0 });
    expect(log.verify()).toMatchObject({ ok: true, entries: 2 });
    expect(log.entries(0, 2).map((e) => e.data)).toEqual([{ seq: 99, inner: { seq: 5 }, note: 'has ,"seq":7, inside' }, { seq: 0 }]);
  });
});

describe('checkpoints at the events that matter', () => {
  it('[DC-6] signs a checkpoint at most every 100 entries and right after each entry type it is told to, in the same transaction; listeners hear of it after the commit', async () => {
    const db = new Database(file);
    const log = new ViewingLog({
      db,
      signer: ed25519Signer(KEY_NAME, createPrivateKey(TEST_SIGNING_KEY_PEM)),
      mac: hmacSha256(TEST_MAC_KEY),
      origin: ORIGIN,
      checkpointAfter: checkpointsAfter,
    });
    open.push({ db, log });
    const heard: number[] = [];
    log.onDidCheckpoint((size) => heard.push(size));
    const sizes = (): number[] => (db.prepare('SELECT size FROM viewing_log_checkpoint ORDER BY size').pluck().all() as number[]);
    for (let i = 0; i < 150; i++) log.append('playback.seek', { i });
    expect(sizes()).toEqual([100]);
    log.append('session.closed', { sessionId: 's' });
    db.transaction(() => log.append('import.package', { ref: 'x' }))();
    // A caller's transaction that rolls back takes its checkpoint with it.
    expect(() =>
      db.transaction(() => {
        log.append('purge', { case: 'x' });
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    log.append('export', { case: 'x' });
    expect(sizes()).toEqual([100, 151, 152, 153]);
    expect(heard).toEqual([]);
    await new Promise((r) => setImmediate(r));
    // The rolled-back purge announced too (its transaction was the caller's); a listener reads the table, which has no checkpoint for it.
    expect(heard).toEqual([100, 151, 152, 153, 153]);
    expect(log.verify()).toMatchObject({ ok: true, checkpoint: { size: 153 } });
    for (const s of sizes()) expect(verifyCheckpoint(db.prepare('SELECT note FROM viewing_log_checkpoint WHERE size = ?').pluck().get(s) as string, log.verifierKey(), ORIGIN).size).toBe(s);
  });

  it('[DC-6] [Q-3] the key name is the origin line; checkpoints stored under the key name the device used before still verify, a foreign name does not', () => {
    const old = new Database(file);
    const before = new ViewingLog({ db: old, signer: ed25519Signer(LEGACY_KEY_NAME, createPrivateKey(TEST_SIGNING_KEY_PEM)), mac: hmacSha256(TEST_MAC_KEY), origin: ORIGIN });
    fill(before, 5);
    before.checkpoint();
    old.close();

    const { log } = fresh();
    expect(log.latestCheckpoint()).toMatch(new RegExp(`\\n\\n\u2014 ${LEGACY_KEY_NAME} `, 'u'));
    expect(log.verify()).toMatchObject({ ok: false, problem: expect.stringMatching(/not signed by key court-kiosk\/TEST-DEVICE/u) });
    closeAll();
    const db = new Database(file);
    const now = new ViewingLog({ db, signer: ed25519Signer(KEY_NAME, createPrivateKey(TEST_SIGNING_KEY_PEM)), mac: hmacSha256(TEST_MAC_KEY), origin: ORIGIN, legacyKeyNames: [LEGACY_KEY_NAME] });
    open.push({ db, log: now });
    expect(now.verify()).toMatchObject({ ok: true, checkpoint: { size: 5 } });
    expect(now.checkpoint()).toMatch(new RegExp(`\\n\\n\u2014 ${ORIGIN} `, 'u'));
    expect(KEY_NAME).toBe(ORIGIN);
  });
});

describe('a wall clock that steps back', () => {
  it('[DC-6] [Q-3] an entry whose wall time is earlier than the previous entry\'s is preceded by a clock.stepBack entry with both times; the log verifies, and a reopened log still knows the last time', () => {
    const db = new Database(file);
    let now = Date.UTC(2026, 2, 20, 10, 0, 0);
    const make = (): ViewingLog =>
      new ViewingLog({ db, signer: ed25519Signer(KEY_NAME, createPrivateKey(TEST_SIGNING_KEY_PEM)), mac: hmacSha256(TEST_MAC_KEY), origin: ORIGIN, clock: () => new Date(now) });
    let log = make();
    open.push({ db, log });
    log.append('playback.play', { i: 1 });
    now += 1000;
    log.append('playback.pause', { i: 2 });
    now -= 3 * 3600_000; // stepped back three hours
    const { seq } = log.append('playback.play', { i: 3 });
    now += 1000;
    log.append('playback.pause', { i: 4 }); // later than the step: no new marker
    log = make(); // a restart still compares with the newest entry
    now -= 60_000;
    log.append('playback.seek', { i: 5 });

    const all = log.entries(0, log.size);
    expect(all.map((e) => e.type)).toEqual(['playback.play', 'playback.pause', 'clock.stepBack', 'playback.play', 'playback.pause', 'clock.stepBack', 'playback.seek']);
    expect(seq).toBe(3);
    expect(all[2]!.data).toEqual({ previous: '2026-03-20T10:00:01.000Z', now: '2026-03-20T07:00:01.000Z' });
    expect(all[2]!.time).toBe('2026-03-20T07:00:01.000Z');
    expect(all[5]!.data).toEqual({ previous: '2026-03-20T07:00:02.000Z', now: '2026-03-20T06:59:02.000Z' });
    expect(log.verify()).toMatchObject({ ok: true, entries: 7 });
  });
});
