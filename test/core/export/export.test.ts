// Exports by rule (issue 9), through the real kioskctl: the round trip from
// one kiosk to another, the signature checked with openssl alone, a tampered
// store, the refusals, the log entry and the receipt.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureTool } from '../../../app/core/tools/external-tool';
import { copyOfDemo } from '../../helpers/demo';
import { KioskDir } from '../../helpers/kiosk-dir';
import { TEST_ACCOUNTS, signed } from '../../helpers/accounts';
import { REPO, scratch } from '../../helpers/paths';

interface ExportJson {
  package: string;
  recordings: Array<{ identifier: string | null; version: number; sha256: string }>;
  bytes: number;
  signature: string;
  receipt: { json: string; html: string; pdf: string; language: string };
}
interface Problem {
  file: string;
  rule: string;
  message: string;
}
interface ErrorJson {
  ok: false;
  error: { code: string; message: string; problems: Problem[] };
}

const DEVICE_A = 'SR-KRK-KIOSK-01';

const PEOPLE = signed('anna-it', 'piotr-it');

function importedKiosk(): KioskDir {
  const k = new KioskDir().provision({ accounts: TEST_ACCOUNTS });
  k.stdin = PEOPLE.input;
  expect(k.ctl(['import', copyOfDemo(), '--operator', 'setup']).code).toBe(0);
  return k;
}

