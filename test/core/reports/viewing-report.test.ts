// Viewing reports built from a real kiosk's viewing log and checked the way an
// auditor with only the device's public key would.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildViewingReports, checkViewingReport, verifyViewingReport, type ViewingReport } from '../../../app/core/reports';
import { CASE, SHA, appendSession, openFixture, type Fixture } from './fixture';

let fx: Fixture;
let reports: ViewingReport[];

beforeAll(async () => {
  fx = await openFixture();
  fx.kiosk.log.append('import.done', { case: CASE, recordings: 2 }); // not a session entry: never in a report
  appendSession(fx.kiosk, { sessionId: 's-0001' });
  appendSession(fx.kiosk, { sessionId: 's-other', caseSignature: 'II K 99/26' });
  appendSession(fx.kiosk, { sessionId: 's-0002', viewerName: 'Олена Коваленко', language: 'uk' });
  reports = buildViewingReports(fx.kiosk, { caseSignature: CASE });
});

afterAll(() => fx.close());

const copy = (r: ViewingReport): ViewingReport => JSON.parse(JSON.stringify(r)) as ViewingReport;

describe('viewing report', () => {
  it('[DC-6] [PL-8.1] lists the viewer, the clerk and each recording with the ranges played and, beside them, what was served, and verifies', () => {
    expect(reports.map((r) => r.session.id)).toEqual(['s-0001', 's-0002']);
    const r = reports[0] as ViewingReport;
    expect(r.type).toBe('court-kiosk/viewing-report/v1');
    expect(r.device.id).toBe('SR-KRK-KIOSK-01');
    expect(r.case.signature).toBe(CASE);
    expect(r.session.viewer).toEqual({ name: 'Zofia Wiśniewska', documentType: 'id-card', documentLast4: '4821', purpose: 'strona postępowania — wgląd w akta' });
    expect(r.session.clerk).toEqual({ id: 'clerk-01', name: 'Anna Nowak' });
    expect(r.session.endReason).toBe('viewer');
    expect(r.session.minutesAllowed).toBe(30);
    expect(r.session.closed).not.toBeNull();
    expect(r.recordings[0]).toEqual({
      identifier: 'KM-2026-0001',
      version: 0,
      title: 'Zajęcie ruchomości — oględziny lokalu',
      date: '2026-03-1409:30:00',
      duration: '25:20',
      sha256: SHA,
      played: { ranges: [[0, 95.4], [600, 725]], seconds: 220.4 },
      served: { ranges: [[0, 126], [598, 756]], seconds: 284, bytes: 48_213_774 },
    });
    expect(r.recordings[1]?.duration).toBe('01:02:05');
    expect(r.recordings[1]?.date).toBe('2026-03-1511:05:12');
    expect(r.entries).toHaveLength(14);
    expect(r.entries.every((e) => e.data.sessionId === 's-0001')).toBe(true);
    expect(Object.keys(r.inclusionProofs)).toHaveLength(14);
    expect(r.language).toBe('pl'); // the kiosk's default; the session recorded none
    expect(reports[1]?.language).toBe('uk');
    expect(checkViewingReport(r, r.publicKeyPem)).toEqual({ ok: true });
    expect(verifyViewingReport(copy(r), fx.kiosk.signer().publicKeyPem)).toBe(true);
    expect(verifyViewingReport(reports[1] as ViewingReport, fx.kiosk.signer().publicKeyPem)).toBe(true);
  });

  it('finds the sessions of a case by its ЄУН as well as by its signature', () => {
    appendSession(fx.kiosk, { sessionId: 's-ua', caseSignature: '757/12345/25-ц' });
    const ua = buildViewingReports(fx.kiosk, { caseSignature: '757/12345/25-ц' });
    expect(ua.map((r) => r.session.id)).toEqual(['s-ua']);
    expect(buildViewingReports(fx.kiosk, { caseSignature: 'no such case' })).toEqual([]);
  });

  it('[DC-6] [Q-3] fails verification when an entry, the played ranges, a proof or the signature is changed', () => {
    const key = fx.kiosk.signer().publicKeyPem;
    const r = reports[0] as ViewingReport;

    const entry = copy(r);
    const e = entry.entries[3];
    if (e === undefined) throw new Error('fixture has no entry 3');
    (e.data as Record<string, unknown>).mediaTime = 1;
    expect(verifyViewingReport(entry, key)).toBe(false);

    const played = copy(r);
    (played.recordings[0]?.played.ranges as Array<[number, number]>)[0] = [0, 1500];
    expect(checkViewingReport(played, key)).toMatchObject({ ok: false, problem: expect.stringContaining('signature') as unknown });

    const sig = copy(r);
    const raw = Buffer.from(sig.signature, 'base64');
    raw[0] = (raw[0] ?? 0) ^ 1;
    expect(verifyViewingReport({ ...sig, signature: raw.toString('base64') }, key)).toBe(false);

    // The auditor checks with the device's key, not one the report brings along.
    const other = copy(r);
    expect(verifyViewingReport(other, reports[0]?.publicKeyPem ?? '')).toBe(true);
    const foreign = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(verifyViewingReport(other, foreign)).toBe(false);
  });

  it('[DC-6] every entry proves into the signed checkpoint root; an altered entry does not', async () => {
    const { leafHash, verifyInclusion, parseCheckpointBody } = await import('../../../app/core/viewing-log');
    const { entryBytes } = await import('../../../app/core/reports');
    const r = reports[0] as ViewingReport;
    const body = parseCheckpointBody(r.checkpoint.slice(0, r.checkpoint.indexOf('\n\n') + 1));
    for (const e of r.entries) {
      const proof = (r.inclusionProofs[String(e.seq)] ?? []).map((p) => Buffer.from(p, 'hex'));
      expect(verifyInclusion(e.seq, body.size, leafHash(entryBytes(e)), proof, body.root)).toBe(true);
      expect(verifyInclusion(e.seq, body.size, leafHash(entryBytes({ ...e, type: 'playback.pause' })), proof, body.root)).toBe(e.type === 'playback.pause');
    }
  });
});
