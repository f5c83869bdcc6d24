// The record store through kioskctl on a real data directory: what was
// imported is exactly what is verified; tampering is found and named; purge
// deletes by rule; plaintext never lands on disk.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyOfDemo, DEMO_CARRIER, DEMO_MARKER } from '../../helpers/demo';
import { serveKiosk } from '../../helpers/kioskctl';
import { SessionClient, openDemoSession } from '../../helpers/session-client';
import { KioskDir } from '../../helpers/kiosk-dir';
import { TEST_ACCOUNTS, signed } from '../../helpers/accounts';

interface VerifyJson {
  ok: boolean;
  recordings: Array<{ identifier: string | null; version: number; ok: boolean; status: string; problem?: string }>;
  catalog: { ok: boolean; problems: string[] };
}
interface ListJson {
  recordings: Array<{ identifier: string; version: number; status: string; case: { signature: string } }>;
}

function importedKiosk(pkg?: 'pl' | 'versions' | 'ua'): KioskDir {
  const k = new KioskDir();
  const r = k.json<{ imported: unknown[]; problems: unknown[] }>(['import', copyOfDemo(pkg)]);
  expect(r.json.problems).toEqual([]);
  expect(r.code).toBe(0);
  return k;
}

/** The object file of the first part of a recording. */
function partObject(k: KioskDir, identifier: string, version = 0): string {
  const [row] = k.query<{ object_id: string }>(
    'SELECT p.object_id FROM parts p JOIN recordings r ON r.id = p.recording_id WHERE r.identifier = ? AND r.version = ? ORDER BY p.seq',
    identifier,
    version,
  );
  const file = k.objectFiles().find((f) => path.basename(f) === row!.object_id);
  if (!file) throw new Error('object file not found');
  return file;
}

const PL = 'KM12324-20240305-01';

