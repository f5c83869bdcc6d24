// UA-1 and PL-6.1 without anyone running a command: a recording the TIS is
// still processing waits in a durable queue that honours Retry-After,
// survives a restart of the kiosk, and is fetched by itself once due; viewing
// reports in the outbox are delivered by themselves.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTisDesk } from '../../../app/core/admin/tis-desk';
import { loadConfig } from '../../../app/core/config';
import { openKiosk, type Kiosk } from '../../../app/core/kiosk';
import { fetchCase, TisClient, TisOutbox, TisWaitingQueue } from '../../../app/core/tis';
import { writeTisCase, type CaseJson } from '../../../scripts/tis-server/cases';
import { startTisServer, type TisServer } from '../../../scripts/tis-server/server';
import { DEMO_CARRIER } from '../../helpers/demo';
import { makePki, makeTmp, repoRoot, type Pki } from './fixture';

const SIG = 'KM 7/26';
const MEDIA = fs.readFileSync(path.join(DEMO_CARRIER, 'KM-45-25', 'data', 'KM4525-20250114-02-v0.mp4'));

let tmp: string;
let pki: Pki;
let root: string;
let server: TisServer;
let configFile: string;
let dataDir: string;

function client(): TisClient {
  return new TisClient({ baseUrl: server.url, ca: pki.read('ca.crt'), cert: pki.read('client.crt'), key: pki.read('client.key'), timeoutMs: 5000, retries: 0, backoffMs: 10 });
}

async function tisCase(processing: boolean): Promise<void> {
  const json: CaseJson = {
    case: { jurisdiction: 'PL', signature: SIG, court: 'Sąd Rejonowy', caseNumber: null, proceedingsNumber: null },
    recordings: [
      {
        identifier: 'KM726-CAM-01', creator: { name: 'Jan Kowalski', court: 'Sąd Rejonowy' }, title: 'Oględziny', date: '2026-01-0510:00:00',
        duration: '00:08', grouping: SIG, version: 0, supersedes: null,
        parts: [processing ? { name: 'cam.mp4', status: 'processing', retryAfter: 1 } : { name: 'cam.mp4' }],
        annotations: [], attachments: [], envelopeSheet: null,
      },
    ],
  };
  await writeTisCase(root, json, { 'cam.mp4': MEDIA });
}

async function open(): Promise<Kiosk> {
  return openKiosk({ dataDir, config: loadConfig(configFile), configFile });
}

beforeAll(async () => {
  tmp = makeTmp();
  pki = makePki(tmp);
  root = path.join(tmp, 'root');
  server = await startTisServer({ root, certs: pki.dir });
  const base = JSON.parse(fs.readFileSync(path.join(repoRoot, 'kiosk-config', 'court-kiosk-pl.json'), 'utf8')) as Record<string, unknown>;
  delete base.$schema;
  configFile = path.join(tmp, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify({ ...base, importSources: ['carrier', 'tis'], tis: { baseUrl: server.url, caFile: 'pki/ca.crt', certFile: 'pki/client.crt', keyFile: 'pki/client.key', timeoutMs: 5000 } }));
  dataDir = path.join(tmp, 'data');
}, 120_000);

afterAll(async () => {
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the TIS retry queue and outbox deliver by themselves', () => {
  it('[UA-1] [PL-6.1] a processing part waits (Retry-After honoured), survives a restart, is fetched by itself once ready; a queued report is delivered without a command', async () => {
    await tisCase(true);
    let kiosk = await open();
    const first = await fetchCase(kiosk, { signature: SIG, client: client(), operator: 'Anna Informatyk (anna-it)' });
    expect(first.notReady).toEqual([expect.objectContaining({ identifier: 'KM726-CAM-01', retryAfterSec: 1 })]);
    const waiting = new TisWaitingQueue(kiosk.db).waiting();
    expect(waiting).toEqual([expect.objectContaining({ caseSignature: SIG, identifier: 'KM726-CAM-01', attempts: 1, operator: 'Anna Informatyk (anna-it)' })]);
    expect(Date.parse(waiting[0]!.nextAttemptAt) - Date.parse(waiting[0]!.firstSeenAt)).toBe(1000);
    kiosk.close();

    // A restart: the queue is in the catalog.
    kiosk = await open();
    expect(new TisWaitingQueue(kiosk.db).waiting()).toHaveLength(1);
    new TisOutbox(kiosk.db).enqueue({ caseSignature: SIG, reportId: 'vr-7', body: Buffer.from('{"report":7}') });
    const desk = createTisDesk(kiosk, client(), { tickMs: 100 });
    try {
      // Still processing at the next attempt: it waits again, nothing stored.
      await new Promise((r) => setTimeout(r, 1200));
      await desk.tick();
      expect(kiosk.db.prepare('SELECT count(*) AS n FROM recordings').get()).toEqual({ n: 0 });
      await expect.poll(() => new TisWaitingQueue(kiosk.db).waiting()[0]?.attempts ?? 0).toBeGreaterThanOrEqual(2);
      // The report went without anyone asking.
      await expect.poll(() => desk.view().reports[0]?.state, { timeout: 10_000 }).toBe('delivered');
      expect(desk.view().reports[0]!.remoteId).toEqual(expect.any(String));
      expect(server.reports.all()).toHaveLength(1);

      await tisCase(false);
      await expect.poll(() => (kiosk.db.prepare('SELECT count(*) AS n FROM recordings').get() as { n: number }).n, { timeout: 10_000 }).toBe(1);
      expect(desk.view().waiting).toEqual([]);
      expect(desk.view().recent[0]).toMatchObject({ identifier: 'KM726-CAM-01', outcome: 'imported' });
      const imp = kiosk.db.prepare("SELECT operator FROM imports WHERE source_kind = 'tis'").get();
      expect(imp).toEqual({ operator: 'Anna Informatyk (anna-it)' });
    } finally {
      desk.dispose();
      kiosk.close();
    }
  }, 120_000);

  it('[PL-6.1] a failing delivery backs off exponentially, with jitter', async () => {
    const kiosk = await open();
    try {
      const at = new Date('2026-12-01T10:00:00Z');
      const failing = { postViewingReport: () => Promise.reject(new Error('TIS down')) };
      const box = (random: number) => new TisOutbox(kiosk.db, { now: () => at, backoffMs: 1000, random: () => random });
      box(0).enqueue({ caseSignature: SIG, reportId: 'vr-backoff', body: Buffer.from('{}') });
      const next = () => Date.parse(box(0).list().find((e) => e.reportId === 'vr-backoff')!.nextAttemptAt!) - at.getTime();
      await box(0).deliverPending(failing);
      expect(next()).toBe(1000);
      kiosk.db.prepare("UPDATE tis_outbox SET next_attempt_at = ? WHERE report_id = 'vr-backoff'").run(at.toISOString());
      // The second failure doubles the delay; jitter takes up to half of it off.
      await box(0.999).deliverPending(failing);
      expect(next()).toBeGreaterThanOrEqual(1000);
      expect(next()).toBeLessThan(1010);
    } finally {
      kiosk.close();
    }
  });
});
