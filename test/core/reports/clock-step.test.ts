// A wall clock set back mid-session (DC-6, Q-3): the session's report holds
// the log's clock.stepBack entry and marks every time read after it that is
// earlier than one before it, so a session that seems to close before it
// opened says why; the report still verifies, with the kiosk's check and the
// offline one.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildViewingReports, checkViewingReport, plTime, reportDocument, renderViewingReportHtml, type ViewingReport } from '../../../app/core/reports';
import { verifyReportDocument } from '../../../app/shared/report-check';
import { CASE, openFixture, type Fixture } from './fixture';

let fx: Fixture;
let report: ViewingReport;
const T0 = Date.UTC(2026, 2, 20, 10, 0, 0);

beforeAll(async () => {
  fx = await openFixture();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
  const sessionId = 's-clock';
  const rec = { identifier: 'KM-2026-0001', version: 0 };
  fx.kiosk.log.append('session.opened', { sessionId, clerk: { id: 'clerk-01', name: 'Anna Nowak' }, viewer: { name: 'Zofia Wiśniewska' }, case: { signature: CASE, caseNumber: null }, recordings: [rec], minutesAllowed: 30 });
  vi.setSystemTime(T0 + 60_000);
  fx.kiosk.log.append('playback.play', { sessionId, ...rec, mediaTime: 0, rate: 1 });
  vi.setSystemTime(T0 + 60_000 - 3 * 3600_000 + 5_000); // the clock set back three hours
  fx.kiosk.log.append('playback.pause', { sessionId, ...rec, mediaTime: 5, rate: 1 });
  vi.setSystemTime(T0 + 60_000 - 3 * 3600_000 + 10_000);
  fx.kiosk.log.append('session.closed', { sessionId, reason: 'viewer', problem: null, played: [{ ...rec, ranges: [[0, 5]], seconds: 5 }] });
  vi.useRealTimers();
  report = buildViewingReports(fx.kiosk, { caseSignature: CASE })[0]!;
});

afterAll(() => fx.close());

describe('a clock set back mid-session, in the report', () => {
  it('[DC-6] [Q-3] [Q-4] holds the clock.stepBack entry with both times, marks the times read after it (the close, earlier than the open), and still verifies', async () => {
    expect(report.entries.map((e) => e.type)).toEqual(['session.opened', 'playback.play', 'clock.stepBack', 'playback.pause', 'session.closed']);
    const step = report.entries[2]!;
    expect(step.data).toEqual({ previous: '2026-03-20T10:01:00.000Z', now: '2026-03-20T07:01:05.000Z' });
    expect(report.session.closed! < report.session.opened).toBe(true);

    const en = reportDocument(report, 'en');
    const facts = new Map(en.sections.flatMap((s) => (s.kind === 'facts' ? s.rows : [])));
    expect(facts.get('Session closed')).toBe(`${plTime(report.session.closed!)} (clock set back)`);
    expect(facts.get('Kiosk clock')).toContain(`set back during the session from ${plTime('2026-03-20T10:01:00.000Z')} to ${plTime('2026-03-20T07:01:05.000Z')}`);
    const rows = en.sections.find((s) => s.kind === 'table' && s.rows.length === 5);
    expect(rows?.kind === 'table' ? rows.rows.map((r) => r[1]!.endsWith('(clock set back)')) : []).toEqual([false, false, true, true, true]);
    expect(renderViewingReportHtml(report, 'pl')).toContain('(zegar cofnięty)');
    expect(renderViewingReportHtml(report, 'uk')).toContain('(годинник переведено назад)');

    expect(checkViewingReport(report, report.publicKeyPem)).toEqual({ ok: true });
    expect((await verifyReportDocument({ document: JSON.parse(JSON.stringify(report)) })).ok).toBe(true);
  });
});
