// The part of jkurwa (DSTU 4145 on GF(2^m) curves, X.509 and CMS in the
// Ukrainian profile) and gost89 (GOST 34.311 hashing) the kiosk uses. Neither
// ships types; these say only what dstu.ts relies on, so a change of their API
// shows up as a type error here rather than as a wrong verdict.
declare module 'jkurwa' {
  interface BN {
    toString(base?: number): string;
  }
  export interface Pub {
    verify(hash: Buffer, signature: Buffer, fmt?: 'le'): boolean;
    keyid(opts: { hash: (data: Buffer) => Buffer }): Buffer;
  }
  export interface Curve {
    name(): string;
    keygen(): Priv;
  }
  export interface Priv {
    readonly algorithm: string;
    readonly curve: Curve;
    readonly sbox?: Buffer;
    pub(): Pub;
    sign(hash: Buffer, fmt: 'le'): Buffer;
  }
  export interface CertificateStatic {
    new (cert: Record<string, unknown>): Certificate;
    from_asn1(der: Buffer): Certificate;
    createTBS(fields: Record<string, unknown>): Record<string, unknown> & { extensions: Array<{ extnID: string; extnValue: Buffer; critical?: boolean }> };
    encodeTBS(tbs: Record<string, unknown>): Buffer;
    signCert(opts: { privkey: Priv; hash: (data: Buffer) => Buffer; certData: Record<string, unknown> }): Certificate;
  }
  export interface Certificate {
    readonly curve: Curve | null;
    readonly pubkeyAlgorithm: string;
    readonly signatureAlgorithm: string;
    readonly serial: BN;
    readonly valid: { readonly from: number; readonly to: number };
    readonly issuer: Record<string, string>;
    readonly subject: Record<string, string>;
    readonly extension: { readonly subjectKeyIdentifier?: Buffer; readonly authorityKeyIdentifier?: Buffer };
    pubkey_unpack(): Pub;
    verifySignature(pub: Pub, hashes: Record<string, (data: Buffer) => Buffer>): boolean;
    as_asn1(): Buffer;
  }
  interface SignerInfo {
    readonly encryptedDigest: Buffer;
    readonly digestAlgorithm: { readonly algorithm: string };
    readonly digestEncryptionAlgorithm: { readonly algorithm: string };
  }
  export interface MessageStatic {
    new (input: Buffer | Record<string, unknown>): Message;
  }
  export interface Message {
    readonly info: { readonly signerInfos: readonly SignerInfo[]; readonly certificate?: readonly unknown[] };
    readonly pattrs: { readonly messageDigest?: Buffer; readonly signingTime?: number };
    mhash(hash: (data: Buffer) => Buffer): Buffer;
    signer(lookup: () => null): Certificate;
    as_asn1(): Buffer;
  }
  // CommonJS: only the default import exists at run time.
  const jk: {
    readonly Certificate: CertificateStatic;
    readonly models: { readonly Message: MessageStatic; readonly Certificate: CertificateStatic };
    std_curve(name: string): Curve;
  };
  export default jk;
}

declare module 'gost89' {
  const gost89: { readonly compat: { algos(): { hash(data: Buffer): Buffer } } };
  export default gost89;
}
