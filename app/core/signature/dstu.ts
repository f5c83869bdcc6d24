// A Ukrainian qualified electronic signature (КЕП) over a protocol (UA-4):
// detached CMS/CAdES whose signer key is DSTU 4145 (elliptic curves over
// GF(2^m)) and whose digest is GOST 34.311. pkijs and WebCrypto know neither,
// so the arithmetic is jkurwa's and the hash gost89's (both pure JavaScript,
// no network, maintained by the same Ukrainian authors who use them for the
// tax office's signed reports). What this file adds on top: the certificate
// path built to the trust anchors configured in kiosk-config, validity at the
// signing time, and revocation from CRL files (offline; a certificate whose
// issuer has no current CRL here is "status unknown", never "good").
//
// Not covered (said in words when met, never passed as verified): more than
// one signer, timestamp tokens (signingTime is the signer's own claim), OCSP,
// big-endian DSTU (Dstu4145be) signatures, CRLs carried inside a package.
import * as pkijs from 'pkijs';
import jk, { type Certificate, type Message } from 'jkurwa';
import gost89 from 'gost89';
import type { CmsVerification } from './cms';
import { pemBlocks, toDer } from './der';

/** id-dstu4145-with-gost3411 and its little/big-endian kin (ДСТУ 4145-2002, 1.2.804.2.1.1.1.1.3.1.x). */
const OID_DSTU4145 = '1.2.804.2.1.1.1.1.3.1';
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const MAX_CHAIN = 8;

export interface DstuTrust {
  /** Configured trust anchors (PEM or DER): the central certifying authority, the court's qualified providers. Others are ignored here. */
  readonly anchors: readonly Buffer[];
  /** Configured certificate revocation lists (PEM or DER), checked offline. */
  readonly crls: readonly Buffer[];
}

const gost = gost89.compat.algos();
const hash = (data: Buffer): Buffer => gost.hash(data);
const HASHES = { Dstu4145le: hash };

const fail = (rule: string, message: string): CmsVerification => ({ ok: false, rule, message });

/** Whether a .p7s is SignedData whose signer used DSTU 4145 (so verifyDstuCms, not the RSA/ECDSA path, decides). */
export function isDstuCms(p7s: Buffer): boolean {
  try {
    const info = pkijs.ContentInfo.fromBER(toDer(p7s));
    if (info.contentType !== OID_SIGNED_DATA) return false;
    const signed = new pkijs.SignedData({ schema: info.content });
    return signed.signerInfos.some((si) => si.signatureAlgorithm.algorithmId.startsWith(OID_DSTU4145));
  } catch {
    return false;
  }
}

/** The certificate's subject as people read it: "CN=…, O=…". */
function nameOf(n: Record<string, string>): string {
  const short: Record<string, string> = { commonName: 'CN', organizationName: 'O', organizationalUnitName: 'OU', countryName: 'C', localityName: 'L', serialNumber: 'serialNumber', title: 'title' };
  return Object.entries(n)
    .map(([k, v]) => `${short[k] ?? k}=${v}`)
    .join(', ');
}

const sameName = (a: Record<string, string>, b: Record<string, string>): boolean => JSON.stringify(a) === JSON.stringify(b);

function readCert(der: Buffer): Certificate | null {
  try {
    const c = jk.Certificate.from_asn1(der);
    return c.curve ? c : null;
  } catch {
    return null;
  }
}

function derBlocks(input: Buffer): Buffer[] {
  const head = input.subarray(0, 64).toString('latin1').trimStart();
  return head.startsWith('-----BEGIN') ? pemBlocks(input.toString('latin1')) : [input];
}

