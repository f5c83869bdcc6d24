// /api/admin/* through the real request handler, over a real kiosk (catalog
// on disk, demo carrier imported, a plain folder held for completion), with
// the real session service deciding who is signed in.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminService } from '../../../app/core/admin';
import { createKioskAuth, hashPin, MAX_FAILURES } from '../../../app/core/auth';
import type { Account } from '../../../app/core/auth/accounts';
import { loadConfig } from '../../../app/core/config';
import { createRequestHandler, type RequestHandler } from '../../../app/core/http';
import { importPath, ingestContextFor } from '../../../app/core/ingest';
import { openKiosk, type Kiosk } from '../../../app/core/kiosk';
import { createKioskSessionService } from '../../../app/core/session';
import type { SessionService } from '../../../app/core/session/service';
import { TisOutbox } from '../../../app/core/tis';
import { ADMIN_ROUTES, type AdminOverview, type AdminProblemBody, type ExportProgressView } from '../../../app/shared/admin-contract';
import { DEMO_CARRIER } from '../../helpers/demo';
import { REPO, scratch } from '../../helpers/paths';

const ORIGIN = 'http://127.0.0.1';
let kiosk: Kiosk;
let session: SessionService;
let handler: RequestHandler;
let provisional: string;
let accounts: Account[] = [];
const dirs: string[] = [];

function tmp(prefix: string): string {
  const d = scratch(prefix);
  dirs.push(d);
  return d;
}