/** A second kiosk with its own device id that trusts kiosk `a`'s device key (or none). */
function secondKiosk(a: KioskDir | null): KioskDir {
  const b = new KioskDir();
  const cfg = JSON.parse(fs.readFileSync(path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json'), 'utf8')) as Record<string, unknown>;
  delete cfg.$schema;
  cfg.device = { id: 'SR-KRK-KIOSK-02', name: 'Kiosk — sala 2' };
  if (a) {
    fs.writeFileSync(path.join(b.dir, 'device-a.pem'), pubkey(a));
    cfg.trustedDevices = [{ id: DEVICE_A, publicKeyFile: 'device-a.pem' }];
  }
  fs.writeFileSync(path.join(b.dir, 'config.json'), JSON.stringify(cfg, null, 2));
  return b;
}

function pubkey(k: KioskDir): string {
  const r = k.ctl(['device', 'pubkey']);
  expect(r.code).toBe(0);
  return r.stdout;
}

function exportArgs(caseSig: string, to: string, purpose = 'supervisory', extra: string[] = []): string[] {
  return ['export', '--case', caseSig, '--to', to, '--purpose', purpose, '--recipient', 'Prezes Sądu Okręgowego w Krakowie', ...PEOPLE.args, ...extra];
}

/** What the second kiosk must hold exactly as the first: every PL-3 field, parts, annotations, attachments, hashes. */
function snapshot(k: KioskDir): unknown {
  const recs = k.query<{ id: number; signature: string } & Record<string, unknown>>(
    `SELECT r.id, c.signature, c.jurisdiction, c.court, c.case_number, c.proceedings_number, c.extra_json AS case_extra,
            r.identifier, r.version, r.supersedes_identifier, r.supersedes_version, r.creator_name, r.creator_court, r.title, r.date,
            r.duration_sec, r.grouping, r.status, r.envelope_sheet, r.extra_json, r.flags_json
       FROM recordings r JOIN cases c ON c.id = r.case_id ORDER BY c.signature, r.identifier, r.version`,
  );
  return recs.map(({ id, ...r }) => ({
    ...r,
    parts: k.query('SELECT seq, sha256, size FROM parts WHERE recording_id = ? ORDER BY seq', id),
    annotations: k.query('SELECT seq, at_sec, text FROM annotations WHERE recording_id = ? ORDER BY seq', id),
    attachments: k.query('SELECT seq, kind, title, sha256, size, signature_sha256, signature_size FROM attachments WHERE recording_id = ? ORDER BY seq', id),
  }));
}

function logEntries(k: KioskDir): Array<{ seq: number; type: string; data: Record<string, unknown> }> {
  return k.query<{ entry: string }>('SELECT entry FROM viewing_log ORDER BY seq').map((r) => JSON.parse(r.entry) as { seq: number; type: string; data: Record<string, unknown> });
}

function onlyEntries(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

describe('kioskctl export', () => {
  it('[PL-9] [PL-5.2] [PL-2.2] round trip: demo imported, exported, checked valid, imported into a fresh kiosk with the same recordings, versions, parts, annotations, attachments and SHA-256; provenance: the first device, verified', () => {
    const a = importedKiosk();
    const target = scratch('carrier-out-');
    const outs = [
      a.json<ExportJson>(exportArgs('KM 123/24', target, 'supervisory')),
      a.json<ExportJson>(exportArgs('KM 45/25', target, 'transfer')),
      // The UA recording is held (its protocol's signer is not trusted here): only a backup copies it.
      a.json<ExportJson>(exportArgs('757/12345/25-ц', target, 'backup')),
    ];
    for (const o of outs) {
      expect(o.code, o.stderr).toBe(0);
      expect(path.dirname(o.json.package)).toBe(fs.realpathSync(target));
      expect(fs.statSync(o.json.signature).size).toBe(64);
    }
    expect(outs[1]!.json.recordings.map((r) => r.version)).toEqual([0, 1]);
    expect(onlyEntries(target)).toHaveLength(3);
    const check = a.json<{ valid: boolean; problems: Problem[] }>(['check', target]);
    expect(check.json.problems).toEqual([]);
    expect(check.code).toBe(0);

    const b = secondKiosk(a);
    const imp = b.json<{ imported: unknown[]; problems: Problem[] }>(['import', target, '--operator', 'second']);
    expect(imp.json.problems).toEqual([]);
    expect(imp.code).toBe(0);
    expect(snapshot(b)).toEqual(snapshot(a));
    // Hashes reported by the export are the ones stored on both sides.
    const partHashes = b.query<{ identifier: string; version: number; sha256: string }>('SELECT r.identifier, r.version, p.sha256 FROM parts p JOIN recordings r ON r.id = p.recording_id');
    for (const o of outs) for (const r of o.json.recordings) expect(partHashes.filter((p) => p.identifier === r.identifier && p.version === r.version).map((p) => p.sha256).join(',')).toBe(r.sha256);

    const list = b.json<{ recordings: Array<{ identifier: string; provenance: string | null }> }>(['list']);
    expect(list.json.recordings).toHaveLength(4);
    for (const r of list.json.recordings) expect(r.provenance).toBe(`exported by device ${DEVICE_A}, verified`);
    const imports = b.json<{ imports: Array<{ exportedBy: { device: string; verified: boolean; purpose: string } | null }> }>(['imports']);
    expect(imports.json.imports.map((i) => i.exportedBy?.verified)).toEqual([true, true, true]);
    expect(imports.json.imports.map((i) => i.exportedBy?.purpose).sort()).toEqual(['backup', 'supervisory', 'transfer']);
    expect(b.ctl(['verify']).code).toBe(0);
  }, 240_000);

  it('[PL-9] the signature verifies with openssl pkeyutl and the key from `kioskctl device pubkey`, and fails after one byte of the tag manifest changes', () => {
    ensureTool('openssl');
    const a = importedKiosk();
    const target = scratch('carrier-out-');
    const out = a.json<ExportJson>(exportArgs('KM 123/24', target));
    expect(out.code, out.stderr).toBe(0);
    const work = scratch('verify-');
    const pem = path.join(work, 'device.pem');
    fs.writeFileSync(pem, pubkey(a));
    const manifest = path.join(out.json.package, 'tagmanifest-sha256.txt');
    const verify = (file: string) => spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', pem, '-rawin', '-in', file, '-sigfile', out.json.signature], { encoding: 'utf8' });
    const ok = verify(manifest);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Signature Verified Successfully');
    const changed = path.join(work, 'tagmanifest-sha256.txt');
    const bytes = fs.readFileSync(manifest);
    bytes[10] = bytes[10]! ^ 0x01;
    fs.writeFileSync(changed, bytes);
    expect(verify(changed).status).not.toBe(0);
    // The signature is a tag file the tag manifest does not list (it cannot list its own signature).
    expect(fs.readFileSync(manifest, 'utf8')).not.toContain('tagsignature-ed25519.sig');
    // The fingerprint in bag-info is the SHA-256 of the key's DER, as openssl computes it.
    const der = spawnSync('openssl', ['pkey', '-pubin', '-in', pem, '-outform', 'DER']).stdout;
    const fp = (spawnSync('sha256sum', { input: der, encoding: 'utf8' }).stdout.split(' ')[0] ?? '').trim();
    expect(fs.readFileSync(path.join(out.json.package, 'bag-info.txt'), 'utf8')).toContain(`Export-Device-Key-Fingerprint: sha256:${fp}`);
  }, 120_000);

  it('[Q-3] a byte flipped in the stored media: export exits 1 naming the recording, the target holds nothing, the log holds the integrity event', () => {
    const a = importedKiosk();
    const obj = a.query<{ object_id: string }>("SELECT p.object_id FROM parts p JOIN recordings r ON r.id = p.recording_id WHERE r.identifier = 'KM12324-20240305-01'")[0]!.object_id;
    const file = a.objectFiles().find((f) => path.basename(f) === obj)!;
    fs.chmodSync(file, 0o600);
    const fd = fs.openSync(file, 'r+');
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, 5000);
    b[0] = b[0]! ^ 0x40;
    fs.writeSync(fd, b, 0, 1, 5000);
    fs.closeSync(fd);
    const target = scratch('carrier-out-');
    const out = a.json<ErrorJson>(exportArgs('KM 123/24', target));
    expect(out.code).toBe(1);
    expect(out.json.error.code).toBe('integrity');
    expect(out.json.error.message).toContain('KM12324-20240305-01 version 0');
    expect(out.stderr).toContain('KM12324-20240305-01');
    expect(onlyEntries(target)).toEqual([]);
    expect(a.ctl(['check', target]).code).not.toBe(0);
    const events = logEntries(a).filter((e) => e.type === 'integrity.event');
    expect(events.some((e) => String(e.data.subject).includes('KM12324-20240305-01') && e.data.reason === 'export')).toBe(true);
    expect(logEntries(a).some((e) => e.type === 'export')).toBe(false);
    expect(a.query('SELECT * FROM integrity_events WHERE reason = ?', 'export')).toHaveLength(1);
  }, 120_000);

  it('[DC-6] [PL-9] each export is a viewing-log entry (who, purpose, recipient, recordings with versions and hashes, target, bytes) with a receipt in HTML and PDF in the operator\'s language', () => {
    const a = importedKiosk();
    const target = scratch('carrier-out-');
    const out = a.json<ExportJson>(exportArgs('KM 45/25', target, 'transfer', ['--identifier', 'KM4525-20250114-02', '--version', '1', '--lang', 'uk']));
    expect(out.code, out.stderr).toBe(0);
    const entry = logEntries(a).find((e) => e.type === 'export')!;
    expect(entry.data).toMatchObject({
      case: 'KM 45/25', purpose: 'transfer', recipient: 'Prezes Sądu Okręgowego w Krakowie', operator: 'Anna Informatyk (anna-it)',
      approvedBy: ['Anna Informatyk (anna-it)', 'Piotr Nowak (IT) (piotr-it)'],
      target: fs.realpathSync(target), package: path.basename(out.json.package), bytes: out.json.bytes,
    });
    expect(entry.data.recordings).toEqual(out.json.recordings.map((r) => ({ identifier: r.identifier, version: r.version, sha256: [r.sha256] })));
    expect(a.ctl(['log', 'verify']).code).toBe(0);
    expect(out.json.receipt.language).toBe('uk');
    const html = fs.readFileSync(out.json.receipt.html, 'utf8');
    expect(html).toContain('Підтвердження експорту');
    expect(html).toContain('Prezes Sądu Okręgowego w Krakowie');
    for (const r of out.json.recordings) expect(html).toContain(r.sha256);
    expect(fs.readFileSync(out.json.receipt.pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const signed = JSON.parse(fs.readFileSync(out.json.receipt.json, 'utf8')) as { receipt: { packageSha256: string; log: { entry: { seq: number; type: string } } }; signature: string };
    expect(signed.receipt.packageSha256).toMatch(/^[0-9a-f]{64}$/);
    // The receipt carries the export's own log entry, a checkpoint after it and the proof between them, checked offline.
    expect(signed.receipt.log.entry).toMatchObject({ seq: entry.seq, type: 'export' });
    expect(html).toContain('Контрольна точка журналу переглядів');
    const check = a.json<{ ok: boolean; kind: string; findings: Array<{ code: string }> }>(['verify-report', out.json.receipt.json]);
    expect(check.code, JSON.stringify(check.json)).toBe(0);
    expect(check.json.kind).toBe('export-receipt');
    expect(check.json.findings.map((f) => f.code)).toEqual(['key.embedded', 'signature.ok', 'checkpoint.ok', 'entry.ok']);
    expect(fs.existsSync(path.join(path.dirname(out.json.receipt.json), 'verify-report.html'))).toBe(true);
  }, 120_000);

  it('[PL-3.7] an exported version 1 brings its version 0; --only-version takes just the one asked for', () => {
    const a = importedKiosk();
    const t1 = scratch('carrier-out-');
    const chain = a.json<ExportJson>(exportArgs('KM 45/25', t1, 'transfer', ['--identifier', 'KM4525-20250114-02', '--version', '1']));
    expect(chain.json.recordings.map((r) => r.version)).toEqual([0, 1]);
    const t2 = scratch('carrier-out-');
    const one = a.json<ExportJson>(exportArgs('KM 45/25', t2, 'transfer', ['--identifier', 'KM4525-20250114-02', '--version', '1', '--only-version']));
    expect(one.code, one.stderr).toBe(0);
    expect(one.json.recordings.map((r) => r.version)).toEqual([1]);
    expect(a.ctl(['check', t2]).code).toBe(0);
  }, 120_000);

  it('[PL-10] --envelope-sheet is carried in recordings.json and bag-info, and stored by the importing kiosk', () => {
    const a = importedKiosk();
    const target = scratch('carrier-out-');
    const out = a.json<ExportJson>(exportArgs('KM 123/24', target, 'backup', ['--envelope-sheet', '17']));
    expect(out.code, out.stderr).toBe(0);
    const doc = JSON.parse(fs.readFileSync(path.join(out.json.package, 'recordings.json'), 'utf8')) as { recordings: Array<{ envelopeSheet: unknown }> };
    expect(doc.recordings.map((r) => r.envelopeSheet)).toEqual([17]);
    expect(fs.readFileSync(path.join(out.json.package, 'bag-info.txt'), 'utf8')).toContain('Export-Envelope-Sheet: 17');
    const b = secondKiosk(null);
    expect(b.ctl(['import', target]).code).toBe(0);
    expect(b.query<{ envelope_sheet: string }>('SELECT envelope_sheet FROM recordings')).toEqual([{ envelope_sheet: '17' }]);
  }, 120_000);

  it('import and check: an invalid signature from a trusted device is an error naming the signature file; a signature from an unknown device is imported as such', () => {
    const a = importedKiosk();
    const target = scratch('carrier-out-');
    const out = a.json<ExportJson>(exportArgs('KM 123/24', target));
    expect(out.code, out.stderr).toBe(0);
    const untrusting = secondKiosk(null);
    expect(untrusting.ctl(['import', target]).code).toBe(0);
    const l = untrusting.json<{ recordings: Array<{ provenance: string }> }>(['list']);
    expect(l.json.recordings[0]!.provenance).toBe(`signature from an unknown device (${DEVICE_A}), not verified`);

    const sig = fs.readFileSync(out.json.signature);
    sig[0] = sig[0]! ^ 0x01;
    fs.writeFileSync(out.json.signature, sig);
    const b = secondKiosk(a);
    const imp = b.json<{ problems: Problem[] }>(['import', target]);
    expect(imp.code).toBe(1);
    expect(imp.json.problems[0]).toMatchObject({ rule: 'export.signature.invalid' });
    expect(imp.json.problems[0]!.file).toContain('tagsignature-ed25519.sig');
    expect(b.query('SELECT * FROM recordings')).toEqual([]);
    // check is import without the commit: it refuses the same package by the same rule.
    const chk = b.json<{ valid: boolean; problems: Problem[] }>(['check', target]);
    expect(chk.code).toBe(1);
    expect(chk.json.problems.map((p) => p.rule)).toEqual(imp.json.problems.map((p) => p.rule));
  }, 120_000);

  it('[Q-1] [PL-9] check and import refuse an unfinished export (INCOMPLETE-EXPORT-…) with export.incomplete, given itself or found beside a finished package; nothing of it is stored', () => {
    const a = importedKiosk();
    const target = scratch('carrier-out-');
    const out = a.json<ExportJson>(exportArgs('KM 45/25', target, 'transfer'));
    expect(out.code, out.stderr).toBe(0);
    // The finished package under the staging name: every BagIt and crp/1 check passes, only the name says it never finished.
    const unfinished = `INCOMPLETE-EXPORT-${path.basename(out.json.package)}`;
    fs.cpSync(out.json.package, path.join(target, unfinished), { recursive: true });
    const refusal = [expect.objectContaining({ file: unfinished, rule: 'export.incomplete', message: expect.stringContaining('never finished; it was not logged as complete and must not be imported') })];

    const b = secondKiosk(a);
    expect(b.ctl(['list']).code).toBe(0);
    const before = b.dump();
    for (const cmd of ['check', 'import']) {
      const r = b.json<{ problems: Problem[] }>([cmd, path.join(target, unfinished)]);
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(1);
      expect(r.json.problems).toEqual(refusal);
    }
    expect(b.dump()).toBe(before);

    // On the carrier beside the finished package: the unfinished one is refused, the finished one checked and imported.
    const check = b.json<{ valid: boolean; problems: Problem[] }>(['check', target]);
    expect(check.code).toBe(1);
    expect(check.json.problems).toEqual(refusal);
    const imp = b.json<{ imported: Array<{ identifier: string; version: number }>; problems: Problem[] }>(['import', target]);
    expect(imp.code).toBe(1);
    expect(imp.json.problems).toEqual(refusal);
    expect(imp.json.imported.map((r) => r.version).sort()).toEqual(out.json.recordings.map((r) => r.version).sort());
    expect(b.query<{ source_ref: string }>('SELECT source_ref FROM imports').map((r) => path.basename(r.source_ref))).toEqual([path.basename(out.json.package)]);
  }, 120_000);

  describe('refusals: a clear message, exit 1, nothing written', () => {
    it('[PL-9] unknown case, unknown recording, held recording outside a backup, purged case, target missing, not a directory, not writable, inside the data directory', () => {
      const a = importedKiosk();
      const target = scratch('carrier-out-');
      const refused = (args: string[], rule: string, dir = target, before: string[] = []) => {
        const r = a.json<ErrorJson>(args);
        expect(r.code, `${rule}: ${r.stderr}`).toBe(1);
        expect(r.json.error.problems.map((p) => p.rule)).toContain(rule);
        expect(r.stderr).toContain('nothing was written');
        expect(onlyEntries(dir)).toEqual(before);
        return r;
      };
      refused(exportArgs('KM 999/99', target), 'export.case.unknown');
      refused(exportArgs('KM 45/25', target, 'supervisory', ['--identifier', 'NOPE']), 'export.recording.unknown');
      const held = refused(exportArgs('757/12345/25-ц', target, 'transfer'), 'export.recording.held');
      expect(held.json.error.message).toContain('VKZ-757-12345-25-20250207 version 0');
      refused(exportArgs('KM 123/24', path.join(target, 'missing')), 'export.target.missing');
      const file = path.join(scratch('f-'), 'file');
      fs.writeFileSync(file, 'x');
      refused(exportArgs('KM 123/24', file), 'export.target.not-directory', path.dirname(file), ['file']);
      // A directory no one can create files in, even root (proc).
      refused(exportArgs('KM 123/24', '/proc/self'), 'export.target.not-writable');
      const inside = path.join(a.dir, 'exports-here');
      fs.mkdirSync(inside);
      refused(exportArgs('KM 123/24', inside), 'export.target.inside-data-dir', inside);
      expect(a.ctl(['purge', '--case', 'KM 123/24', '--transferred', 'ARCH/1/2026', ...PEOPLE.args, '--reason', 'archived on paper only']).code).toBe(0);
      refused(exportArgs('KM 123/24', target), 'export.recording.purged');
      expect(logEntries(a).some((e) => e.type === 'export')).toBe(false);
    }, 120_000);

    it('usage errors exit 2: no --purpose, an unknown purpose, --version without --identifier', () => {
      const a = new KioskDir();
      const t = scratch('carrier-out-');
      expect(a.ctl(['export', '--case', 'KM 1/1', '--to', t, '--recipient', 'x', ...PEOPLE.args]).code).toBe(2);
      expect(a.ctl(exportArgs('KM 1/1', t, 'gift')).code).toBe(2);
      expect(a.ctl(exportArgs('KM 1/1', t, 'backup', ['--version', '1'])).code).toBe(2);
      expect(onlyEntries(t)).toEqual([]);
    });
  });
});