/** Bytes of an r‖s signature on a DSTU 4145 curve of degree m (DSTU_PB_<m>): the base point's order has m − 1 bits here. */
function signatureBytes(curveName: string): number | null {
  const m = /(\d+)$/.exec(curveName);
  return m ? 2 * Math.ceil((Number(m[1]) - 1) / 8) : null;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

interface Crl {
  readonly issuerDer: Buffer;
  readonly tbs: Buffer;
  readonly signature: Buffer;
  readonly nextUpdate: Date | null;
  readonly revoked: ReadonlyMap<bigint, Date>;
}

function readCrls(inputs: readonly Buffer[]): Crl[] {
  const out: Crl[] = [];
  for (const der of inputs.flatMap(derBlocks)) {
    // A CRL the kiosk cannot read is no CRL: a certificate depending on it stays "status unknown".
    try {
      const crl = pkijs.CertificateRevocationList.fromBER(new Uint8Array(der));
      const revoked = new Map<bigint, Date>();
      for (const r of crl.revokedCertificates ?? []) revoked.set(BigInt(`0x${Buffer.from(r.userCertificate.valueBlock.valueHexView).toString('hex') || '0'}`), r.revocationDate.value);
      out.push({
        issuerDer: Buffer.from(crl.issuer.toSchema().toBER(false)),
        tbs: Buffer.from(crl.tbsView),
        signature: Buffer.from(crl.signatureValue.valueBlock.valueHexView),
        nextUpdate: crl.nextUpdate?.value ?? null,
        revoked,
      });
    } catch {
      continue;
    }
  }
  return out;
}

/** The DER of a certificate's subject name, as a CRL's issuer field holds it. */
function subjectDer(c: Certificate): Buffer {
  return Buffer.from(pkijs.Certificate.fromBER(new Uint8Array(c.as_asn1())).subject.toSchema().toBER(false));
}

/**
 * Verifies a detached DSTU 4145 CMS signature `p7s` over `content` against
 * `trust`. Validity is judged at the signed signingTime when present (a
 * carrier has no timestamp authority), else at `now`; CRLs must be current at `now`.
 */
export function verifyDstuCms(content: Buffer, p7s: Buffer, trust: DstuTrust, now: Date = new Date()): CmsVerification {
  let msg: Message;
  try {
    msg = new jk.models.Message(Buffer.from(toDer(p7s)));
  } catch (e) {
    return fail('cms.parse', `not a CMS signature in the Ukrainian profile (${(e as Error).message.slice(0, 200)})`);
  }
  const signers = msg.info.signerInfos;
  const si = signers[0];
  if (!si) return fail('cms.no-signer', 'the signature has no signer');
  if (signers.length > 1) return fail('cms.dstu.signers', `the signature has ${signers.length} signers; the kiosk verifies a protocol signed by one`);
  if (si.digestAlgorithm.algorithm !== 'Gost34311') return fail('cms.dstu.digest', `the digest is ${si.digestAlgorithm.algorithm}, not GOST 34.311`);
  if (si.digestEncryptionAlgorithm.algorithm !== 'Dstu4145le') return fail('cms.dstu.algorithm', `the signature algorithm is ${si.digestEncryptionAlgorithm.algorithm}, not DSTU 4145 (little-endian)`);
  const digest = msg.pattrs.messageDigest;
  if (!digest) return fail('cms.no-signed-attributes', 'the signature has no signed digest of the protocol (messageDigest)');
  if (content.length === 0) return fail('cms.content-empty', 'the signed file is empty');
  if (!digest.equals(hash(content))) {
    return fail('cms.digest-mismatch', 'the protocol file is not the one that was signed: its GOST 34.311 digest differs from the signed digest (changed after signing)');
  }

  let signer: Certificate;
  try {
    signer = msg.signer(() => null);
  } catch {
    return fail('cms.signer-cert-missing', "the signature does not carry the signer's certificate");
  }
  const who = nameOf(signer.subject);
  if (!signer.curve) return fail('cms.dstu.key', `the certificate of ${who} does not hold a DSTU 4145 key`);
  const curve = signer.curve.name();
  const expected = signatureBytes(curve);
  if (expected !== null && si.encryptedDigest.length !== expected) {
    return fail('cms.dstu.curve-mismatch', `the signature was made on another DSTU 4145 curve than the key in the certificate of ${who} (${curve}: ${expected} bytes expected, ${si.encryptedDigest.length} found)`);
  }
  let verified = false;
  try {
    verified = signer.pubkey_unpack().verify(msg.mhash(hash), si.encryptedDigest, 'le');
  } catch {
    verified = false;
  }
  if (!verified) return fail('cms.signature-invalid', `the signature does not verify with the key in the certificate of ${who}`);

  const signedAt = msg.pattrs.signingTime ?? null;
  const at = signedAt ?? now.getTime();
  const validAt = (c: Certificate): CmsVerification | null => {
    if (at < c.valid.from) return fail('cms.certificate-not-yet-valid', `the certificate of ${nameOf(c.subject)} was not yet valid at ${iso(at)} (valid from ${iso(c.valid.from)})`);
    if (at >= c.valid.to) return fail('cms.certificate-expired', `the certificate of ${nameOf(c.subject)} had expired at ${iso(at)}, when the protocol was signed (valid until ${iso(c.valid.to)})`);
    return null;
  };

  const anchors = trust.anchors.flatMap(derBlocks).map(readCert).filter((c): c is Certificate => c !== null);
  if (anchors.length === 0) return fail('cms.trusted.none', 'no DSTU 4145 trust anchors (certifying authorities) are configured in kiosk-config');
  const carried = (msg.info.certificate ?? []).flatMap((c) => {
    try {
      return [new jk.models.Certificate(c as Record<string, unknown>)];
    } catch {
      return [];
    }
  });
  const pool = [...anchors, ...carried];
  const crls = readCrls(trust.crls);
  const isAnchor = (c: Certificate): boolean => anchors.some((a) => a.as_asn1().equals(c.as_asn1()));

  let cur = signer;
  for (let depth = 0; ; depth++) {
    const invalid = validAt(cur);
    if (invalid) return invalid;
    if (isAnchor(cur)) break;
    if (depth >= MAX_CHAIN) return fail('cms.untrusted-signer', `the certificate path of ${who} is longer than ${MAX_CHAIN} without reaching a configured trust anchor`);
    const issuer = pool.find((p) => sameName(p.subject, cur.issuer) && !p.as_asn1().equals(cur.as_asn1()) && p.curve !== null && safeVerify(cur, p));
    if (!issuer) {
      const selfSigned = sameName(cur.subject, cur.issuer);
      return fail(
        'cms.untrusted-signer',
        selfSigned
          ? `the certificate of ${who} leads to ${nameOf(cur.subject)}, a certifying authority that is not among the trust anchors configured in kiosk-config`
          : `the certificate of ${nameOf(cur.subject)} was issued by ${nameOf(cur.issuer)}, which is not among the trust anchors configured in kiosk-config`,
      );
    }
    const revocation = revocationOf(cur, issuer, crls, now);
    if (revocation) return revocation;
    cur = issuer;
  }
  return {
    ok: true,
    signerSubject: who,
    signingTime: signedAt !== null ? new Date(signedAt).toISOString() : null,
    issuer: nameOf(signer.issuer),
    validFrom: new Date(signer.valid.from).toISOString(),
    validTo: new Date(signer.valid.to).toISOString(),
    algorithm: `DSTU 4145 (${curve}), GOST 34.311`,
  };
}

function safeVerify(c: Certificate, issuer: Certificate): boolean {
  try {
    return c.verifySignature(issuer.pubkey_unpack(), HASHES);
  } catch {
    return false;
  }
}

/** Null when a current CRL signed by `issuer` does not list `c`; else why not "good". */
function revocationOf(c: Certificate, issuer: Certificate, crls: readonly Crl[], now: Date): CmsVerification | null {
  const who = nameOf(c.subject);
  const by = nameOf(issuer.subject);
  const issuerName = subjectDer(issuer);
  const pub = issuer.pubkey_unpack();
  const own = crls.filter((l) => {
    if (!l.issuerDer.equals(issuerName)) return false;
    try {
      return pub.verify(hash(l.tbs), l.signature);
    } catch {
      return false;
    }
  });
  if (own.length === 0) return fail('cms.revocation-unknown', `whether the certificate of ${who} was revoked is unknown: no revocation list signed by ${by} is configured`);
  const current = own.filter((l) => l.nextUpdate === null || l.nextUpdate >= now);
  if (current.length === 0) return fail('cms.revocation-unknown', `whether the certificate of ${who} was revoked is unknown: the revocation list of ${by} is out of date`);
  const serial = BigInt(`0x${c.serial.toString(16)}`);
  for (const l of current) {
    const when = l.revoked.get(serial);
    if (when) return fail('cms.certificate-revoked', `the certificate of ${who} (serial ${c.serial.toString(16)}) was revoked by ${by} on ${when.toISOString().replace('.000Z', 'Z')}`);
  }
  return null;
}
