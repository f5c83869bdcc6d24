// Plain folders with SHA256SUMS (FORMATS.md): hashes checked, recordings held
// as incomplete until a clerk completes identifier, date and duration (PL-4.1),
// and who completed what is recorded.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_CARRIER } from '../../helpers/demo';
import { KioskDir } from '../../helpers/kiosk-dir';
import { TEST_ACCOUNTS, signed } from '../../helpers/accounts';

const EWA = signed('ewa-clerk');
import { scratch } from '../../helpers/paths';

function plainFolder(): { dir: string; sha: string } {
  const dir = scratch('plain-');
  const src = path.join(DEMO_CARRIER, 'KM-45-25', 'data', 'KM4525-20250114-02-v0.mp4');
  const b = fs.readFileSync(src);
  fs.writeFileSync(path.join(dir, 'CAM0001.MP4'.toLowerCase()), b);
  const sha = crypto.createHash('sha256').update(b).digest('hex');
  // Written by the real sha256sum, as a camera's companion tool would.
  fs.writeFileSync(path.join(dir, 'SHA256SUMS'), execFileSync('sha256sum', ['cam0001.mp4'], { cwd: dir }));
  return { dir, sha };
}

describe('plain folders', () => {
  it('[PL-4.1] [DC-4] a plain folder is imported as incomplete; a clerk completes it and the completion is recorded', () => {
    const { dir, sha } = plainFolder();
    const k = new KioskDir().provision({ accounts: TEST_ACCOUNTS });
    const r = k.json<{ imported: Array<{ identifier: string | null; status: string }> }>(['import', dir]);
    expect(r.code).toBe(0);
    expect(r.json.imported).toEqual([expect.objectContaining({ identifier: null, status: 'incomplete' })]);
    const provisional = `sha256:${sha.slice(0, 16)}`;
    const half = k.json<{ status: string }>(['complete', provisional, '--version', '0', '--identifier', 'KM4525-CAM-0001', ...EWA.args], EWA.input);
    expect(half.code).toBe(0);
    expect(half.json.status).toBe('incomplete');
    const done = k.json<{ status: string }>(['complete', 'KM4525-CAM-0001', '--version', '0', '--date', '2025-01-14 09:00:00', '--duration', '00:08', '--case', 'KM 45/25', ...EWA.args], EWA.input);
    expect(done.code).toBe(0);
    expect(done.json.status).toBe('complete');
    expect(k.query('SELECT field, new_value, operator FROM completions ORDER BY id')).toEqual([
      { field: 'identifier', new_value: 'KM4525-CAM-0001', operator: 'Ewa Sekretarz (ewa-clerk)' },
      { field: 'date', new_value: '2025-01-14T09:00:00', operator: 'Ewa Sekretarz (ewa-clerk)' },
      { field: 'duration', new_value: '00:08', operator: 'Ewa Sekretarz (ewa-clerk)' },
      { field: 'grouping', new_value: 'KM 45/25', operator: 'Ewa Sekretarz (ewa-clerk)' },
    ]);
    const listed = k.json<{ recordings: Array<{ identifier: string; date: string; status: string; case: { signature: string } }> }>(['list']).json.recordings;
    expect(listed).toEqual([expect.objectContaining({ identifier: 'KM4525-CAM-0001', date: '2025-01-1409:00:00', status: 'complete', case: expect.objectContaining({ signature: 'KM 45/25' }) })]);
    expect(k.ctl(['verify']).code).toBe(0);
  });

  it('[PL-3.4] [Q-2] a completion with a malformed date is refused and changes nothing', () => {
    const { dir, sha } = plainFolder();
    const k = new KioskDir().provision({ accounts: TEST_ACCOUNTS });
    expect(k.ctl(['import', dir]).code).toBe(0);
    // The records and their completions; the log gains only the clerk's sign-in (auth.success).
    const records = () => [k.query('SELECT * FROM recordings'), k.query('SELECT * FROM completions')];
    const before = records();
    const r = k.ctl(['complete', `sha256:${sha.slice(0, 16)}`, '--version', '0', '--date', '14.01.2025', ...EWA.args], EWA.input);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/PL-3\.4/);
    expect(records()).toEqual(before);
  });

  it('[DC-4] a wrong hash in SHA256SUMS stores nothing, and check refuses it by the same rule', () => {
    const { dir } = plainFolder();
    fs.writeFileSync(path.join(dir, 'SHA256SUMS'), `${'ab'.repeat(32)}  cam0001.mp4\n`);
    const k = new KioskDir().provision({ accounts: TEST_ACCOUNTS });
    const r = k.json<{ problems: Array<{ file: string; rule: string }> }>(['import', dir]);
    expect(r.code).toBe(1);
    expect(r.json.problems[0]).toMatchObject({ file: expect.stringContaining('cam0001.mp4'), rule: 'plain.sha256sums.hash' });
    expect(k.objectFiles()).toEqual([]);
    const c = k.json<{ problems: Array<{ file: string; rule: string }> }>(['check', dir]);
    expect(c.code).toBe(1);
    expect(c.json.problems.map((p) => p.rule)).toEqual(['plain.sha256sums.hash']);
  });

  it('[Q-2] a file SHA256SUMS lists but the folder lacks is named by check and import (plain.file.missing), not a raw ENOENT', () => {
    const { dir } = plainFolder();
    fs.appendFileSync(path.join(dir, 'SHA256SUMS'), `${'cd'.repeat(32)}  gone.mp4\n`);
    const k = new KioskDir();
    for (const cmd of ['check', 'import']) {
      const r = k.json<{ problems: Array<{ file: string; rule: string }> }>([cmd, dir]);
      expect(r.code, cmd).toBe(1);
      expect(r.json.problems.map((p) => p.rule), cmd).toEqual(['plain.file.missing']);
      expect(r.json.problems[0]!.file).toContain('gone.mp4');
    }
    expect(k.objectFiles()).toEqual([]);
  });

  it('[DC-4] importing the same folder twice stores nothing new and says so', () => {
    const { dir } = plainFolder();
    const k = new KioskDir().provision({ accounts: TEST_ACCOUNTS });
    expect(k.ctl(['import', dir]).code).toBe(0);
    const objects = k.objectFiles();
    const again = k.json<{ imported: unknown[]; unchanged: unknown[] }>(['import', dir]);
    expect(again.json.imported).toEqual([]);
    expect(again.json.unchanged).toHaveLength(1);
    expect(k.objectFiles()).toEqual(objects);
  });
});
