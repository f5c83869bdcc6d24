import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDetachedCms } from '../../../app/core/signature/cms';
import { makePki, makeTmp, signDetached, type Pki } from '../tis/fixture';

let tmp: string;
let pki: Pki;
let pdf: Buffer;
let p7s: Buffer;
let p7sRogue: Buffer;

beforeAll(() => {
  tmp = makeTmp();
  pki = makePki(tmp);
  const file = path.join(tmp, 'protokol.pdf');
  pdf = Buffer.from('%PDF-1.4\n% Протокол судового засідання підсистеми ВКЗ\n%%EOF\n');
  fs.writeFileSync(file, pdf);
  signDetached(pki, file, path.join(tmp, 'good.p7s'));
  signDetached(pki, file, path.join(tmp, 'rogue.p7s'), 'rogue-signer');
  p7s = fs.readFileSync(path.join(tmp, 'good.p7s'));
  p7sRogue = fs.readFileSync(path.join(tmp, 'rogue.p7s'));
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('verifyDetachedCms', () => {
  it('[UA-3][UA-4] a protocol signed by a trusted secretary verifies, with subject, signing time, certificate issuer, validity and key algorithm', async () => {
    const before = Date.now();
    const r = await verifyDetachedCms(pdf, p7s, [pki.read('signer.crt')]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.signerSubject).toBe('C=UA, O=Court Kiosk Test, CN=Секретар Іваненко');
    expect(r.signingTime).not.toBeNull();
    // What the verdict in words beside the protocol says (issue 17): the issuing CA, the certificate's validity, the key.
    expect(r.issuer).toMatch(/CN=/);
    expect(r.issuer).not.toBe(r.signerSubject);
    // Whole seconds: a certificate made in the same second as the signature is valid from that very second.
    expect(Date.parse(r.validFrom ?? '')).toBeLessThanOrEqual(Date.parse(r.signingTime ?? ''));
    expect(Date.parse(r.validTo ?? '')).toBeGreaterThan(Date.parse(r.signingTime ?? ''));
    expect(['RSA', 'RSA-PSS', 'ECDSA']).toContain(r.algorithm);
    // openssl writes the signing time in whole seconds, within this test run.
    expect(Math.abs(Date.parse(r.signingTime ?? '') - before)).toBeLessThan(10 * 60 * 1000);
  });

  it('[UA-4] trusts a signer that chains to a trusted CA', async () => {
    const r = await verifyDetachedCms(pdf, p7s, [pki.read('other-ca.crt'), pki.read('ca.crt')]);
    expect(r).toMatchObject({ ok: true });
  });

  it('[UA-4] reads a PEM signature too', async () => {
    const pem = execFileSync('openssl', ['cms', '-cmsout', '-inform', 'DER', '-in', path.join(tmp, 'good.p7s'), '-outform', 'PEM']);
    expect(pem.toString().startsWith('-----BEGIN CMS-----')).toBe(true);
    expect(await verifyDetachedCms(pdf, pem, [pki.read('signer.crt')])).toMatchObject({ ok: true });
  });

  it('[UA-4][Q-2] a protocol whose bytes changed after signing fails the signature check', async () => {
    const changed = Buffer.from(pdf);
    changed.writeUInt8(changed.readUInt8(12) ^ 1, 12);
    const r = await verifyDetachedCms(changed, p7s, [pki.read('signer.crt')]);
    expect(r).toMatchObject({ ok: false, rule: 'cms.signature-invalid' });
  });

  it('[UA-4][Q-2] a tampered signature value fails', async () => {
    const bad = Buffer.from(p7s);
    // The RSA signature value is the last 256 bytes of a signature without unsigned attributes.
    bad.writeUInt8(bad.readUInt8(bad.length - 10) ^ 0xff, bad.length - 10);
    const r = await verifyDetachedCms(pdf, bad, [pki.read('signer.crt')]);
    expect(r).toMatchObject({ ok: false, rule: 'cms.signature-invalid' });
  });

  it('[UA-4][Q-2] a signature by an untrusted signer is refused, naming the signer', async () => {
    const r = await verifyDetachedCms(pdf, p7sRogue, [pki.read('signer.crt'), pki.read('ca.crt')]);
    expect(r).toMatchObject({ ok: false, rule: 'cms.untrusted-signer' });
    if (!r.ok) expect(r.message).toContain('CN=Rogue Signer');
  });

  it('[UA-4][Q-2] an unsigned protocol (no CMS at all, or an empty .p7s) is refused', async () => {
    for (const notCms of [Buffer.alloc(0), pdf, Buffer.from('-----BEGIN CMS-----\nAAAA\n-----END CMS-----\n')]) {
      const r = await verifyDetachedCms(pdf, notCms, [pki.read('signer.crt')]);
      expect(r).toMatchObject({ ok: false, rule: 'cms.parse' });
    }
  });

  it('[Q-2] refuses to verify when no trusted certificates are configured', async () => {
    expect(await verifyDetachedCms(pdf, p7s, [])).toMatchObject({ ok: false, rule: 'cms.trusted.none' });
  });
});
