// Verification of a detached CMS/PKCS#7 signature (.p7s) over a protocol
// (UA-3, UA-4): the signature over the signed attributes, the messageDigest
// attribute against the content, and the signer's certificate against the
// signer certificates or CAs trusted in kiosk-config.
import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pemBlocks, toDer } from './der';
import { isDstuCms, verifyDstuCms } from './dstu';

export type CmsVerification =
  | {
      ok: true;
      signerSubject: string;
      signingTime: string | null;
      /** Said where the verifier knows it (the DSTU 4145 path): for the verdict in words beside the protocol. */
      issuer?: string;
      validFrom?: string;
      validTo?: string;
      algorithm?: string;
    }
  | { ok: false; rule: string; message: string };

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';

const NAME_OIDS: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

// An explicit engine instead of pkijs.setEngine: no process-wide state.
const engine = new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto: webcrypto as unknown as Crypto });

const fail = (rule: string, message: string): CmsVerification => ({ ok: false, rule, message });

/**
 * Verifies `p7s` (DER or PEM) as a detached signature over `content`.
 * `trusted` are PEM certificates: the signer's own certificate or a CA it
 * chains to. Certificate validity is checked at the signed signingTime when
 * present (there is no timestamp authority in a carrier), else now.
 * A Ukrainian КЕП (DSTU 4145 key, GOST 34.311 digest) goes to dstu.ts, which
 * also checks revocation against `crls` (DER or PEM, from kiosk-config).
 */
export async function verifyDetachedCms(content: Buffer, p7s: Buffer, trusted: string[], crls: readonly Buffer[] = []): Promise<CmsVerification> {
  if (isDstuCms(p7s)) return verifyDstuCms(content, p7s, { anchors: trusted.map((pem) => Buffer.from(pem, 'utf8')), crls });
  let signed: pkijs.SignedData;
  try {
    const der = toDer(p7s);
    const info = pkijs.ContentInfo.fromBER(der);
    if (info.contentType !== OID_SIGNED_DATA) {
      return fail('cms.not-signed-data', `content type ${info.contentType} is not SignedData`);
    }
    signed = new pkijs.SignedData({ schema: info.content });
  } catch (e) {
    return fail('cms.parse', `not a CMS/PKCS#7 signature (${(e as Error).message.slice(0, 200)})`);
  }

  let trustedCerts: pkijs.Certificate[];
  try {
    trustedCerts = trusted.flatMap(pemBlocks).map((der) => pkijs.Certificate.fromBER(new Uint8Array(der)));
  } catch (e) {
    return fail('cms.trusted.parse', `a trusted certificate in the configuration cannot be read (${(e as Error).message})`);
  }
  if (trustedCerts.length === 0) return fail('cms.trusted.none', 'no trusted signer certificates are configured');
  if (signed.signerInfos.length === 0) return fail('cms.no-signer', 'the signature has no signer');

  const eContent = signed.encapContentInfo.eContent;
  if (eContent) {
    // Attached content: pkijs would verify that instead of ours, so it must be ours.
    const inner = Buffer.from(eContent.getValue());
    if (!inner.equals(content)) return fail('cms.content-mismatch', 'the signature carries other content than the file it accompanies');
  }
  if (content.length === 0) return fail('cms.content-empty', 'the signed file is empty');

  const data = content.buffer.slice(content.byteOffset, content.byteOffset + content.byteLength) as ArrayBuffer;
  let first: Extract<CmsVerification, { ok: true }> | null = null;

  for (let i = 0; i < signed.signerInfos.length; i += 1) {
    const signerInfo = signed.signerInfos[i] as pkijs.SignerInfo;
    if (!signerInfo.signedAttrs) {
      return fail('cms.no-signed-attributes', `signer ${i} has no signed attributes (messageDigest, signingTime)`);
    }
    const signingTime = readSigningTime(signerInfo);

    let cert: pkijs.Certificate;
    try {
      const r = await signed.verify({ signer: i, data, extendedMode: true, checkChain: false }, engine);
      if (!r.signatureVerified || !r.signerCertificate) {
        return fail('cms.signature-invalid', `signer ${i}: ${r.message || 'the signature does not verify'}`);
      }
      cert = r.signerCertificate;
    } catch (e) {
      const err = e as { code?: number; message?: string };
      if (err.code === 2 || err.code === 3) return fail('cms.signer-cert-missing', `signer ${i}: ${err.message}`);
      return fail('cms.signature-invalid', `signer ${i}: ${err.message ?? String(e)}`);
    }

    const checkDate = signingTime ? new Date(signingTime) : new Date();
    const certDer = Buffer.from(cert.toSchema().toBER(false));
    if (trustedCerts.some((t) => Buffer.from(t.toSchema().toBER(false)).equals(certDer))) {
      // Trusted as itself: pkijs' chain engine would still look for its issuer.
      if (checkDate < cert.notBefore.value || checkDate > cert.notAfter.value) {
        return fail('cms.untrusted-signer', `signer ${i} (${subjectOf(cert)}): certificate not valid at ${checkDate.toISOString()}`);
      }
    } else {
      try {
        const r = await signed.verify({ signer: i, data, extendedMode: true, checkChain: true, trustedCerts, checkDate }, engine);
        if (!r.signatureVerified) return fail('cms.untrusted-signer', `signer ${i} (${subjectOf(cert)}): ${r.message}`);
      } catch (e) {
        return fail('cms.untrusted-signer', `signer ${i} (${subjectOf(cert)}) is not trusted: ${(e as Error).message}`);
      }
    }
    // Issuer, validity and key type are kept for the verdict in words beside the protocol (UA-3).
    first ??= {
      ok: true,
      signerSubject: subjectOf(cert),
      signingTime,
      issuer: nameOf(cert.issuer),
      validFrom: cert.notBefore.value.toISOString(),
      validTo: cert.notAfter.value.toISOString(),
      algorithm: KEY_ALGORITHMS[cert.subjectPublicKeyInfo.algorithm.algorithmId] ?? cert.subjectPublicKeyInfo.algorithm.algorithmId,
    };
  }
  return first ?? fail('cms.no-signer', 'the signature has no signer');
}

const KEY_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.113549.1.1.10': 'RSA-PSS',
  '1.2.840.10045.2.1': 'ECDSA',
};

function readSigningTime(si: pkijs.SignerInfo): string | null {
  const attr = si.signedAttrs?.attributes.find((a) => a.type === OID_SIGNING_TIME);
  const v: unknown = attr?.values[0];
  if (v instanceof asn1js.UTCTime || v instanceof asn1js.GeneralizedTime) return v.toDate().toISOString();
  return null;
}

function subjectOf(cert: pkijs.Certificate): string {
  return nameOf(cert.subject);
}

function nameOf(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => {
      const value: unknown = (tv.value as { valueBlock?: { value?: unknown } }).valueBlock?.value;
      return `${NAME_OIDS[tv.type] ?? tv.type}=${typeof value === 'string' ? value : '?'}`;
    })
    .join(', ');
}
