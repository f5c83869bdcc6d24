// The core API the administrator screen calls: exportCase with progress and
// the two-person approval (issue 9, acceptance 5's core half).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashPin, type Account, type ScryptParams } from '../../../app/core/auth';
import { loadConfig } from '../../../app/core/config';
import { KioskError } from '../../../app/core/errors';
import { approveTwoPersons, createKioskAuth, exportCase, STAGING_PREFIX, type ExportProgress } from '../../../app/core/export';
import { checkTarget } from '../../../app/core/export/target';
import { importPath, ingestContextFor } from '../../../app/core/ingest';
import { openKiosk, type Kiosk } from '../../../app/core/kiosk';
import { DEFAULT_CHUNK_SIZE, chunkOffset } from '../../../app/core/store/chunked-aead';
import { makeBigCarrier } from '../../../bench/big-carrier';
import { copyOfDemo } from '../../helpers/demo';
import { REPO, scratch } from '../../helpers/paths';

const FAST: ScryptParams = { ln: 10, r: 8, p: 1 };
const configFile = path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json');
let kiosk: Kiosk | undefined;

afterEach(() => {
  kiosk?.close();
  kiosk = undefined;
});

async function openWith(accounts: Account[] = []): Promise<Kiosk> {
  const config = { ...loadConfig(configFile), accounts };
  kiosk = await openKiosk({ dataDir: scratch('kiosk-data-'), config, configFile });
  return kiosk;
}

async function accounts(): Promise<Account[]> {
  return [
    { id: 'admin-1', name: 'Adam Administrator', role: 'admin', pinHash: await hashPin('correct horse battery', FAST) },
    { id: 'admin-2', name: 'Alina Administrator', role: 'admin', pinHash: await hashPin('second admin secret', FAST) },
    { id: 'clerk-1', name: 'Celina Urzędniczka', role: 'clerk', pinHash: await hashPin('4711', FAST) },
  ];
}

function logTypes(k: Kiosk): Array<{ type: string; data: Record<string, unknown> }> {
  return (k.db.prepare('SELECT entry FROM viewing_log ORDER BY seq').all() as Array<{ entry: string }>).map((r) => JSON.parse(r.entry) as { type: string; data: Record<string, unknown> });
}

async function refusal(p: Promise<unknown>): Promise<KioskError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(KioskError);
  return e as KioskError;
}

