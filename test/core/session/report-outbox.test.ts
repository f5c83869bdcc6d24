// PL-6.1 / DC-6: a finished session's signed viewing report is queued in the
// durable outbox for the case-file system (delivery with Idempotency-Key is
// proven against the reference TIS in test/core/tis/outbox.test.ts).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashPin } from '../../../app/core/auth';
import { loadConfig } from '../../../app/core/config';
import { importPath, ingestContextFor } from '../../../app/core/ingest';
import { openKiosk } from '../../../app/core/kiosk';
import { checkViewingReport, type ViewingReport } from '../../../app/core/reports';
import { createKioskSessionService } from '../../../app/core/session';
import { TisOutbox } from '../../../app/core/tis';
import { DEMO_CARRIER } from '../../helpers/demo';
import { REPO, scratch } from '../../helpers/paths';

describe('viewing reports back to the case file', () => {
  it('[PL-6.1] [DC-6] a finished session puts its signed viewing report in the TIS outbox', async () => {
    const configFile = path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json');
    const base = loadConfig(configFile);
    const config = { ...base, tis: { baseUrl: 'https://127.0.0.1:9/', caFile: 'ca.pem', certFile: 'c.pem', keyFile: 'k.pem', timeoutMs: 5000 } };
    const kiosk = await openKiosk({ dataDir: scratch(), config, configFile });
    try {
      const r = await importPath(ingestContextFor(kiosk, { operator: 'test' }), DEMO_CARRIER, 'demo');
      expect(r.problems).toEqual([]);
      const s = createKioskSessionService(kiosk, { extraAccounts: [{ id: 'clerk-1', name: 'Ewa', role: 'clerk', pinHash: await hashPin('2468') }] });
      const send = async (e: Record<string, unknown>) => {
        expect(s.send(e).ok, String(e.type)).toBe(true);
        await s.settled();
      };
      await send({ type: 'clerk.begin' });
      await send({ type: 'clerk.pin', accountId: 'clerk-1', pin: '2468' });
      await send({ type: 'compose.case', query: 'KM 45/25' });
      await send({ type: 'compose.recordings', recordings: [{ identifier: 'KM4525-20250114-02', version: 1 }] });
      await send({ type: 'compose.viewer', name: 'Jan Strona', documentType: 'passport', documentLast4: 'A123', purpose: 'wgląd' });
      await send({ type: 'compose.time', minutes: 15 });
      await send({ type: 'compose.confirm' });
      await send({ type: 'handover.viewerReady' });
      await send({ type: 'viewer.play', mediaTime: 0 });
      await send({ type: 'media.progress', mediaTime: 3 });
      await send({ type: 'viewer.end' });
      const sessionId = s.getSnapshot().ended ? (kiosk.log.entries(0, kiosk.log.size).find((e) => e.type === 'session.opened')?.data.sessionId as string) : '';
      expect(sessionId).toBeTruthy();
      await new Promise((res) => setImmediate(res));
      const queued = new TisOutbox(kiosk.db).list();
      expect(queued).toHaveLength(1);
      expect(queued[0]).toMatchObject({ caseSignature: 'KM 45/25', reportId: sessionId });
      const body = kiosk.db.prepare('SELECT body FROM tis_outbox').pluck().get() as Buffer;
      const report = JSON.parse(body.toString()) as ViewingReport;
      expect(report.session.id).toBe(sessionId);
      expect(checkViewingReport(report, kiosk.signer().publicKeyPem)).toEqual({ ok: true });
      s.dispose();
    } finally {
      kiosk.close();
    }
  }, 120_000);
});
