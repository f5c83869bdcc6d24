// Held records released by a person (acceptance 3 of the administration
// issue): a record held for a missing case assignment and an incomplete date
// stays held when only the date is supplied, becomes complete when the case is
// assigned, and each step is a log entry naming the account.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BagWriter } from '../../../app/core/carrier/bagit/writer';
import { DEMO_CARRIER, DEMO_PACKAGES } from '../../helpers/demo';
import { KioskDir } from '../../helpers/kiosk-dir';
import { scratch } from '../../helpers/paths';
import { TEST_ACCOUNTS, signed } from '../../helpers/accounts';
import type { HoldReason } from '../../../app/shared/holds';

const REF = 'VKZ-757-12345-25-20250207';

/** The demo's UA conference as a device would send it without its date and without the ЄУН (no protocol). */
async function uaWithoutCaseAndDate(): Promise<string> {
  const src = path.join(DEMO_CARRIER, DEMO_PACKAGES.ua);
  const doc = JSON.parse(fs.readFileSync(path.join(src, 'recordings.json'), 'utf8')) as {
    case: Record<string, unknown>;
    recordings: Array<Record<string, unknown> & { parts: Array<{ path: string }> }>;
  };
  const rec = doc.recordings[0]!;
  const carrier = scratch('ua-held-');
  const w = await BagWriter.create(path.join(carrier, 'UA-HELD'));
  for (const p of rec.parts) {
    async function* bytes(): AsyncIterable<Uint8Array> {
      yield fs.readFileSync(path.join(src, p.path));
    }
    await w.addPayloadFile(p.path, bytes());
  }
  const held = {
    ...doc,
    case: { ...doc.case, signature: 'VKZ bez ЄУН', caseNumber: null, proceedingsNumber: null },
    recordings: [{ ...rec, date: null, grouping: null, attachments: [] }],
  };
  await w.addTagFile('recordings.json', JSON.stringify(held, null, 2));
  await w.finish([['BagIt-Profile-Identifier', 'crp/1']]);
  return carrier;
}

type Resolution = { status: string; holds: HoldReason[]; resolved: HoldReason[] };

function logged(k: KioskDir, type: string): Array<Record<string, unknown>> {
  return k
    .query<{ entry: string }>('SELECT entry FROM viewing_log ORDER BY seq')
    .map((r) => JSON.parse(String(r.entry)) as { type: string; data: Record<string, unknown> })
    .filter((e) => e.type === type)
    .map((e) => e.data);
}

describe('held records released by a person', () => {
  it('[PL-4.1] [UA-5] a record held for a missing case and an incomplete date: the date alone leaves it held, the case then completes it; each step logged with the account', async () => {
    const k = new KioskDir().provision({ accounts: TEST_ACCOUNTS });
    const imp = k.json<{ imported: Array<{ status: string; holds: string[] }> }>(['import', await uaWithoutCaseAndDate()]);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.json.imported).toEqual([expect.objectContaining({ status: 'incomplete', holds: ['ua.case-number.missing'] })]);
    const stored = k.query<{ status: string; hold_reason: string }>('SELECT status, hold_reason FROM recordings')[0]!;
    expect((JSON.parse(stored.hold_reason) as HoldReason[]).map((h) => h.rule)).toEqual(['pl41.date.missing', 'ua.case-number.missing']);

    const clerk = signed('ewa-clerk');
    // The case reason cannot be released with a note: it is resolved only by naming the case.
    const notByNote = k.ctl(['release', REF, '--version', '0', '--rule', 'ua.case-number.missing', '--note', 'looks fine', ...clerk.args], clerk.input);
    expect(notByNote.code).toBe(1);
    // UA-5: never filed by guess: a malformed ЄУН is refused.
    expect(k.ctl(['complete', REF, '--version', '0', '--case', '757-12345-25', ...clerk.args], clerk.input).code).toBe(1);

    const date = k.json<Resolution>(['complete', REF, '--version', '0', '--date', '2025-02-0713:25:00', ...clerk.args], clerk.input);
    expect(date.code, date.stderr).toBe(0);
    expect(date.json.status).toBe('held');
    expect(date.json.resolved.map((h) => h.rule)).toEqual(['pl41.date.missing']);
    expect(date.json.holds).toEqual([{ rule: 'ua.case-number.missing', words: 'the case number (ЄУН) is missing (UA-5)' }]);
    expect(k.ctl(['complete', REF, '--version', '0', '--date', '2025-02-0713:25:00', ...clerk.args], clerk.input).stdout).toContain('still open: the case number (ЄУН) is missing');

    const admin = signed('anna-it');
    const filed = k.json<Resolution>(['complete', REF, '--version', '0', '--case', '757/12345/25-ц', ...admin.args], admin.input);
    expect(filed.code, filed.stderr).toBe(0);
    expect(filed.json).toMatchObject({ status: 'complete', holds: [] });
    expect(k.query('SELECT r.status, r.hold_reason, c.signature, c.case_number FROM recordings r JOIN cases c ON c.id = r.case_id')).toEqual([
      { status: 'complete', hold_reason: null, signature: '757/12345/25-ц', case_number: '757/12345/25-ц' },
    ]);

    expect(logged(k, 'completion').map((d) => [d.account, d.resolved, d.open, d.status])).toEqual([
      [{ id: 'ewa-clerk', name: 'Ewa Sekretarz' }, ['pl41.date.missing'], ['ua.case-number.missing'], 'held'],
      [{ id: 'ewa-clerk', name: 'Ewa Sekretarz' }, [], ['ua.case-number.missing'], 'held'],
      [{ id: 'anna-it', name: 'Anna Informatyk' }, ['ua.case-number.missing'], [], 'complete'],
    ]);
    expect(k.json<{ ok: boolean }>(['verify']).json.ok).toBe(true);
    expect(k.ctl(['log', 'verify']).code).toBe(0);
  }, 120_000);
});