describe('approveTwoPersons', () => {
  it('an administrator and a clerk with their own PINs: approved and logged', async () => {
    const k = await openWith(await accounts());
    const auth = createKioskAuth(k);
    const ok = await approveTwoPersons(k, auth, { accountId: 'admin-1', pin: 'correct horse battery' }, { accountId: 'clerk-1', pin: '4711' }, { case: 'KM 123/24' });
    expect(ok.admin.id).toBe('admin-1');
    expect(ok.second).toMatchObject({ id: 'clerk-1', role: 'clerk' });
    expect(logTypes(k).find((e) => e.type === 'export.approval')?.data).toMatchObject({ admin: 'admin-1', second: 'clerk-1', case: 'KM 123/24' });
    // Two administrators are two people too.
    await approveTwoPersons(k, auth, { accountId: 'admin-1', pin: 'correct horse battery' }, { accountId: 'admin-2', pin: 'second admin secret' });
  });

  it('the same person twice is refused and logged, without a PIN being checked', async () => {
    const k = await openWith(await accounts());
    const e = await refusal(approveTwoPersons(k, createKioskAuth(k), { accountId: 'admin-1', pin: 'correct horse battery' }, { accountId: 'admin-1', pin: 'correct horse battery' }));
    expect(e.problems[0]?.rule).toBe('export.approval.same-person');
    const log = logTypes(k);
    expect(log.find((x) => x.type === 'export.approval.refused')?.data).toMatchObject({ reason: 'same-person', first: 'admin-1', second: 'admin-1' });
    expect(log.some((x) => x.type === 'auth.success')).toBe(false);
  });

  it('a wrong PIN (of either person) is refused and logged; a clerk cannot be the first, administrating approver', async () => {
    const k = await openWith(await accounts());
    const auth = createKioskAuth(k);
    const wrong1 = await refusal(approveTwoPersons(k, auth, { accountId: 'admin-1', pin: 'wrong' }, { accountId: 'clerk-1', pin: '4711' }));
    expect(wrong1.problems[0]?.rule).toBe('export.approval.first-failed');
    const wrong2 = await refusal(approveTwoPersons(k, auth, { accountId: 'admin-1', pin: 'correct horse battery' }, { accountId: 'clerk-1', pin: '0000' }));
    expect(wrong2.problems[0]?.rule).toBe('export.approval.second-failed');
    const clerkFirst = await refusal(approveTwoPersons(k, auth, { accountId: 'clerk-1', pin: '4711' }, { accountId: 'admin-1', pin: 'correct horse battery' }));
    expect(clerkFirst.problems[0]?.rule).toBe('export.approval.first-not-admin');
    const log = logTypes(k);
    expect(log.filter((x) => x.type === 'export.approval.refused').map((x) => x.data.reason)).toEqual(['first-failed', 'second-failed', 'first-not-admin']);
    expect(log.filter((x) => x.type === 'auth.failure').map((x) => x.data.reason)).toEqual(['wrong-pin', 'wrong-pin']);
    expect(log.some((x) => x.type === 'export.approval')).toBe(false);
  });
});

