// Import from the TIS (FORMATS.md §2) against the real reference server over
// mutual TLS on 127.0.0.1: real media made by ffmpeg, a protocol signed with
// openssl cms, a real kiosk data directory (encrypted store, SQLite catalog).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../app/core/config';
import { openKiosk, type Kiosk } from '../../../app/core/kiosk';
import { fetchCase, TisClient, TisOutbox, type FetchResult } from '../../../app/core/tis';
import { withU32 } from '../../../scripts/make-hostile-media';
import { writeTisCase, type CaseJson } from '../../../scripts/tis-server/cases';
import { startTisServer, type TisServer } from '../../../scripts/tis-server/server';
import { KIOSKCTL } from '../../helpers/paths';
import { TEST_ACCOUNTS, signed } from '../../helpers/accounts';

const ADMIN = signed('anna-it');
import { makePki, makeTmp, repoRoot, signDetached, UA_SIGNATURE, type Pki } from './fixture';

const PROTOCOL_TITLE = 'Протокол судового засідання підсистеми ВКЗ';
const COURT = 'Печерський районний суд міста Києва';

let tmp: string;
let pki: Pki;
let root: string;
let server: TisServer;
let configFile: string;
let dataDir: string;
let kiosk: Kiosk;
const media: Buffer[] = [];
let protocol: Buffer;
let protocolP7s: Buffer;

function client(): TisClient {
  return new TisClient({ baseUrl: server.url, ca: pki.read('ca.crt'), cert: pki.read('client.crt'), key: pki.read('client.key'), timeoutMs: 5000, retries: 1, backoffMs: 10 });
}

/** A UA case: one recording whose parts are the given media, with a protocol signed or not. */
async function uaCase(
  signature: string,
  identifier: string,
  opts: { parts?: number[]; processing?: number; signed?: boolean; caseNumber?: string } = {},
): Promise<void> {
  const parts = opts.parts ?? [0];
  const files: Record<string, Buffer> = { 'protokol.pdf': protocol };
  if (opts.signed !== false) files['protokol.pdf.p7s'] = protocolP7s;
  parts.forEach((m, j) => (files[`${identifier}-${j + 1}.mp4`] = media[m]!));
  const json: CaseJson = {
    case: { jurisdiction: 'UA', signature, court: COURT, caseNumber: opts.caseNumber ?? signature, proceedingsNumber: null },
    recordings: [
      {
        identifier,
        creator: { name: 'ВКЗ', court: COURT },
        title: 'Записи конференції',
        date: '2025-03-0510:15:00',
        duration: `00:0${2 * parts.length}`,
        grouping: signature,
        version: 0,
        supersedes: null,
        parts: parts.map((_, j) => (j === opts.processing ? { name: `${identifier}-${j + 1}.mp4`, status: 'processing', retryAfter: 90 } : { name: `${identifier}-${j + 1}.mp4` })),
        annotations: [],
        attachments: [{ name: 'protokol.pdf', kind: 'protocol', title: PROTOCOL_TITLE, signature: opts.signed === false ? null : 'protokol.pdf.p7s' }],
        envelopeSheet: null,
        'x-vkz-room': { id: 17 },
      },
    ],
  };
  await writeTisCase(root, json, files);
}

function objectFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(kiosk.layout.objects);
  return out.sort();
}