async function call<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await handler(
    new Request(`${ORIGIN}${route}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) }),
  );
  return { status: res.status, json: (await res.json()) as T };
}

async function send(e: Record<string, unknown>): Promise<void> {
  const r = session.send(e);
  if (!r.ok) throw new Error(`${String(e.type)} refused: ${r.problem.message}`);
  await session.settled();
}

async function signIn(accountId: string, pin: string): Promise<void> {
  await send({ type: 'clerk.begin' });
  await send({ type: 'clerk.pin', accountId, pin });
  expect(session.getSnapshot().screen).toBe('composing');
}

function logEntries(type: string): Array<Record<string, unknown>> {
  return kiosk.log
    .entries(0, kiosk.log.size)
    .filter((e) => e.type === type)
    .map((e) => e.data);
}

beforeAll(async () => {
  const configFile = path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json');
  const base = loadConfig(configFile);
  kiosk = await openKiosk({ dataDir: tmp('kiosk-admin-'), config: base, configFile });
  const r = await importPath(ingestContextFor(kiosk, { operator: 'test' }), DEMO_CARRIER, 'demo');
  expect(r.problems).toEqual([]);
  // A camera folder with SHA256SUMS: imported as incomplete, awaiting a clerk (PL-4.1).
  const plain = tmp('plain-');
  // A trailing empty `free` box: still a valid MP4, but other bytes than the demo's copy (not "unchanged").
  const free = Buffer.from([0, 0, 0, 8, 0x66, 0x72, 0x65, 0x65]);
  const media = Buffer.concat([fs.readFileSync(path.join(DEMO_CARRIER, 'KM-45-25', 'data', 'KM4525-20250114-02-v0.mp4')), free]);
  fs.writeFileSync(path.join(plain, 'cam0001.mp4'), media);
  const sha = crypto.createHash('sha256').update(media).digest('hex');
  fs.writeFileSync(path.join(plain, 'SHA256SUMS'), `${sha}  cam0001.mp4\n`);
  const p = await importPath(ingestContextFor(kiosk, { operator: 'test' }), plain);
  expect(p.problems).toEqual([]);
  expect(p.imported).toHaveLength(1);
  provisional = `sha256:${sha.slice(0, 16)}`;
  kiosk.integrityEvent('recording KM12324-20240305-01 v0', null, 'before-playback', 'chunk 3: authentication failed');
  new TisOutbox(kiosk.db).enqueue({ caseSignature: 'KM 123/24', reportId: 'report-1', body: Buffer.from('{"report":1}') });
  accounts = [
    { id: 'ewa', name: 'Ewa Sekretarz', role: 'clerk', pinHash: await hashPin('2468') },
    { id: 'piotr', name: 'Piotr Admin', role: 'admin', pinHash: await hashPin('admin-secret-2026') },
    { id: 'olga', name: 'Olga Admin', role: 'admin', pinHash: await hashPin('olga-secret-2026') },
  ];
  session = createKioskSessionService(kiosk, { extraAccounts: accounts });
  handler = createRequestHandler({ kiosk, assetsDir: tmp('assets-'), shell: 'web', session, admin: createAdminService(kiosk, { extraAccounts: accounts }) });
}, 120_000);

afterAll(() => {
  session?.dispose();
  kiosk?.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('administrator API', () => {
  it('[DC-2] refuses every admin route (403) unless an administrator is signed in', async () => {
    for (const [m, r] of [
      ['GET', ADMIN_ROUTES.overview],
      ['POST', ADMIN_ROUTES.complete],
      ['POST', ADMIN_ROUTES.export],
      ['GET', `${ADMIN_ROUTES.export}/x`],
      ['GET', ADMIN_ROUTES.pending],
      ['POST', ADMIN_ROUTES.release],
    ] as const) {
      const res = await call<AdminProblemBody>(m, r, m === 'POST' ? {} : undefined);
      expect(res.status, `${m} ${r}`).toBe(403);
      expect(res.json.problem?.rule).toBe('admin.forbidden');
    }
    // A clerk is not an administrator, but the records awaiting a clerk are a clerk's too (PL-4.1).
    await signIn('ewa', '2468');
    expect((await call('GET', ADMIN_ROUTES.overview)).status).toBe(403);
    expect((await call('POST', ADMIN_ROUTES.export, {})).status).toBe(403);
    const pending = await call<{ pending: Array<{ ref: string }> }>('GET', ADMIN_ROUTES.pending);
    expect(pending.status).toBe(200);
    expect(pending.json.pending.map((r) => r.ref)).toContain(provisional);
    await send({ type: 'clerk.cancel' });
    expect(session.getSnapshot().screen).toBe('locked');
  });

  it('[PL-4.1] shows imports, records awaiting a clerk, integrity events and the outbox to a signed-in administrator', async () => {
    await signIn('piotr', 'admin-secret-2026');
    const { status, json } = await call<AdminOverview>('GET', ADMIN_ROUTES.overview);
    expect(status).toBe(200);
    expect(json.admin).toEqual({ id: 'piotr', name: 'Piotr Admin' });
    expect(json.imports.map((i) => i.source)).toEqual(expect.arrayContaining(['demo', 'plain-folder']));
    expect(json.imports.find((i) => i.source === 'plain-folder')).toMatchObject({ outcome: 'imported', files: 1 });
    expect(json.pending).toEqual([
      expect.objectContaining({ ref: provisional, identifier: null, version: 0, status: 'incomplete', missing: ['identifier', 'date', 'duration', 'caseSignature'],
        holds: ['pl41.identifier.missing', 'pl41.date.missing', 'pl41.duration.missing', 'case.unassigned'].map((rule) => expect.objectContaining({ rule })) }),
      // The UA protocol's signer is not trusted by this config: held for a clerk, never shown.
      expect.objectContaining({ ref: 'VKZ-757-12345-25-20250207', status: 'held', holds: [expect.objectContaining({ rule: 'ua4.protocol-signature' })], missing: [] }),
    ]);
    expect(json.integrity[0]).toMatchObject({ subject: 'recording KM12324-20240305-01 v0', reason: 'before-playback' });
    expect(json.outbox).toEqual([expect.objectContaining({ caseSignature: 'KM 123/24', reportId: 'report-1', deliveredAt: null, bytes: 12 })]);
    expect(json.cases.map((c) => c.signature)).toEqual(expect.arrayContaining(['KM 123/24', 'KM 45/25']));
  });

  it('[PL-3.4] [Q-2] a completion with bad input is refused with 422 naming the field, and changes nothing', async () => {
    const before = kiosk.db.prepare('SELECT count(*) FROM completions').pluck().get();
    const bad = await call<AdminProblemBody>('POST', ADMIN_ROUTES.complete, { ref: provisional, version: 0, date: '14.01.2025' });
    expect(bad.status).toBe(422);
    expect(bad.json.problem).toMatchObject({ rule: 'pl3.date.format', field: 'date' });
    const dur = await call<AdminProblemBody>('POST', ADMIN_ROUTES.complete, { ref: provisional, version: 0, duration: '8 min' });
    expect(dur.status).toBe(422);
    expect(dur.json.problem).toMatchObject({ rule: 'pl3.duration.format', field: 'duration' });
    const noVersion = await call<AdminProblemBody>('POST', ADMIN_ROUTES.complete, { ref: provisional });
    expect(noVersion.status).toBe(422);
    expect(noVersion.json.problem?.field).toBe('version');
    const missing = await call<AdminProblemBody>('POST', ADMIN_ROUTES.complete, { ref: 'NO-SUCH-REC', version: 0, identifier: 'X1' });
    expect(missing.status).toBe(404);
    expect(missing.json.problem?.field).toBe('ref');
    expect(kiosk.db.prepare('SELECT count(*) FROM completions').pluck().get()).toBe(before);
  });

  it('[PL-4.1] the completion form completes an incomplete record and records the signed-in administrator as operator', async () => {
    const r = await call<{ status: string; identifier: string }>('POST', ADMIN_ROUTES.complete, {
      ref: provisional,
      version: 0,
      identifier: 'KM4525-CAM-0001',
      date: '2025-01-14 09:00:00',
      duration: '00:08',
      caseSignature: 'KM 45/25',
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'complete', identifier: 'KM4525-CAM-0001' });
    const rows = kiosk.db.prepare('SELECT field, new_value, operator FROM completions ORDER BY id').all();
    expect(rows).toEqual([
      { field: 'identifier', new_value: 'KM4525-CAM-0001', operator: 'Piotr Admin (piotr)' },
      { field: 'date', new_value: '2025-01-14T09:00:00', operator: 'Piotr Admin (piotr)' },
      { field: 'duration', new_value: '00:08', operator: 'Piotr Admin (piotr)' },
      { field: 'grouping', new_value: 'KM 45/25', operator: 'Piotr Admin (piotr)' },
    ]);
    expect(logEntries('completion').at(-1)).toMatchObject({ operator: 'Piotr Admin (piotr)', account: { id: 'piotr', name: 'Piotr Admin' }, status: 'complete' });
    expect((await call<AdminOverview>('GET', ADMIN_ROUTES.overview)).json.pending.map((r) => r.ref)).toEqual(['VKZ-757-12345-25-20250207']);
  });

  it('[UA-4] [PL-4.1] a reason nothing can be supplied for is released with a note, logged with the account; one that can be supplied is not', async () => {
    const ref = 'VKZ-757-12345-25-20250207';
    const bad = await call<AdminProblemBody>('POST', ADMIN_ROUTES.release, { ref, version: 0, rule: 'case.unassigned', note: 'x' });
    expect(bad.status).toBe(409);
    const r = await call<{ status: string }>('POST', ADMIN_ROUTES.release, { ref, version: 0, rule: 'ua4.protocol-signature', note: 'the signed paper protocol is in the file, sheet 12' });
    expect(r.status).toBe(200);
    expect(r.json.status).toBe('complete');
    expect(logEntries('hold.released').at(-1)).toMatchObject({ rule: 'ua4.protocol-signature', account: { id: 'piotr', name: 'Piotr Admin' }, note: 'the signed paper protocol is in the file, sheet 12', status: 'complete' });
    expect((await call<AdminOverview>('GET', ADMIN_ROUTES.overview)).json.pending).toEqual([]);
  });

  it('[PL-9] [DC-6] the export needs two different people: the same person twice or a wrong PIN is refused and logged', async () => {
    const target = tmp('carrier-');
    const req = (first: [string, string], second: [string, string]) => ({
      caseSignature: 'KM 45/25',
      target,
      purpose: 'supervisory',
      recipient: 'Prezes Sądu Rejonowego',
      first: { accountId: first[0], secret: first[1] },
      second: { accountId: second[0], secret: second[1] },
    });
    const same = await call<AdminProblemBody>('POST', ADMIN_ROUTES.export, req(['piotr', 'admin-secret-2026'], ['piotr', 'admin-secret-2026']));
    expect(same.status).toBe(403);
    expect(same.json.problem).toMatchObject({ rule: 'export.approval.same-person', field: 'second.accountId' });
    const wrong = await call<AdminProblemBody>('POST', ADMIN_ROUTES.export, req(['piotr', 'admin-secret-2026'], ['ewa', '9999']));
    expect(wrong.status).toBe(403);
    expect(wrong.json.problem).toMatchObject({ rule: 'export.approval.second-failed', field: 'second.secret' });
    const clerkFirst = await call<AdminProblemBody>('POST', ADMIN_ROUTES.export, req(['ewa', '2468'], ['piotr', 'admin-secret-2026']));
    expect(clerkFirst.status).toBe(403);
    expect(clerkFirst.json.problem).toMatchObject({ rule: 'export.approval.first-not-admin', field: 'first.accountId' });
    const refused = logEntries('export.approval.refused');
    expect(refused.map((e) => e.reason)).toEqual(['same-person', 'second-failed', 'first-not-admin']);
    expect(refused[1]).toMatchObject({ first: 'piotr', second: 'ewa', case: 'KM 45/25', signedIn: 'piotr' });
    // The secrets never reach the log.
    expect(JSON.stringify(kiosk.log.entries(0, kiosk.log.size))).not.toMatch(/admin-secret-2026|9999/);
    expect(fs.readdirSync(target)).toEqual([]);
    expect(logEntries('export.approval')).toEqual([]);
  });

  it('[PL-9] [DC-6] two different people (an administrator and a clerk) start the export; progress ends in a receipt whose hashes match the files', async () => {
    // A clerk's review session in between: neither the clerk nor the summary screen opens the admin API.
    await send({ type: 'clerk.cancel' });
    await signIn('ewa', '2468');
    await send({ type: 'compose.case', query: 'KM 45/25' });
    await send({ type: 'compose.recordings', recordings: [{ identifier: 'KM4525-20250114-02', version: 1 }] });
    await send({ type: 'compose.viewer', name: 'Jan Strona', documentType: 'passport', documentLast4: 'A123', purpose: 'wgląd' });
    await send({ type: 'compose.time', minutes: 15 });
    await send({ type: 'compose.confirm' });
    await send({ type: 'handover.viewerReady' });
    await send({ type: 'viewer.play', mediaTime: 0 });
    await send({ type: 'media.progress', mediaTime: 3 });
    await send({ type: 'viewer.end' });
    expect((await call('GET', ADMIN_ROUTES.overview)).status).toBe(403);
    await send({ type: 'summary.close' });
    await signIn('olga', 'olga-secret-2026');
    const target = tmp('carrier-');
    const started = await call<ExportProgressView>('POST', ADMIN_ROUTES.export, {
      caseSignature: 'KM 45/25',
      target,
      purpose: 'supervisory',
      recipient: 'Prezes Sądu Rejonowego',
      first: { accountId: 'olga', secret: 'olga-secret-2026' },
      second: { accountId: 'ewa', secret: '2468' },
    });
    expect(started.status).toBe(202);
    let p = started.json;
    for (let i = 0; i < 200 && p.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      p = (await call<ExportProgressView>('GET', `${ADMIN_ROUTES.export}/${started.json.jobId}`)).json;
    }
    expect(p.problem).toBeNull();
    expect(p.state).toBe('done');
    const receipt = p.receipt!;
    expect(receipt.files.length).toBeGreaterThan(0);
    expect(receipt.approvedBy.map((a) => a.id)).toEqual(['olga', 'ewa']);
    expect(p.bytesDone).toBe(receipt.totalBytes);
    for (const f of receipt.files) {
      const bytes = fs.readFileSync(path.join(target, f.path));
      expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
      expect(bytes.length).toBe(f.bytes);
    }
    expect(receipt).toMatchObject({ caseSignature: 'KM 45/25', purpose: 'supervisory', recipient: 'Prezes Sądu Rejonowego' });
    expect(logEntries('export.approval').at(-1)).toMatchObject({ case: 'KM 45/25', admin: 'olga', second: 'ewa', signedIn: 'olga' });
    // The export entry of the log is the one the receipt names, and carries both approvers.
    const exported = kiosk.log.entries(receipt.logSeq!, receipt.logSeq! + 1)[0]!;
    expect(exported.type).toBe('export');
    expect(exported.data).toMatchObject({ packageSha256: receipt.packageSha256, operator: 'Olga Admin (olga)', approvedBy: ['Olga Admin (olga)', 'Ewa Sekretarz (ewa)'] });
    expect(fs.existsSync(receipt.receiptFiles.pdf)).toBe(true);
    expect((await call('GET', `${ADMIN_ROUTES.export}/no-such-job`)).status).toBe(404);
  });

  it('[Q-2] an export request with a relative target or a missing PIN is refused with 422 naming the field', async () => {
    const r = await call<AdminProblemBody>('POST', ADMIN_ROUTES.export, {
      caseSignature: 'KM 45/25',
      target: 'relative/dir',
      purpose: 'supervisory',
      recipient: 'Prezes',
      first: { accountId: 'olga', secret: 'olga-secret-2026' },
      second: { accountId: 'ewa', secret: '2468' },
    });
    expect(r.status).toBe(422);
    expect(r.json.problem?.field).toBe('target');
    const s = await call<AdminProblemBody>('POST', ADMIN_ROUTES.export, {
      caseSignature: 'KM 45/25',
      target: '/tmp',
      purpose: 'supervisory',
      recipient: 'Prezes',
      first: { accountId: 'olga', secret: 'olga-secret-2026' },
      second: { accountId: 'ewa', secret: '' },
    });
    expect(s.status).toBe(422);
    expect(s.json.problem?.field).toBe('second.secret');
  });
  it('[DC-1] one Auth for both doors: a PIN locked out at the sign-in pad is locked for export approval too', async () => {
    const auth = createKioskAuth(kiosk, accounts);
    const own = createKioskSessionService(kiosk, { extraAccounts: accounts, auth });
    const ownHandler = createRequestHandler({ kiosk, assetsDir: tmp('assets-'), shell: 'web', session: own, admin: createAdminService(kiosk, { extraAccounts: accounts, auth }) });
    try {
      const sendOwn = async (e: Record<string, unknown>) => {
        own.send(e);
        await own.settled();
      };
      await sendOwn({ type: 'clerk.begin' });
      for (let i = 0; i < MAX_FAILURES; i++) await sendOwn({ type: 'clerk.pin', accountId: 'olga', pin: 'not-her-password' });
      expect(own.getSnapshot().auth.status).toBe('locked');
      await sendOwn({ type: 'clerk.pin', accountId: 'piotr', pin: 'admin-secret-2026' });
      expect(own.getSnapshot().clerk?.id).toBe('piotr');
      const res = await ownHandler(
        new Request(`${ORIGIN}${ADMIN_ROUTES.export}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            caseSignature: 'KM 45/25',
            target: tmp('carrier-'),
            purpose: 'backup',
            recipient: 'archiwum zakładowe',
            first: { accountId: 'piotr', secret: 'admin-secret-2026' },
            second: { accountId: 'olga', secret: 'olga-secret-2026' },
          }),
        }),
      );
      expect(res.status).toBe(403);
      expect(((await res.json()) as AdminProblemBody).problem).toMatchObject({ rule: 'export.approval.second-failed' });
    } finally {
      own.dispose();
    }
  });
});
