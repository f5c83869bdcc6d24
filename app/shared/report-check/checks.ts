// The offline check of a viewing report or an export receipt, written once for
// `kioskctl verify-report` and the standalone verifier page: WebCrypto only
// (Ed25519 and SHA-256 are in Node 20 and every current browser), no network.
// It answers with findings (a code, ok, parameters), which each side puts in
// words: English on the command line, pl/uk/en on the page.
//
// What it checks, in order:
//  1. the signature: Ed25519 by the device key over the RFC 8785 (JCS)
//     canonical JSON of the document without its signature;
//  2. the checkpoint: a C2SP signed note by the same key, named for the
//     origin `court-kiosk/<device id>` (or the device's former key name);
//  3. each log entry: its canonical bytes hash to its leaf hash
//     (SHA-256(0x00 ‖ entry)), and its inclusion proof (RFC 6962) leads from
//     that leaf to the checkpoint's root;
//  4. when given, a checkpoint held elsewhere (the TIS's): signed by the same
//     key and equal to the report's.
import { canonicalJson } from '../canonical-json';
import { legacyLogKeyName, logOrigin } from '../log-origin';
import { concat, equal, fromBase64, fromHex, own, sha256, toHex, utf8 } from './bytes';

export type FindingCode =
  | 'format.unknown'
  | 'key.given'
  | 'key.embedded'
  | 'signature.ok'
  | 'signature.bad'
  | 'checkpoint.ok'
  | 'checkpoint.bad'
  | 'checkpoint.absent'
  | 'entry.ok'
  | 'entry.leaf'
  | 'entry.proof'
  | 'entry.session'
  | 'witness.ok'
  | 'witness.bad';

export interface Finding {
  readonly code: FindingCode;
  readonly ok: boolean;
  readonly params: Readonly<Record<string, string | number>>;
}

export interface ReportVerification {
  readonly ok: boolean;
  readonly kind: 'viewing-report' | 'export-receipt' | 'unknown';
  readonly findings: readonly Finding[];
}

export interface VerifyInput {
  /** The parsed JSON of a viewing report or an export receipt. */
  readonly document: unknown;
  /** The device's public key (PEM) obtained independently; else the one the document carries. */
  readonly publicKeyPem?: string | undefined;
  /** A checkpoint note obtained independently (from the TIS, an export): must equal the document's. */
  readonly checkpoint?: string | undefined;
}

interface Entry {
  readonly seq: number;
  readonly time: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly leafHash: string;
}

const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);

function isEntry(x: unknown): x is Entry {
  return isObj(x) && Number.isSafeInteger(x.seq) && typeof x.time === 'string' && typeof x.type === 'string' && isObj(x.data) && typeof x.leafHash === 'string';
}

/** DER SubjectPublicKeyInfo of an Ed25519 key from its PEM, and the raw 32-byte key (its last 32 bytes). */
function spkiFromPem(pem: string): { der: Uint8Array; raw: Uint8Array } | null {
  const m = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/u.exec(pem);
  const der = m?.[1] === undefined ? null : fromBase64(m[1].replace(/\s+/gu, ''));
  // 30 2a 30 05 06 03 2b 65 70 03 21 00 ‖ 32 bytes: the only SPKI an Ed25519 key has.
  const prefix = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
  if (der === null || der.length !== 44 || !prefix.every((b, i) => der[i] === b)) return null;
  return { der, raw: der.subarray(12) };
}

async function ed25519Verify(raw: Uint8Array, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  if (signature.length !== 64) return false;
  const key = await crypto.subtle.importKey('raw', own(raw), { name: 'Ed25519' }, false, ['verify']);
  return crypto.subtle.verify({ name: 'Ed25519' }, key, own(signature), own(message));
}

interface ParsedCheckpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
}

/** A C2SP checkpoint signed by `raw` for device `deviceId`; a reason when not. */
async function openCheckpoint(note: string, deviceId: string, raw: Uint8Array): Promise<ParsedCheckpoint | string> {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return 'not a signed note';
  const text = note.slice(0, split + 1);
  const origin = logOrigin(deviceId);
  const names = [origin, legacyLogKeyName(deviceId)];
  let verified = false;
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    const blob = m?.[2] === undefined ? null : fromBase64(m[2]);
    if (m?.[1] === undefined || blob === null || blob.length !== 68) continue;
    if (!names.includes(m[1])) continue;
    const keyHash = (await sha256(concat(utf8(m[1]), new Uint8Array([0x0a, 0x01]), raw))).subarray(0, 4);
    if (!equal(keyHash, blob.subarray(0, 4))) continue;
    if (!(await ed25519Verify(raw, blob.subarray(4), utf8(text)))) return `the signature by ${m[1]} does not verify`;
    verified = true;
  }
  if (!verified) return `not signed by this device's key (${origin})`;
  const [o, size, root] = text.split('\n');
  const r = root === undefined ? null : fromBase64(root);
  if (o !== origin) return `origin ${JSON.stringify(o)} is not ${JSON.stringify(origin)}`;
  if (size === undefined || !/^(0|[1-9][0-9]{0,15})$/u.test(size) || r === null || r.length !== 32) return 'malformed checkpoint body';
  return { origin: o, size: Number(size), root: r };
}

async function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(concat(new Uint8Array([0x01]), left, right));
}