/** The catalog as sqlite3 dumps it, but for the waiting queue (UA-1), which records what is still processing. */
function dump(): string {
  const all = spawnSync('sqlite3', [kiosk.layout.catalog, '.dump'], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout;
  return all.split('\n').filter((l) => !l.startsWith('INSERT INTO tis_waiting')).join('\n');
}

function recording(identifier: string): { id: number; status: string; hold_reason: string | null; case_number: string | null } | undefined {
  return kiosk.db
    .prepare('SELECT r.id, r.status, r.hold_reason, c.case_number FROM recordings r JOIN cases c ON c.id = r.case_id WHERE r.identifier = ?')
    .get(identifier) as { id: number; status: string; hold_reason: string | null; case_number: string | null } | undefined;
}

/** The real kioskctl, spawned without blocking: the TIS server answers from this same process. */
function ctl(args: string[], config = configFile): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(KIOSKCTL, [...args, '--data-dir', dataDir, '--config', config], { stdio: ['pipe', 'pipe', 'pipe'] });
    // The administrator's password for --secret-stdin; commands that ask nothing ignore it.
    child.stdin.on('error', () => undefined);
    child.stdin.end(ADMIN.input);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** `tis`: the reference server; `elsewhere`: TIS allowed but configured at a dead address (flags override it); `none`: carriers only. */
function writeConfig(file: string, mode: 'tis' | 'elsewhere' | 'none'): void {
  const tis = mode !== 'none';
  const base = JSON.parse(fs.readFileSync(path.join(repoRoot, 'kiosk-config', 'court-ua.json'), 'utf8')) as Record<string, unknown>;
  delete base.$schema;
  const cfg = {
    ...base,
    importSources: tis ? ['carrier', 'tis'] : ['carrier'],
    tis: mode === 'tis'
      ? { baseUrl: server.url, caFile: 'pki/ca.crt', certFile: 'pki/client.crt', keyFile: 'pki/client.key', timeoutMs: 5000 }
      : mode === 'elsewhere' ? { baseUrl: 'https://127.0.0.1:9/', caFile: 'none/ca.crt', certFile: 'none/c.crt', keyFile: 'none/c.key', timeoutMs: 5000 } : null,
    trustedSigners: [{ name: 'Секретар судового засідання', certFile: 'pki/signer.crt' }],
    accounts: TEST_ACCOUNTS,
  };
  fs.writeFileSync(file, JSON.stringify(cfg, null, 2));
}

beforeAll(async () => {
  tmp = makeTmp();
  pki = makePki(tmp);
  root = path.join(tmp, 'root');
  for (let i = 0; i < 3; i++) {
    const out = path.join(tmp, `m${i}.mp4`);
    execFileSync('bash', [path.join(repoRoot, 'scripts/make-test-media.sh'), out, '--seconds', '2', '--marker', `TIS-PART-${i + 1}`], { stdio: 'pipe' });
    media.push(fs.readFileSync(out));
  }
  protocol = Buffer.from(`%PDF-1.4\n% ${PROTOCOL_TITLE}\n%%EOF\n`);
  const pdf = path.join(tmp, 'protokol.pdf');
  fs.writeFileSync(pdf, protocol);
  signDetached(pki, pdf, `${pdf}.p7s`);
  protocolP7s = fs.readFileSync(`${pdf}.p7s`);
  server = await startTisServer({ root, certs: pki.dir });
  configFile = path.join(tmp, 'config.json');
  writeConfig(configFile, 'tis');
  dataDir = path.join(tmp, 'data');
  kiosk = await openKiosk({ dataDir, config: loadConfig(configFile), configFile });
}, 120_000);

afterAll(async () => {
  kiosk?.close();
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  server.setFault(null);
});

describe('fetchCase from the TIS', () => {
  it('[UA-2] [UA-3] [UA-4] imports a three-part conference with its signed protocol as one recording; verify and list agree', async () => {
    await uaCase(UA_SIGNATURE, 'VKZ-2025-0001', { parts: [0, 1, 2] });
    const r = await fetchCase(kiosk, { signature: UA_SIGNATURE, client: client(), operator: 'Оксана Секретар' });
    expect(r.problems).toEqual([]);
    expect(r.notReady).toEqual([]);
    expect(r.imported).toEqual([expect.objectContaining({ identifier: 'VKZ-2025-0001', case: UA_SIGNATURE, status: 'complete', holds: [] })]);

    const rec = recording('VKZ-2025-0001')!;
    const parts = kiosk.db.prepare('SELECT seq, name, sha256, size FROM parts WHERE recording_id = ? ORDER BY seq').all(rec.id) as Array<{ seq: number; name: string; size: number }>;
    expect(parts.map((p) => [p.seq, p.name, p.size])).toEqual([
      [0, 'data/VKZ-2025-0001-1.mp4', media[0]!.length],
      [1, 'data/VKZ-2025-0001-2.mp4', media[1]!.length],
      [2, 'data/VKZ-2025-0001-3.mp4', media[2]!.length],
    ]);
    const att = kiosk.db.prepare('SELECT title, signature_name, signature_verdict_json FROM attachments WHERE recording_id = ?').get(rec.id) as { title: string; signature_name: string; signature_verdict_json: string };
    expect(att.title).toBe(PROTOCOL_TITLE);
    const verdict = JSON.parse(att.signature_verdict_json) as { ok: boolean; signer: string };
    expect(verdict.ok).toBe(true);
    expect(verdict.signer).toMatch(/CN=/);
    const imp = kiosk.db.prepare('SELECT i.source_kind, i.source_ref, i.operator FROM imports i JOIN recordings r ON r.import_id = i.id WHERE r.id = ?').get(rec.id);
    expect(imp).toEqual({ source_kind: 'tis', source_ref: r.source, operator: 'Оксана Секретар' });
    expect(r.source).toBe(`${server.url}/api/v1/cases/${encodeURIComponent(UA_SIGNATURE)}/recordings`);
    const extra = kiosk.db.prepare('SELECT extra_json FROM recordings WHERE id = ?').get(rec.id) as { extra_json: string };
    expect(JSON.parse(extra.extra_json)).toEqual({ 'x-vkz-room': { id: 17 } });

    // The plaintext never reached the disk: no stored file contains the media's marker.
    for (const f of objectFiles()) expect(fs.readFileSync(f).includes('TIS-PART-1')).toBe(false);

    const verify = await ctl(['verify', '--json']);
    expect(verify.code, verify.stderr).toBe(0);
    const list = JSON.parse((await ctl(['list', '--case', UA_SIGNATURE, '--json'])).stdout) as { recordings: Array<{ identifier: string; status: string; parts: number }> };
    expect(list.recordings).toEqual([expect.objectContaining({ identifier: 'VKZ-2025-0001', status: 'complete' })]);
    expect(list.recordings[0]!.parts).toBe(3);
  });

  it('[DC-6] logs the import to the tamper-evident log, and a second fetch finds the recording unchanged', async () => {
    const before = objectFiles();
    const r = await fetchCase(kiosk, { signature: UA_SIGNATURE, client: client() });
    expect(r.imported).toEqual([]);
    expect(r.problems).toEqual([]);
    expect(r.unchanged).toEqual([expect.objectContaining({ identifier: 'VKZ-2025-0001', version: 0 })]);
    expect(objectFiles()).toEqual(before);
    const logVerify = await ctl(['log', 'verify', '--json']);
    expect(logVerify.code, logVerify.stderr).toBe(0);
    const entries = (kiosk.db.prepare('SELECT entry FROM viewing_log ORDER BY seq').all() as Array<{ entry: string | Buffer }>).map((e) => String(e.entry));
    const tis = entries.filter((e) => e.includes('"import.tis"'));
    expect(tis).toHaveLength(1);
    expect(tis[0]).toContain('VKZ-2025-0001');
  });

  it('[UA-1] a recording with a part still processing stores nothing and is reported not ready; once ready, a later fetch stores it', async () => {
    const sig = '757/22222/25-ц';
    await uaCase(sig, 'VKZ-2025-0002', { parts: [0, 1], processing: 1 });
    const files = objectFiles();
    const catalog = dump();
    const r = await fetchCase(kiosk, { signature: sig, client: client() });
    expect(r.problems).toEqual([]);
    expect(r.imported).toEqual([]);
    expect(r.notReady).toEqual([expect.objectContaining({ identifier: 'VKZ-2025-0002', version: 0, retryAfterSec: 90 })]);
    expect(objectFiles()).toEqual(files);
    expect(dump()).toBe(catalog);
    expect(recording('VKZ-2025-0002')).toBeUndefined();

    await uaCase(sig, 'VKZ-2025-0002', { parts: [0, 1] });
    const later = await fetchCase(kiosk, { signature: sig, client: client() });
    expect(later.notReady).toEqual([]);
    expect(later.imported).toEqual([expect.objectContaining({ identifier: 'VKZ-2025-0002', status: 'complete' })]);
    expect(kiosk.db.prepare('SELECT count(*) AS n FROM parts WHERE recording_id = ?').get(recording('VKZ-2025-0002')!.id)).toEqual({ n: 2 });
  });

  it('[DC-4] [Q-2] a wrong sha256 in the listing stores nothing: catalog and object files unchanged, the problem names the URL and rule', async () => {
    const sig = '757/33333/25-ц';
    await uaCase(sig, 'VKZ-2025-0003', { parts: [2] });
    const files = objectFiles();
    const catalog = dump();
    server.setFault({ kind: 'wrong-sha256' });
    const r = await fetchCase(kiosk, { signature: sig, client: client() });
    expect(r.imported).toEqual([]);
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems[0]).toMatchObject({ rule: 'tis.hash-mismatch', file: expect.stringContaining('/files/VKZ-2025-0003-1.mp4') });
    expect(objectFiles()).toEqual(files);
    expect(dump()).toBe(catalog);
    expect(fs.readdirSync(kiosk.layout.staging)).toEqual([]);
  });

  it('[Q-2] a part whose stsz claims 50,000,000 samples (a 20-byte edit) is refused by the bounded probe, media.limits naming the box; nothing stored', async () => {
    const sig = '757/33334/25-ц';
    const stsz = 'moov/trak[0]/mdia/minf/stbl/stsz';
    media.push(withU32(media[0]!, stsz, 4, 1, 50_000_000));
    await uaCase(sig, 'VKZ-2025-0008', { parts: [media.length - 1] });
    const files = objectFiles();
    const catalog = dump();
    const started = Date.now();
    const r = await fetchCase(kiosk, { signature: sig, client: client() });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.imported).toEqual([]);
    expect(r.problems).toEqual([expect.objectContaining({ rule: 'media.limits', file: expect.stringContaining('/files/VKZ-2025-0008-1.mp4'), field: 'data/VKZ-2025-0008-1.mp4' })]);
    expect(r.problems[0]!.message).toContain(`${stsz} claims 50000000 samples`);
    expect(objectFiles()).toEqual(files);
    expect(dump()).toBe(catalog);
    expect(fs.readdirSync(kiosk.layout.staging)).toEqual([]);
  });

  it('[UA-4] an unsigned protocol holds the recording for a clerk, with the reason', async () => {
    const sig = '757/44444/25-ц';
    await uaCase(sig, 'VKZ-2025-0004', { signed: false });
    const r = await fetchCase(kiosk, { signature: sig, client: client() });
    expect(r.problems).toEqual([]);
    expect(r.imported).toEqual([expect.objectContaining({ identifier: 'VKZ-2025-0004', status: 'held', holds: ['ua4.protocol-unsigned'] })]);
    const held = recording('VKZ-2025-0004')!;
    expect(held.status).toBe('held');
    // Structured reasons (shared/holds.ts): the rule and its words.
    expect(JSON.parse(held.hold_reason!)).toEqual([{ rule: 'ua4.protocol-unsigned', words: 'the protocol is not signed (UA-4)' }]);
  });

  it('[UA-5] a malformed ЄУН holds the recording instead of filing it by guess', async () => {
    const sig = 'ЄУН-бракований-1';
    await uaCase(sig, 'VKZ-2025-0005', { caseNumber: '757-12345-25' });
    const r = await fetchCase(kiosk, { signature: sig, client: client() });
    expect(r.problems).toEqual([]);
    expect(r.imported).toEqual([expect.objectContaining({ identifier: 'VKZ-2025-0005', status: 'held' })]);
    expect(r.imported[0]!.holds).toContain('ua.case-number.malformed');
    expect(recording('VKZ-2025-0005')).toMatchObject({ status: 'held', case_number: '757-12345-25' });
  });
});

