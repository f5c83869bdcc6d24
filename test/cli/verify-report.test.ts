// `kioskctl verify-report`: a viewing report written by `log export` from a
// real kiosk's log is checked offline, with no data directory: valid as
// written, with the device key given separately, and against the checkpoint
// held elsewhere; one byte changed in an entry, the signature or the
// checkpoint makes it invalid (exit 1), and the output says which check failed.
import { createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The export ships the built verifier page: global-setup builds dist/ first.
import { exportViewingReports } from '../../app/core/reports';
import { generateEd25519Signer } from '../../app/core/viewing-log/checkpoint';
import { kioskctl } from '../helpers/kioskctl';
import { scratch } from '../helpers/paths';
import { tamper, type TamperedPart } from '../helpers/report-tamper';
import { CASE, appendSession, openFixture, type Fixture } from '../core/reports/fixture';

let fx: Fixture;
let dir: string;
let reportFile: string;
let text: string;
let pubkey: string;
let checkpoint: string;

interface Doc {
  ok: boolean;
  kind: string;
  findings: Array<{ code: string; ok: boolean; params: Record<string, unknown> }>;
}

const verify = (file: string, ...extra: string[]) => {
  const r = kioskctl(['verify-report', file, '--json', ...extra], { KIOSK_DATA_DIR: path.join(dir, 'no-such-kiosk') });
  return { code: r.code, doc: JSON.parse(r.stdout) as Doc, stderr: r.stderr };
};

beforeAll(async () => {
  fx = await openFixture();
  appendSession(fx.kiosk, { sessionId: 's-0001' });
  dir = scratch('verify-report-');
  const out = await exportViewingReports(fx.kiosk, { caseSignature: CASE, outDir: path.join(dir, 'export') });
  expect(out.verifier).toBe(path.join(dir, 'export', 'verify-report.html'));
  // The checkpoint beside the reports covers the whole log, the export's own entry included.
  expect(fs.readFileSync(out.checkpoint!, 'utf8')).toMatch(new RegExp(`^court-kiosk/SR-KRK-KIOSK-01\n${fx.kiosk.log.size}\n`, 'u'));
  reportFile = out.reports[0]!.json;
  text = fs.readFileSync(reportFile, 'utf8');
  pubkey = path.join(dir, 'device.pem');
  fs.writeFileSync(pubkey, fx.kiosk.signer().publicKeyPem);
  checkpoint = path.join(dir, 'checkpoint.note');
  fs.writeFileSync(checkpoint, (JSON.parse(text) as { checkpoint: string }).checkpoint);
});

afterAll(() => fx.close());

describe('kioskctl verify-report', () => {
  it('[DC-6] [Q-3] accepts a real viewing report offline: signature, checkpoint and every entry\'s inclusion proof; with the key inside, the key given, and the checkpoint held elsewhere', () => {
    const plain = verify(reportFile);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.doc.kind).toBe('viewing-report');
    const codes = plain.doc.findings.map((f) => f.code);
    expect(codes.slice(0, 3)).toEqual(['key.embedded', 'signature.ok', 'checkpoint.ok']);
    // One finding per entry of the session the report holds.
    expect(codes.filter((c) => c === 'entry.ok')).toHaveLength((JSON.parse(text) as { entries: unknown[] }).entries.length);
    expect(codes.filter((c) => c === 'entry.ok').length).toBeGreaterThan(10);
    expect(plain.doc.findings.every((f) => f.ok)).toBe(true);

    const given = verify(reportFile, '--pubkey', pubkey, '--checkpoint', checkpoint);
    expect(given.code).toBe(0);
    expect(given.doc.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['key.given', 'witness.ok']));

    const human = kioskctl(['verify-report', reportFile, '--pubkey', pubkey]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Signature: valid/u);
    expect(human.stdout).toMatch(/VALID: the document is intact and signed by the device\./u);
  });

  it.each<[TamperedPart, string]>([
    ['entry', 'entry.leaf'],
    ['signature', 'signature.bad'],
    ['checkpoint', 'checkpoint.bad'],
  ])('[Q-3] rejects the report after one byte of its %s changes (exit 1, %s)', (part, code) => {
    const changed = tamper(text, part);
    expect([...changed].filter((c, i) => c !== text[i])).toHaveLength(1);
    const file = path.join(dir, `tampered-${part}.json`);
    fs.writeFileSync(file, changed);
    const r = verify(file, '--pubkey', pubkey);
    expect(r.code).toBe(1);
    expect(r.doc.ok).toBe(false);
    expect(r.doc.findings.filter((f) => !f.ok).map((f) => f.code)).toContain(code);
    expect(kioskctl(['verify-report', file]).stdout).toMatch(/NOT VALID/u);
  });

  it('[Q-3] rejects a genuine report checked with another device\'s key, or against a different checkpoint; a file that is not a report is exit 1, a missing file exit 2', () => {
    const other = path.join(dir, 'other.pem');
    fs.writeFileSync(other, createPublicKey(generateEd25519Signer('x').privateKey).export({ type: 'spki', format: 'pem' }).toString());
    expect(verify(reportFile, '--pubkey', other).code).toBe(1);
    fx.kiosk.log.append('playback.play', { sessionId: 'later' });
    const newer = path.join(dir, 'newer.note');
    fs.writeFileSync(newer, fx.kiosk.log.checkpoint());
    const r = verify(reportFile, '--checkpoint', newer);
    expect(r.code).toBe(1);
    expect(r.doc.findings.at(-1)).toMatchObject({ code: 'witness.bad', ok: false });
    const notReport = path.join(dir, 'not-a-report.json');
    fs.writeFileSync(notReport, '{"hello": "world"}');
    expect(verify(notReport).doc.findings).toEqual([{ code: 'format.unknown', ok: false, params: {} }]);
    expect(kioskctl(['verify-report', path.join(dir, 'missing.json')]).code).toBe(2);
  });
});
