// A small Ukrainian PKI made in the test, with the library the kiosk verifies
// with (jkurwa, gost89): DSTU 4145 key pairs, a central certifying authority,
// signer certificates it issues, its CRL, and detached КЕП signatures over a
// protocol, good and bad. Nothing is shipped as a blob: every run makes its own.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import jk, { type Priv } from 'jkurwa';
import gost89 from 'gost89';

const gost = gost89.compat.algos();
export const gostHash = (data: Buffer): Buffer => gost.hash(data);

/** id-dstu4145-with-gost3411 (little-endian), as jkurwa names "Dstu4145le". */
const OID_DSTU4145LE = '1.2.804.2.1.1.1.1.3.1.1';
const DAY = 86_400_000;
const CA_USAGE = '\x03\x02\x01\x06'; // keyCertSign, cRLSign
const SIGNER_USAGE = '\x03\x02\x06\xc0'; // digitalSignature, nonRepudiation

export type Name = Record<string, string>;

export interface Issued {
  readonly key: Priv;
  readonly name: Name;
  readonly der: Buffer;
}

export function newKey(curve: 'DSTU_PB_257' | 'DSTU_PB_431' = 'DSTU_PB_257'): Priv {
  return jk.std_curve(curve).keygen();
}

/** DER OCTET STRING around a short value, as jkurwa wraps key ids and certificate signatures. */
function octets(b: Buffer): Buffer {
  if (b.length > 127) throw new Error('short octet strings only');
  return Buffer.concat([Buffer.from([0x04, b.length]), b]);
}

export function pem(der: Buffer, label = 'CERTIFICATE'): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

export function rootCa(name: Name, validDays = 3650, now = Date.now()): Issued {
  const key = newKey();
  const cert = jk.Certificate.signCert({
    privkey: key,
    hash: gostHash,
    certData: { serial: 1, issuer: name, subject: name, valid: { from: now - DAY, to: now + validDays * DAY }, usage: CA_USAGE },
  });
  return { key, name, der: cert.as_asn1() };
}

/** A certificate for `key` issued and signed by `issuer`. */
export function issue(issuer: Issued, opts: { name: Name; serial: number; key?: Priv; from?: number; to?: number; ca?: boolean }): Issued {
  const key = opts.key ?? newKey();
  const now = Date.now();
  const fields = (pub: Priv) => ({
    serial: opts.serial,
    pubkey: pub.pub(),
    algorithm: issuer.key.algorithm,
    curve: pub.curve.name(),
    issuer: issuer.name,
    subject: opts.name,
    valid: { from: opts.from ?? now - DAY, to: opts.to ?? now + 365 * DAY },
    usage: opts.ca ? CA_USAGE : SIGNER_USAGE,
    hash: gostHash,
  });
  const tbs = jk.Certificate.createTBS(fields(key));
  // createTBS makes self-signed certificates (the authority key id is the subject's own); an issued one names its issuer's key.
  const issuerKeyId = jk.Certificate.createTBS(fields(issuer.key)).extensions[0]!.extnValue;
  tbs.extensions[1] = { ...tbs.extensions[1]!, extnValue: issuerKeyId };
  const signature = octets(issuer.key.sign(gostHash(jk.Certificate.encodeTBS(tbs)), 'le'));
  const cert = new jk.Certificate({ tbsCertificate: tbs, signatureAlgorithm: { algorithm: issuer.key.algorithm }, signature: { unused: 0, data: signature } });
  return { key, name: opts.name, der: cert.as_asn1() };
}

/** A CRL of `issuer` listing `revoked` serials, signed with its DSTU 4145 key. */
export function crl(issuer: Issued, revoked: readonly number[], opts: { thisUpdate?: Date; nextUpdate?: Date } = {}): Buffer {
  const list = new pkijs.CertificateRevocationList();
  list.version = 1;
  list.issuer = pkijs.Certificate.fromBER(new Uint8Array(issuer.der)).subject;
  list.thisUpdate = new pkijs.Time({ type: 0, value: opts.thisUpdate ?? new Date(Date.now() - DAY) });
  list.nextUpdate = new pkijs.Time({ type: 0, value: opts.nextUpdate ?? new Date(Date.now() + 7 * DAY) });
  if (revoked.length) {
    list.revokedCertificates = revoked.map(
      (serial) => new pkijs.RevokedCertificate({ userCertificate: new asn1js.Integer({ value: serial }), revocationDate: new pkijs.Time({ type: 0, value: new Date(Date.now() - DAY) }) }),
    );
  }
  const algorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OID_DSTU4145LE });
  list.signature = algorithm;
  list.signatureAlgorithm = algorithm;
  // The TBS is the first element of the encoded list (encodeTBS itself is not public).
  const unsigned = list.toSchema(true) as asn1js.Sequence;
  const tbs = Buffer.from(unsigned.valueBlock.value[0]!.toBER(false));
  list.signatureValue = new asn1js.BitString({ valueHex: octets(issuer.key.sign(gostHash(tbs), 'le')) });
  return Buffer.from(list.toSchema(true).toBER(false));
}

/** A detached CAdES-style signature (signed attributes: content type, GOST 34.311 digest, signing time) over `content`. */
export function signDetached(content: Buffer, signer: Issued, opts: { key?: Priv; at?: Date } = {}): Buffer {
  const message = new jk.models.Message({
    type: 'signedData',
    cert: jk.Certificate.from_asn1(signer.der),
    dataHash: gostHash(content),
    hash: gostHash,
    signTime: Math.floor((opts.at ?? new Date()).getTime() / 1000),
    signer: opts.key ?? signer.key,
  });
  return message.as_asn1();
}