describe('kioskctl fetch', () => {
  it('[UA-1] fetches with --tis/--ca/--cert/--key over the config\'s "tis"; a config whose importSources lacks "tis" refuses, naming the key', async () => {
    const carriersOnly = path.join(tmp, 'config-no-tis.json');
    writeConfig(carriersOnly, 'none');
    const refused = await ctl(['fetch', '--case', UA_SIGNATURE, '--json'], carriersOnly);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('importSources');
    const noTis = path.join(tmp, 'config-tis-elsewhere.json');
    writeConfig(noTis, 'elsewhere');

    const sig = '757/55555/25-ц';
    await uaCase(sig, 'VKZ-2025-0006', { parts: [1] });
    await writeTisCase(root, {
      case: { jurisdiction: 'UA', signature: '757/66666/25-ц', court: COURT, caseNumber: '757/66666/25-ц', proceedingsNumber: null },
      recordings: [{ identifier: 'VKZ-2025-0007', creator: { name: 'ВКЗ', court: COURT }, title: null, date: '2025-03-0510:15:00', duration: '00:02', grouping: null, version: 0, supersedes: null, parts: [{ name: 'p.mp4', status: 'processing', retryAfter: 30 }], attachments: [] }],
    }, {});
    const flags = ['--tis', server.url, '--ca', path.join(pki.dir, 'ca.crt'), '--cert', path.join(pki.dir, 'client.crt'), '--key', path.join(pki.dir, 'client.key')];
    const r = await ctl(['fetch', '--case', sig, ...flags, ...ADMIN.args, '--json'], noTis);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as Pick<FetchResult, 'imported' | 'unchanged' | 'problems' | 'notReady'>;
    expect(doc.imported).toEqual([expect.objectContaining({ identifier: 'VKZ-2025-0006', status: 'complete' })]);
    expect(doc).toMatchObject({ unchanged: [], problems: [], notReady: [] });

    const waiting = await ctl(['fetch', '--case', '757/66666/25-ц', ...flags, ...ADMIN.args, '--json'], noTis);
    expect(waiting.code, waiting.stderr).toBe(0);
    expect(JSON.parse(waiting.stdout)).toMatchObject({ imported: [], problems: [], notReady: [{ identifier: 'VKZ-2025-0007', version: 0, retryAfterSec: 30 }] });

    server.setFault({ kind: 'wrong-sha256' });
    await uaCase('757/77777/25-ц', 'VKZ-2025-0008', { parts: [0] });
    const bad = await ctl(['fetch', '--case', '757/77777/25-ц', ...ADMIN.args, '--json']);
    expect(bad.code).toBe(1);
    expect((JSON.parse(bad.stdout) as FetchResult).problems[0]?.rule).toBe('tis.hash-mismatch');
  });

  it('[PL-6.1] kioskctl outbox lists queued reports and --deliver sends each to the TIS once', async () => {
    const empty = await ctl(['outbox', '--json']);
    expect(empty.code, empty.stderr).toBe(0);
    const listed = JSON.parse(empty.stdout) as { outbox: unknown[]; waiting: Array<{ identifier: string; nextAttemptAt: string }> };
    expect(listed.outbox).toEqual([]);
    // UA-1: what the TIS is still processing waits with its next attempt time.
    expect(listed.waiting).toEqual(expect.arrayContaining([expect.objectContaining({ identifier: 'VKZ-2025-0007', nextAttemptAt: expect.stringMatching(/^\d{4}-/) })]));
    expect((await ctl(['outbox'])).stdout).toMatch(/waiting +757\/66666\/25-ц VKZ-2025-0007 v0: .*next attempt \d{4}-/);
    new TisOutbox(kiosk.db).enqueue({ caseSignature: UA_SIGNATURE, reportId: 'vr-1', body: Buffer.from('{"report":1}') });
    const pending = JSON.parse((await ctl(['outbox', '--json'])).stdout) as { outbox: Array<{ reportId: string; deliveredAt: string | null }> };
    expect(pending.outbox).toEqual([expect.objectContaining({ reportId: 'vr-1', deliveredAt: null })]);
    const sent = await ctl(['outbox', '--deliver', '--json']);
    expect(sent.code, sent.stderr).toBe(0);
    const doc = JSON.parse(sent.stdout) as { outbox: Array<{ deliveredAt: string | null; remoteId: string | null }>; delivery: { delivered: number } };
    expect(doc.delivery.delivered).toBe(1);
    expect(doc.outbox[0]!.remoteId).toEqual(expect.any(String));
    expect(server.reports.all()).toHaveLength(1);
    expect((await ctl(['outbox', '--deliver', '--json'])).code).toBe(0);
    expect(server.reports.all()).toHaveLength(1);
  });
});
