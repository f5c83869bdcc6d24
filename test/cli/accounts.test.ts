// People, not names: kioskctl's export, purge and complete act as an
// authenticated account of kiosk-config (acceptance 4 of the administration
// issue). Every refusal exits 1 and is in the viewing log; the receipt names both people.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { copyOfDemo } from '../helpers/demo';
import { KioskDir } from '../helpers/kiosk-dir';
import { scratch } from '../helpers/paths';
import { SECRETS, TEST_ACCOUNTS, signed } from '../helpers/accounts';

type Entry = { type: string; data: Record<string, unknown> };

function log(k: KioskDir, type: string): Array<Record<string, unknown>> {
  return k
    .query<{ entry: string }>('SELECT entry FROM viewing_log ORDER BY seq')
    .map((r) => JSON.parse(String(r.entry)) as Entry)
    .filter((e) => e.type === type)
    .map((e) => e.data);
}

function kioskWithRecordings(): KioskDir {
  const k = new KioskDir().provision({ accounts: TEST_ACCOUNTS });
  expect(k.ctl(['import', copyOfDemo('pl')]).code).toBe(0);
  return k;
}

const exportArgs = (to: string, purpose = 'supervisory') => ['export', '--case', 'KM 123/24', '--to', to, '--purpose', purpose, '--recipient', 'Prezes Sądu Okręgowego w Krakowie'];

describe('kioskctl acts as authenticated accounts', () => {
  it('[PL-9] [DC-6] export without --account, with a wrong PIN or with the same account as approver exits 1 and is logged; with two accounts the receipt names both', () => {
    const k = kioskWithRecordings();
    const to = scratch('carrier-out-');

    const none = k.ctl([...exportArgs(to), '--approver', 'piotr-it', '--secret-stdin'], '');
    expect(none.code, none.stderr).toBe(1);
    expect(none.stderr).toContain('--account');

    const wrong = k.ctl([...exportArgs(to), '--account', 'anna-it', '--approver', 'piotr-it', '--secret-stdin'], `not-the-password\n${SECRETS['piotr-it']}\n`);
    expect(wrong.code, wrong.stderr).toBe(1);

    const same = k.ctl([...exportArgs(to), '--account', 'anna-it', '--approver', 'anna-it', '--secret-stdin'], `${SECRETS['anna-it']}\n${SECRETS['anna-it']}\n`);
    expect(same.code, same.stderr).toBe(1);

    const clerkFirst = k.ctl([...exportArgs(to), ...signed('ewa-clerk', 'anna-it').args], signed('ewa-clerk', 'anna-it').input);
    expect(clerkFirst.code, clerkFirst.stderr).toBe(1);

    expect(fs.readdirSync(to)).toEqual([]);
    expect(log(k, 'command.refused').map((d) => [d.command, d.reason])).toEqual([
      ['export', 'no-account'],
      ['export', 'account-failed'],
      ['export', 'same-person'],
      ['export', 'role'],
    ]);
    expect(log(k, 'auth.failure')).toEqual([expect.objectContaining({ accountId: 'anna-it', reason: 'wrong-pin', purpose: 'kioskctl export' })]);
    expect(log(k, 'export')).toEqual([]);

    const s = signed('anna-it', 'ewa-clerk');
    const ok = k.json<{ receipt: { json: string } }>([...exportArgs(to), ...s.args], s.input);
    expect(ok.code, ok.stderr).toBe(0);
    const receipt = (JSON.parse(fs.readFileSync(ok.json.receipt.json, 'utf8')) as { receipt: { operator: string; approvedBy: string[] } }).receipt;
    expect(receipt.operator).toBe('Anna Informatyk (anna-it)');
    expect(receipt.approvedBy).toEqual(['Anna Informatyk (anna-it)', 'Ewa Sekretarz (ewa-clerk)']);
    expect(log(k, 'export')).toEqual([expect.objectContaining({ operator: 'Anna Informatyk (anna-it)', approvedBy: receipt.approvedBy })]);
  }, 120_000);

  it('[PL-7] purge needs two accounts and its grounds: the case\'s transfer export receipt, or a logged reason', () => {
    const k = kioskWithRecordings();
    const purge = ['purge', '--case', 'KM 123/24', '--transferred', 'KRK/ARCH/2026/0042'];
    const s = signed('anna-it', 'piotr-it');
    const noGrounds = k.ctl([...purge, ...s.args], s.input);
    expect(noGrounds.code, noGrounds.stderr).toBe(1);
    const unknownReceipt = k.ctl([...purge, ...s.args, '--export-receipt', 'KM-123-24_export_19990101T000000Z'], s.input);
    expect(unknownReceipt.code, unknownReceipt.stderr).toBe(1);
    expect(log(k, 'command.refused').map((d) => d.reason)).toEqual(['missing', 'receipt-unknown']);
    expect(k.query('SELECT count(*) AS n FROM deletions')).toEqual([{ n: 0 }]);

    const to = scratch('archive-');
    const ex = k.json<{ package: string }>([...exportArgs(to, 'transfer'), ...s.args], s.input);
    expect(ex.code, ex.stderr).toBe(0);
    const receiptId = ex.json.package.split('/').pop()!;
    const done = k.json<{ certificate: { operator: string; approvedBy: string[]; grounds: unknown } }>([...purge, ...s.args, '--export-receipt', receiptId], s.input);
    expect(done.code, done.stderr).toBe(0);
    expect(done.json.certificate).toMatchObject({
      operator: 'Anna Informatyk (anna-it)',
      approvedBy: ['Anna Informatyk (anna-it)', 'Piotr Nowak (IT) (piotr-it)'],
      grounds: { exportReceipt: receiptId },
    });
    expect(log(k, 'purge')).toEqual([expect.objectContaining({ grounds: { exportReceipt: receiptId } })]);
  }, 120_000);

  it('[PL-4.1] complete is open to a clerk, names the account, and --operator is refused as a usage error', () => {
    const k = kioskWithRecordings();
    const old = k.ctl(['complete', 'X', '--version', '0', '--date', '2025-01-14 09:00:00', '--operator', 'Ewa']);
    expect(old.code).toBe(2);
    expect(old.stderr).toContain('--account');
    const wrong = k.ctl(['complete', 'X', '--version', '0', '--date', '2025-01-14 09:00:00', '--account', 'ewa-clerk', '--secret-stdin'], '0000\n');
    expect(wrong.code).toBe(1);
    expect(log(k, 'auth.failure')).toEqual([expect.objectContaining({ accountId: 'ewa-clerk', purpose: 'kioskctl complete' })]);
  });
});