describe('record store', () => {
  let clean: KioskDir;
  beforeAll(() => {
    clean = importedKiosk();
  });

  it('[DC-4] a fresh import verifies', () => {
    const v = clean.json<VerifyJson>(['verify']);
    expect(v.code).toBe(0);
    expect(v.json.ok).toBe(true);
    expect(v.json.recordings.length).toBe(4);
    expect(v.json.recordings.every((r) => r.ok && r.status === 'verified')).toBe(true);
  });

  it('[Q-3] [DC-4] a flipped byte in a stored chunk is detected, naming the recording', () => {
    const k = importedKiosk('pl');
    const f = partObject(k, PL);
    const b = fs.readFileSync(f);
    b[Math.floor(b.length / 2)]! ^= 0x01;
    fs.writeFileSync(f, b);
    const v = k.json<VerifyJson>(['verify']);
    expect(v.code).toBe(1);
    expect(v.json.ok).toBe(false);
    expect(v.json.recordings).toContainEqual(expect.objectContaining({ identifier: PL, ok: false, problem: expect.stringContaining(PL) }));
    expect(k.query('SELECT * FROM integrity_events').length).toBeGreaterThan(0);
  });

  it('[Q-3] a truncated object file is detected', () => {
    const k = importedKiosk('pl');
    const f = partObject(k, PL);
    fs.truncateSync(f, Math.floor(fs.statSync(f).size * 0.7));
    expect(k.json<VerifyJson>(['verify']).json.recordings).toContainEqual(expect.objectContaining({ identifier: PL, ok: false }));
  });

  it('[Q-3] bytes appended to an object file are detected', () => {
    const k = importedKiosk('pl');
    const f = partObject(k, PL);
    fs.appendFileSync(f, fs.readFileSync(f).subarray(-70_000));
    expect(k.json<VerifyJson>(['verify']).json.recordings).toContainEqual(expect.objectContaining({ identifier: PL, ok: false }));
  });

  it('[Q-3] a deleted part file is detected', () => {
    const k = importedKiosk('pl');
    fs.rmSync(partObject(k, PL));
    const v = k.json<VerifyJson>(['verify']);
    expect(v.code).toBe(1);
    expect(v.json.recordings).toContainEqual(expect.objectContaining({ identifier: PL, ok: false }));
  });

  it('[Q-3] a part swapped for another recording’s object is detected', () => {
    const k = importedKiosk();
    const a = partObject(k, PL);
    const b = partObject(k, 'KM4525-20250114-02', 0);
    fs.copyFileSync(b, a);
    expect(k.json<VerifyJson>(['verify']).json.recordings).toContainEqual(expect.objectContaining({ identifier: PL, ok: false }));
  });

  it('[Q-3] [PL-5.1] a wrong device key is detected and named (keys.device.mismatch, exit 2) and the key never appears in the output', () => {
    const k = importedKiosk('pl');
    // The key is beside the data directory, sealed the way this machine seals (systemd-creds as root).
    const keyDir = `${k.dir}-keys`;
    const [name] = fs.readdirSync(keyDir);
    const keyFile = path.join(keyDir, name!);
    const wrong = Buffer.alloc(32, 7);
    if (name === 'device-key.cred') {
      const r = spawnSync('systemd-creds', ['encrypt', '--name=court-kiosk-device-key', '--with-key=host', '-', keyFile], { input: wrong });
      expect(r.status, String(r.stderr)).toBe(0);
    } else fs.writeFileSync(keyFile, wrong, { mode: 0o600 });
    const r = k.ctl(['verify', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('keys.device.mismatch');
    const out = r.stdout + r.stderr;
    expect(out).not.toContain(wrong.toString('hex'));
    expect(out).not.toContain(wrong.toString('base64'));
  });

  it('[Q-3] a catalog row edited with the sqlite3 tool is detected and named', () => {
    const k = importedKiosk('pl');
    k.sqlite3(`UPDATE recordings SET title = 'Nagranie zmienione' WHERE identifier = '${PL}'`);
    const v = k.json<VerifyJson>(['verify']);
    expect(v.code).toBe(1);
    expect(v.json.catalog.ok).toBe(false);
    expect(v.json.catalog.problems.join('\n')).toContain(PL);
    const k2 = importedKiosk('pl');
    k2.sqlite3(`UPDATE parts SET sha256 = '${'0'.repeat(64)}'`);
    expect(k2.json<VerifyJson>(['verify']).json.catalog.ok).toBe(false);
  });

  it('[PL-3.7] a version 1 and its version 0 are both listed and verifiable', () => {
    const k = importedKiosk('versions');
    const l = k.json<ListJson>(['list', '--case', 'KM 45/25']).json.recordings;
    expect(l.map((r) => [r.identifier, r.version])).toEqual([
      ['KM4525-20250114-02', 0],
      ['KM4525-20250114-02', 1],
    ]);
    expect(k.json<VerifyJson>(['verify']).json.ok).toBe(true);
  });

  it('[PL-3.7] importing version 1 later changes nothing of version 0', async () => {
    const { splitVersions } = await import('../../helpers/split-versions');
    const { v0, v1 } = await splitVersions();
    const k = new KioskDir();
    expect(k.ctl(['import', v0]).code).toBe(0);
    const before = k.query('SELECT * FROM recordings WHERE version = 0');
    const partsBefore = k.query('SELECT * FROM parts');
    const r = k.json<{ imported: Array<{ version: number }> }>(['import', v1]);
    expect(r.code).toBe(0);
    expect(r.json.imported.map((x) => x.version)).toEqual([1]);
    expect(k.query('SELECT * FROM recordings WHERE version = 0')).toEqual(before);
    expect(k.query('SELECT * FROM parts WHERE recording_id IN (SELECT id FROM recordings WHERE version = 0)')).toEqual(partsBefore);
    expect(k.json<ListJson>(['list']).json.recordings).toHaveLength(2);
    expect(k.json<VerifyJson>(['verify']).json.ok).toBe(true);
  });

  it('[PL-7] [PL-6.2] purge removes files and keys, keeps the deletion record, and verify reports purged, not damaged', () => {
    const k = importedKiosk().provision({ accounts: TEST_ACCOUNTS });
    const objsBefore = k.objectFiles().length;
    const people = signed('piotr-it', 'anna-it');
    const r = k.json<{ certificate: { case: string; transferReference: string; recordings: unknown[] }; signature: string }>([
      'purge', '--case', 'KM 123/24', '--transferred', 'KRK/ARCH/2026/0042', ...people.args, '--reason', 'the archive took the paper file with the envelope copy',
    ], people.input);
    expect(r.code).toBe(0);
    expect(r.json.certificate).toMatchObject({ case: 'KM 123/24', transferReference: 'KRK/ARCH/2026/0042' });
    expect(r.json.certificate.recordings).toHaveLength(1);
    expect(r.json.signature.length).toBeGreaterThan(40);
    expect(k.objectFiles().length).toBeLessThan(objsBefore);
    expect(k.query("SELECT count(*) AS n FROM objects WHERE wrapped_key IS NOT NULL AND id IN (SELECT object_id FROM parts p JOIN recordings r ON r.id = p.recording_id JOIN cases c ON c.id = r.case_id WHERE c.signature = 'KM 123/24')")).toEqual([{ n: 0 }]);
    expect(k.query('SELECT case_signature, transfer_ref, operator FROM deletions')).toEqual([
      { case_signature: 'KM 123/24', transfer_ref: 'KRK/ARCH/2026/0042', operator: 'Piotr Nowak (IT) (piotr-it)' },
    ]);
    const v = k.json<VerifyJson>(['verify']);
    expect(v.code).toBe(0);
    expect(v.json.recordings.find((x) => x.identifier === PL)).toMatchObject({ ok: true, status: 'purged' });
    expect(k.json<ListJson>(['list', '--case', 'KM 123/24']).json.recordings).toEqual([]);
  });

  it('[PL-5.1] [DC-5] plaintext of a recording never appears on disk in the data directory, after import and playback', async () => {
    const k = importedKiosk();
    // Playback's reads: a full authenticated read of every object, then a real
    // review session over the web shell (verification before playback, play, end).
    expect(k.ctl(['verify']).code).toBe(0);
    const served = await serveKiosk(['--demo'], { ...k.env, KIOSK_DEMO_CARRIER: DEMO_CARRIER });
    try {
      const c = await SessionClient.connect(served);
      await openDemoSession(c);
      await c.send({ type: 'viewer.play', mediaTime: 0 });
      await c.send({ type: 'media.progress', mediaTime: 5 });
      await c.sendUntil({ type: 'viewer.end' }, (v) => v.screen === 'ended');
    } finally {
      await served.stop();
    }
    const carrierMp4 = fs.readFileSync(path.join(copyOfDemo('pl'), 'KM-123-24', 'data', 'KM12324-20240305-01.mp4'));
    const probe = carrierMp4.subarray(Math.floor(carrierMp4.length / 2), Math.floor(carrierMp4.length / 2) + 64);
    const marker = Buffer.from(DEMO_MARKER);
    const hits: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else {
          const b = fs.readFileSync(p);
          if (b.includes(marker) || b.includes(probe)) hits.push(p);
        }
      }
    };
    walk(k.dir);
    expect(hits).toEqual([]);
  });
});
