import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TisClient } from '../../../app/core/tis/client';
import { TisError } from '../../../app/core/tis/errors';
import { OUTBOX_SCHEMA_SQL, TisOutbox, type ReportPoster } from '../../../app/core/tis/outbox';
import { startTisServer, type TisServer } from '../../../scripts/tis-server/server';
import { makeCases, makePki, makeTmp, UA_SIGNATURE, type Pki } from './fixture';

let tmp: string;
let pki: Pki;
let root: string;
let server: TisServer;
let dbCount = 0;

function client(url = server.url): TisClient {
  return new TisClient({ baseUrl: url, ca: pki.read('ca.crt'), cert: pki.read('client.crt'), key: pki.read('client.key'), timeoutMs: 2000, retries: 0, backoffMs: 10 });
}

function newDbFile(): string {
  dbCount += 1;
  const file = path.join(tmp, `kiosk-${dbCount}.sqlite`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(OUTBOX_SCHEMA_SQL);
  db.close();
  return file;
}

function report(id: string): Buffer {
  return Buffer.from(JSON.stringify({ reportId: id, case: UA_SIGNATURE, viewings: [{ at: '2025-03-06T10:00:00+02:00' }], signature: 'sig' }));
}

/** Posts for real, then "crashes" before the kiosk can record the acknowledgement. */
function crashingAfterPost(inner: ReportPoster): ReportPoster & { acks: string[] } {
  const acks: string[] = [];
  return {
    acks,
    async postViewingReport(sig, body, key) {
      const ack = await inner.postViewingReport(sig, body, key);
      acks.push(ack.id);
      throw new Error('power cut');
    },
  };
}

beforeAll(async () => {
  tmp = makeTmp();
  pki = makePki(tmp);
  root = path.join(tmp, 'root');
  await makeCases(root, pki, tmp);
  server = await startTisServer({ root, certs: pki.dir });
});

afterAll(async () => {
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('TisOutbox', () => {
  it('[PL-6.1] delivers a queued viewing report and records the TIS id and time', async () => {
    const db = new Database(newDbFile());
    const outbox = new TisOutbox(db);
    outbox.enqueue({ caseSignature: UA_SIGNATURE, reportId: 'r-deliver', body: report('r-deliver') });
    expect(outbox.list()[0]).toMatchObject({ reportId: 'r-deliver', remoteId: null, deliveredAt: null, attempts: 0 });
    const run = await outbox.deliverPending(client());
    expect(run).toEqual({ delivered: 1, failed: 0, pending: 0 });
    const e = outbox.list()[0];
    const stored = server.reports.all().find((r) => r.id === e?.remoteId);
    expect(stored?.caseSignature).toBe(UA_SIGNATURE);
    expect(server.reports.body(stored?.id ?? '').equals(report('r-deliver'))).toBe(true);
    expect(e?.deliveredAt).not.toBeNull();
    expect(await outbox.deliverPending(client())).toEqual({ delivered: 0, failed: 0, pending: 0 });
    db.close();
  });

  it('enqueuing the same report twice is one entry; another report under the same id is refused', () => {
    const db = new Database(newDbFile());
    const outbox = new TisOutbox(db);
    const a = outbox.enqueue({ caseSignature: UA_SIGNATURE, reportId: 'r-twice', body: report('r-twice') });
    const b = outbox.enqueue({ caseSignature: UA_SIGNATURE, reportId: 'r-twice', body: report('r-twice') });
    expect(b.idempotencyKey).toBe(a.idempotencyKey);
    expect(outbox.list()).toHaveLength(1);
    expect(() => outbox.enqueue({ caseSignature: UA_SIGNATURE, reportId: 'r-twice', body: report('other') })).toThrow(TisError);
    db.close();
  });

  it('[PL-6.1][Q-1] files a report exactly once across a kiosk restart between POST and acknowledgement', async () => {
    const file = newDbFile();
    let db = new Database(file);
    let outbox = new TisOutbox(db);
    outbox.enqueue({ caseSignature: UA_SIGNATURE, reportId: 'r-kiosk-restart', body: report('r-kiosk-restart') });
    const crashing = crashingAfterPost(client());
    expect(await outbox.deliverPending(crashing)).toEqual({ delivered: 0, failed: 1, pending: 1 });
    expect(crashing.acks).toHaveLength(1);
    const key = outbox.list()[0]?.idempotencyKey;
    db.close();

    // A new process: new database handle, new client; the retry is due later.
    const later = new Date(Date.now() + 24 * 3600 * 1000);
    db = new Database(file);
    outbox = new TisOutbox(db, { now: () => later });
    expect(await outbox.deliverPending(client())).toEqual({ delivered: 1, failed: 0, pending: 0 });
    const e = outbox.list()[0];
    expect(e?.remoteId).toBe(crashing.acks[0]);
    expect(e?.attempts).toBe(2);
    expect(server.requests().filter((r) => r.idempotencyKey === `"${key}"`).map((r) => r.status)).toEqual([201, 200]);
    expect(server.reports.all().filter((r) => r.id === e?.remoteId)).toHaveLength(1);
    db.close();
  });

  it('[PL-6.1][Q-1] files a report exactly once across a TIS restart, retrying with back-off while it is down', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const db = new Database(newDbFile());
    // No jitter here (random 0): the delay is exactly the doubled back-off.
    const outbox = new TisOutbox(db, { now: () => now, backoffMs: 60_000, random: () => 0 });
    const port = server.port;
    outbox.enqueue({ caseSignature: UA_SIGNATURE, reportId: 'r-tis-restart', body: report('r-tis-restart') });

    // The TIS files it, the acknowledgement is lost, then the TIS goes down.
    const crashing = crashingAfterPost(client());
    await outbox.deliverPending(crashing);
    await server.close();

    now = new Date(now.getTime() + 61_000);
    expect(await outbox.deliverPending(client(`https://127.0.0.1:${port}`))).toEqual({ delivered: 0, failed: 1, pending: 1 });
    const waiting = outbox.list()[0];
    expect(waiting?.lastError).toMatch(/^tis\.network: /);
    expect(waiting?.attempts).toBe(2);
    expect(waiting?.nextAttemptAt).toBe(new Date(now.getTime() + 120_000).toISOString());

    // Not due yet: nothing is attempted.
    expect(await outbox.deliverPending(client(`https://127.0.0.1:${port}`))).toEqual({ delivered: 0, failed: 0, pending: 1 });

    server = await startTisServer({ root, certs: pki.dir, port });
    now = new Date(now.getTime() + 121_000);
    expect(await outbox.deliverPending(client())).toEqual({ delivered: 1, failed: 0, pending: 0 });
    expect(outbox.list()[0]?.remoteId).toBe(crashing.acks[0]);
    expect(server.requests().map((r) => r.status)).toEqual([200]);
    db.close();
  });
});