/** RFC 9162 §2.1.3.2: the root an audit path leads to from `leaf` at `index` in a tree of `size`. */
async function rootFromInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[]): Promise<Uint8Array | null> {
  if (index < 0 || index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/** The parts of a document that are checked, whichever kind it is. */
interface Parts {
  readonly kind: 'viewing-report' | 'export-receipt';
  readonly signed: unknown;
  readonly signature: unknown;
  readonly publicKeyPem: unknown;
  readonly deviceId: unknown;
  readonly checkpoint: unknown;
  readonly entries: unknown;
  readonly proofs: unknown;
  /** Every entry must belong to this session (viewing reports). */
  readonly sessionId: string | null;
}

function partsOf(doc: unknown): Parts | null {
  if (!isObj(doc)) return null;
  if (doc.type === 'court-kiosk/viewing-report/v1') {
    const { signature, ...signed } = doc;
    const session = isObj(doc.session) ? doc.session : {};
    return {
      kind: 'viewing-report',
      signed,
      signature,
      publicKeyPem: doc.publicKeyPem,
      deviceId: isObj(doc.device) ? doc.device.id : undefined,
      checkpoint: doc.checkpoint,
      entries: doc.entries,
      proofs: doc.inclusionProofs,
      sessionId: typeof session.id === 'string' ? session.id : null,
    };
  }
  if (isObj(doc.receipt) && doc.receipt.type === 'court-kiosk/export-receipt/v1') {
    const r = doc.receipt;
    const log = isObj(r.log) ? r.log : null;
    return {
      kind: 'export-receipt',
      signed: r,
      signature: doc.signature,
      publicKeyPem: doc.publicKeyPem,
      deviceId: isObj(r.device) ? r.device.id : undefined,
      checkpoint: log?.checkpoint,
      entries: log ? [log.entry] : undefined,
      proofs: log && isEntry(log.entry) ? { [String(log.entry.seq)]: log.inclusionProof } : undefined,
      sessionId: null,
    };
  }
  return null;
}

export async function verifyReportDocument(input: VerifyInput): Promise<ReportVerification> {
  const findings: Finding[] = [];
  const add = (code: FindingCode, ok: boolean, params: Record<string, string | number> = {}): void => void findings.push({ code, ok, params });
  const done = (kind: ReportVerification['kind']): ReportVerification => ({ ok: findings.length > 0 && findings.every((f) => f.ok), kind, findings });

  const p = partsOf(input.document);
  if (p === null) {
    add('format.unknown', false);
    return done('unknown');
  }
  const pem = input.publicKeyPem ?? (typeof p.publicKeyPem === 'string' ? p.publicKeyPem : '');
  const key = spkiFromPem(pem);
  add(input.publicKeyPem !== undefined ? 'key.given' : 'key.embedded', key !== null);
  if (key === null) return done(p.kind);

  // 1. The signature over the canonical JSON of everything else.
  const sig = typeof p.signature === 'string' ? fromBase64(p.signature) : null;
  let message: Uint8Array | null = null;
  try {
    message = utf8(canonicalJson(p.signed));
  } catch {
    message = null;
  }
  const sigOk = sig !== null && message !== null && (await ed25519Verify(key.raw, sig, message));
  add(sigOk ? 'signature.ok' : 'signature.bad', sigOk);

  // 2. The checkpoint.
  const deviceId = typeof p.deviceId === 'string' ? p.deviceId : '';
  if (typeof p.checkpoint !== 'string') {
    // Receipts made before receipts carried the log are signed, but prove no log entry.
    add('checkpoint.absent', p.kind === 'export-receipt');
    return done(p.kind);
  }
  const cp = await openCheckpoint(p.checkpoint, deviceId, key.raw);
  if (typeof cp === 'string') {
    add('checkpoint.bad', false, { problem: cp });
    return done(p.kind);
  }
  add('checkpoint.ok', true, { size: cp.size, root: toHex(cp.root) });

  // 3. Each entry: leaf hash and inclusion proof.
  const entries = Array.isArray(p.entries) ? p.entries : [];
  const proofs = isObj(p.proofs) ? p.proofs : {};
  if (entries.length === 0 || Object.keys(proofs).length !== entries.length) add('entry.proof', false, { seq: '-' });
  for (const e of entries) {
    if (!isEntry(e)) {
      add('entry.leaf', false, { seq: '?' });
      continue;
    }
    if (p.sessionId !== null && e.data.sessionId !== p.sessionId && e.type !== 'clock.stepBack') {
      add('entry.session', false, { seq: e.seq });
      continue;
    }
    const leaf = await sha256(concat(new Uint8Array([0x00]), utf8(canonicalJson({ seq: e.seq, time: e.time, type: e.type, data: e.data }))));
    if (toHex(leaf) !== e.leafHash) {
      add('entry.leaf', false, { seq: e.seq, type: e.type });
      continue;
    }
    const raw = proofs[String(e.seq)];
    const path = Array.isArray(raw) ? raw.map((h) => (typeof h === 'string' ? fromHex(h) : null)) : null;
    const root = path !== null && path.every((h): h is Uint8Array => h !== null && h.length === 32) ? await rootFromInclusion(e.seq, cp.size, leaf, path) : null;
    add(root !== null && equal(root, cp.root) ? 'entry.ok' : 'entry.proof', root !== null && equal(root, cp.root), { seq: e.seq, type: e.type, time: e.time });
  }

  // 4. A checkpoint held elsewhere.
  if (input.checkpoint !== undefined) {
    const held = await openCheckpoint(input.checkpoint, deviceId, key.raw);
    if (typeof held === 'string') add('witness.bad', false, { problem: held });
    else if (held.size !== cp.size || !equal(held.root, cp.root)) add('witness.bad', false, { problem: `it covers ${held.size} entries, the document's ${cp.size}, with another root` });
    else add('witness.ok', true, { size: held.size });
  }
  return done(p.kind);
}