describe('exportCase', () => {
  it('[PL-9] reports progress up to every byte, records the approvers, and refuses a target where the package would go is taken', async () => {
    const k = await openWith();
    const r = await importPath(ingestContextFor(k, { operator: 'setup' }), copyOfDemo('versions'));
    expect(r.problems).toEqual([]);
    const to = scratch('carrier-out-');
    const seen: ExportProgress[] = [];
    const at = new Date('2026-03-01T10:00:00Z');
    const res = await exportCase(k, { caseSignature: 'KM 45/25', to, purpose: 'transfer', recipient: 'Sąd Okręgowy, sala 12', operator: 'Adam Administrator', approvedBy: ['admin-1', 'clerk-1'], now: () => at }, (p) => seen.push(p));
    const last = seen.at(-1)!;
    expect(last.bytesDone).toBe(res.bytes);
    expect(last.bytesTotal).toBe(res.bytes);
    expect(last.filesDone).toBe(last.filesTotal);
    expect(seen.every((p, i) => i === 0 || p.bytesDone >= seen[i - 1]!.bytesDone)).toBe(true);
    expect(path.basename(res.package)).toBe('KM-45-25_export_20260301T100000Z');
    expect(fs.readFileSync(path.join(res.package, 'bag-info.txt'), 'utf8')).toContain('Export-Approved-By: admin-1, clerk-1');
    const again = await refusal(exportCase(k, { caseSignature: 'KM 45/25', to, purpose: 'transfer', recipient: 'x', operator: 'y', now: () => at }));
    expect(again.problems[0]?.rule).toBe('export.target.not-empty');
    expect(fs.readdirSync(to)).toEqual([path.basename(res.package)]);
  });

  it('[PL-9] [DC-6] an export that fails after its log entry (the package cannot be signed) leaves no package and logs export.abandoned beside the export entry', async () => {
    const k = await openWith();
    expect((await importPath(ingestContextFor(k), copyOfDemo(), 'carrier')).problems).toEqual([]);
    const real = k.signer();
    let signatures = 0;
    // The receipt is signed before the log entry, the package after it: the second signature fails.
    const sign = (m: Buffer): Buffer => {
      if (++signatures === 2) throw new Error('signing device removed');
      return real.sign(m);
    };
    const failing: Kiosk = { ...k, signer: () => ({ ...real, sign }) };
    const to = scratch('carrier-out-');
    const e = await exportCase(failing, { caseSignature: 'KM 123/24', to, purpose: 'backup', recipient: 'Kancelaria', operator: 'Anna Informatyk' }).then(() => null, (x: unknown) => x);
    expect(String(e)).toMatch(/signing device removed/);
    expect(fs.readdirSync(to)).toEqual([]);
    const log = logTypes(k);
    const exported = log.find((x) => x.type === 'export');
    const abandoned = log.find((x) => x.type === 'export.abandoned');
    expect(exported).toBeDefined();
    expect(abandoned?.data).toMatchObject({ package: exported?.data.package, packageSha256: exported?.data.packageSha256, reason: 'signing device removed' });
    expect(k.log.verify().ok).toBe(true);
  });

  it('[Q-3] [PL-9] a recording larger than a slot, opened on the cipher worker, exports byte for byte; with a byte flipped in its third slot the export stops naming it, logs the integrity event and leaves the target empty', async () => {
    const k = await openWith();
    const work = scratch('big-carrier-');
    const { carrier, media, bytes } = await makeBigCarrier(work, 13);
    expect((await importPath(ingestContextFor(k, { operator: 'setup' }), carrier)).problems).toEqual([]);
    const caseSig = (k.db.prepare('SELECT signature FROM cases').get() as { signature: string }).signature;
    const good = scratch('carrier-out-');
    const res = await exportCase(k, { caseSignature: caseSig, to: good, purpose: 'backup', recipient: 'Kancelaria', operator: 'Anna Informatyk' });
    expect(res.bytes).toBe(bytes);
    const exported = fs.readdirSync(path.join(res.package, 'data'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(exported).toHaveLength(1);
    expect(fs.readFileSync(path.join(exported[0]!.parentPath, exported[0]!.name)).equals(fs.readFileSync(media))).toBe(true);

    const obj = k.db.prepare('SELECT id FROM objects ORDER BY size DESC LIMIT 1').get() as { id: string };
    const file = k.store.objectPath(obj.id);
    fs.chmodSync(file, 0o600);
    const fd = fs.openSync(file, 'r+');
    // Chunk 37 of 256 KiB chunks: the sixth chunk of the third 4 MiB slot.
    const at = chunkOffset(37, DEFAULT_CHUNK_SIZE) + 777;
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, at);
    b[0] = b[0]! ^ 0x40;
    fs.writeSync(fd, b, 0, 1, at);
    fs.closeSync(fd);
    const to = scratch('carrier-out-');
    const e = await refusal(exportCase(k, { caseSignature: caseSig, to, purpose: 'backup', recipient: 'Kancelaria', operator: 'Anna Informatyk' }));
    expect(e.code).toBe('integrity');
    expect(e.message).toMatch(/chunk authentication failed \(chunk 37\)/);
    expect(e.message).toContain('export stopped, nothing was written');
    expect(fs.readdirSync(to)).toEqual([]);
    expect(k.db.prepare("SELECT count(*) AS n FROM integrity_events WHERE reason = 'export'").get()).toEqual({ n: 1 });
  }, 120_000);

  it('refuses a target too small before the first byte, and removes an interrupted export\'s staging folder', async () => {
    const to = scratch('carrier-out-');
    fs.mkdirSync(path.join(to, `${STAGING_PREFIX}KM-1-26_export_20260101T000000Z`, 'data'), { recursive: true });
    fs.writeFileSync(path.join(to, 'unrelated.txt'), 'kept');
    const e = await refusal(checkTarget(to, 'KM-1-26_export_20260301T100000Z', scratch('kiosk-data-'), Number.MAX_SAFE_INTEGER, 3));
    expect(e.problems[0]?.rule).toBe('export.target.too-small');
    expect(e.message).toContain('nothing was written');
    expect(fs.readdirSync(to)).toEqual(['unrelated.txt']);
  });
});
