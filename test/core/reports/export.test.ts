// `log export` end to end over a real kiosk: files per session, the JSON that
// verifies, the exit code when a case has no sessions, the export logged.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logExport } from '../../../app/core/commands/log-export';
import type { Out } from '../../../app/cli/output';
import { verifyViewingReport, type ViewingReport } from '../../../app/core/reports';
import { CASE, appendSession, openFixture, type Fixture } from './fixture';

let fx: Fixture;

beforeAll(async () => {
  fx = await openFixture();
  appendSession(fx.kiosk, { sessionId: 'a1b2c3d4-0000-4000-8000-000000000001' });
  appendSession(fx.kiosk, { sessionId: 'a1b2c3d4-0000-4000-8000-000000000002', language: 'uk' });
}, 60_000);

afterAll(() => fx.close());

function capture(): Out & { docs: unknown[] } {
  const docs: unknown[] = [];
  return { json: true, docs, result: (d) => docs.push(d), info: () => undefined, problems: () => undefined };
}

describe('kioskctl log export', () => {
  it('[DC-6] writes a signed JSON, an HTML and a PDF report per session of the case, in the session\'s language', async () => {
    const out = capture();
    const dir = path.join(fx.dir, 'export');
    const code = await logExport(fx.kiosk, { case: CASE, out: dir }, out);
    expect(code).toBe(0);
    const doc = out.docs[0] as { case: string; reports: Array<{ session: string; json: string; html: string; pdf: string }> };
    expect(doc.case).toBe(CASE);
    expect(doc.reports.map((r) => r.session)).toEqual(['a1b2c3d4-0000-4000-8000-000000000001', 'a1b2c3d4-0000-4000-8000-000000000002']);
    for (const r of doc.reports) {
      expect(path.dirname(r.json)).toBe(dir);
      const report = JSON.parse(fs.readFileSync(r.json, 'utf8')) as ViewingReport;
      expect(verifyViewingReport(report, fx.kiosk.signer().publicKeyPem)).toBe(true);
      expect(fs.readFileSync(r.pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(fs.readFileSync(r.html, 'utf8')).toContain(`<html lang="${report.language}">`);
    }
    expect(fs.readFileSync(doc.reports[1]?.html ?? '', 'utf8')).toContain('Протокол ознайомлення із записами');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
    const last = fx.kiosk.log.entries(fx.kiosk.log.size - 1, fx.kiosk.log.size)[0];
    expect(last?.type).toBe('log.exported');
    expect(last?.data.sessions).toEqual(doc.reports.map((r) => r.session));
  }, 60_000);

  it('--lang overrides the session language', async () => {
    const out = capture();
    const dir = path.join(fx.dir, 'export-en');
    expect(await logExport(fx.kiosk, { case: CASE, out: dir, lang: 'en' }, out)).toBe(0);
    const doc = out.docs[0] as { reports: Array<{ html: string }> };
    for (const r of doc.reports) expect(fs.readFileSync(r.html, 'utf8')).toContain('Report on the viewing of recordings');
  }, 60_000);

  it('exits 1 with an empty list when no session named the case', async () => {
    const out = capture();
    expect(await logExport(fx.kiosk, { case: 'X 1/99', out: path.join(fx.dir, 'none') }, out)).toBe(1);
    expect(out.docs[0]).toEqual({ case: 'X 1/99', reports: [] });
  });

  it('refuses an unknown --lang as a usage error', async () => {
    await expect(logExport(fx.kiosk, { case: CASE, out: path.join(fx.dir, 'x'), lang: 'de' }, capture())).rejects.toThrow(/--lang/u);
  });
});
