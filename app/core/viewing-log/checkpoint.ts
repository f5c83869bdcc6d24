// Checkpoints of the viewing log: a C2SP tlog-checkpoint body inside a C2SP
// signed note with an Ed25519 signature. Using the public formats means an
// auditor can check an exported checkpoint with stock tooling (e.g. the Go
// `note` package), not only with this code.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { KioskError } from '../errors';
import { problem } from '../../shared/problem';
import { legacyLogKeyName, logOrigin } from '../../shared/log-origin';
import { HASH_SIZE } from './merkle';

const SIG_ED25519 = 0x01;
const EM_DASH_PREFIX = '\u2014 ';

export interface CheckpointSigner {
  /** Key name as it appears in the signature line; no whitespace, no '+'. */
  readonly name: string;
  sign(msg: Buffer): Buffer;
  /** The 32-byte raw Ed25519 public key. */
  readonly publicKeyRaw: Buffer;
}

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Buffer;
}

export interface ParsedNote {
  /** The signed text, ending in a newline. */
  readonly text: string;
  readonly signatures: ReadonlyArray<{ name: string; keyHash: Buffer; signature: Buffer }>;
}

/** A checkpoint or key that is malformed or does not verify; `rule` is the stable rule id. */
export class CheckpointError extends KioskError {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super('integrity', message, [problem('checkpoint', rule, message)]);
  }
}

function checkKeyName(name: string): void {
  if (name.length === 0 || /[\s+]/u.test(name)) {
    throw new CheckpointError('checkpoint.key.name', `key name ${JSON.stringify(name)} must be non-empty, without spaces or '+'`);
  }
}

/** First 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ pubkey), as the C2SP signed-note spec defines for Ed25519. */
export function keyHash(name: string, publicKeyRaw: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from(name, 'utf8'))
    .update(Buffer.from([0x0a, SIG_ED25519]))
    .update(publicKeyRaw)
    .digest()
    .subarray(0, 4);
}

/** Verifier key string `<name>+<hex keyhash>+<base64(0x01 ‖ pubkey)>`. */
export function verifierKey(name: string, publicKeyRaw: Buffer): string {
  checkKeyName(name);
  if (publicKeyRaw.length !== 32) throw new CheckpointError('checkpoint.key.length', 'an Ed25519 public key is 32 bytes');
  const blob = Buffer.concat([Buffer.from([SIG_ED25519]), publicKeyRaw]);
  return `${name}+${keyHash(name, publicKeyRaw).toString('hex')}+${blob.toString('base64')}`;
}

export interface ParsedVerifierKey {
  readonly name: string;
  readonly keyHash: Buffer;
  readonly publicKeyRaw: Buffer;
  readonly key: KeyObject;
}

export function parseVerifierKey(vkey: string): ParsedVerifierKey {
  // Split at the first two '+' only: the base64 key may itself contain '+'.
  const m = /^([^+]*)\+([^+]*)\+(.*)$/su.exec(vkey);
  const [, name, hashHex, b64] = m ?? [];
  if (name === undefined || hashHex === undefined || b64 === undefined || !/^[0-9a-f]{8}$/u.test(hashHex)) {
    throw new CheckpointError('checkpoint.vkey.format', 'verifier key must be <name>+<8 hex digits>+<base64 key>');
  }
  checkKeyName(name);
  const blob = Buffer.from(b64, 'base64');
  if (blob.length !== 33 || blob[0] !== SIG_ED25519 || blob.toString('base64') !== b64) {
    throw new CheckpointError('checkpoint.vkey.type', 'verifier key is not a well-formed Ed25519 key (type 0x01, 32 bytes)');
  }
  const publicKeyRaw = blob.subarray(1);
  const kh = keyHash(name, publicKeyRaw);
  if (kh.toString('hex') !== hashHex) {
    throw new CheckpointError('checkpoint.vkey.hash', 'verifier key hash does not match its name and key');
  }
  return { name, keyHash: kh, publicKeyRaw, key: publicKeyFromRaw(publicKeyRaw) };
}

export function publicKeyFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new CheckpointError('checkpoint.key.type', 'signing key is not Ed25519');
  }
  return Buffer.from(jwk.x, 'base64url');
}

/** A signer over an Ed25519 private key (a KeyObject, or PKCS#8 PEM/DER). */
export function ed25519Signer(name: string, privateKey: KeyObject | string | Buffer): CheckpointSigner {
  checkKeyName(name);
  const key =
    typeof privateKey === 'string'
      ? createPrivateKey(privateKey)
      : Buffer.isBuffer(privateKey)
        ? createPrivateKey({ key: privateKey, format: 'der', type: 'pkcs8' })
        : privateKey;
  const publicKeyRaw = rawPublicKey(createPublicKey(key));
  return { name, publicKeyRaw, sign: (msg) => sign(null, msg, key) };
}

/** A fresh key pair; for tests and first-boot provisioning (the caller stores the private key). */
export function generateEd25519Signer(name: string): CheckpointSigner & { privateKey: KeyObject } {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { ...ed25519Signer(name, privateKey), privateKey };
}

/** The C2SP tlog-checkpoint body: origin, decimal size, base64 root, each on its own line. */
export function checkpointBody(c: Checkpoint): string {
  if (c.origin.length === 0 || /[\n]/u.test(c.origin)) {
    throw new CheckpointError('checkpoint.origin', 'origin must be one non-empty line');
  }
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new CheckpointError('checkpoint.size', 'tree size must be a non-negative integer');
  if (c.root.length !== HASH_SIZE) throw new CheckpointError('checkpoint.root', 'root hash must be 32 bytes');
  return `${c.origin}\n${c.size}\n${c.root.toString('base64')}\n`;
}

export function signCheckpoint(c: Checkpoint, signer: CheckpointSigner): string {
  checkKeyName(signer.name);
  const text = checkpointBody(c);
  const sig = signer.sign(Buffer.from(text, 'utf8'));
  if (sig.length !== 64) throw new CheckpointError('checkpoint.signature.length', 'Ed25519 signature must be 64 bytes');
  const blob = Buffer.concat([keyHash(signer.name, signer.publicKeyRaw), sig]);
  return `${text}\n${EM_DASH_PREFIX}${signer.name} ${blob.toString('base64')}\n`;
}

/** Splits a signed note into text and signature lines; throws on anything malformed. */
export function parseNote(note: string): ParsedNote {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new CheckpointError('note.format', 'signed note has no signature block');
  const text = note.slice(0, split + 1);
  const sigLines = note.slice(split + 2, -1).split('\n');
  const signatures = sigLines.map((line) => {
    if (!line.startsWith(EM_DASH_PREFIX)) throw new CheckpointError('note.signature.format', 'signature line must start with an em dash');
    const rest = line.slice(EM_DASH_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = rest.slice(0, space);
    const b64 = rest.slice(space + 1);
    if (space <= 0 || /\s/u.test(b64) || b64.length === 0) throw new CheckpointError('note.signature.format', 'signature line must be "— <name> <base64>"');
    const blob = Buffer.from(b64, 'base64');
    if (blob.length < 5 || blob.toString('base64') !== b64) throw new CheckpointError('note.signature.encoding', 'signature is not valid base64');
    return { name, keyHash: blob.subarray(0, 4), signature: blob.subarray(4) };
  });
  if (signatures.length === 0) throw new CheckpointError('note.format', 'signed note has no signatures');
  return { text, signatures };
}

export function parseCheckpointBody(text: string): Checkpoint {
  const lines = text.split('\n');
  // origin, size, root, then optional extension lines; text ends with '\n' so the last split is ''.
  const [origin, sizeStr, rootB64] = lines;
  if (lines.length < 4 || origin === undefined || sizeStr === undefined || rootB64 === undefined || origin.length === 0) {
    throw new CheckpointError('checkpoint.format', 'checkpoint needs origin, size and root lines');
  }
  if (!/^(0|[1-9][0-9]*)$/u.test(sizeStr) || !Number.isSafeInteger(Number(sizeStr))) {
    throw new CheckpointError('checkpoint.size', 'tree size must be a decimal integer without leading zeros');
  }
  const root = Buffer.from(rootB64, 'base64');
  if (root.length !== HASH_SIZE || root.toString('base64') !== rootB64) {
    throw new CheckpointError('checkpoint.root', 'root hash must be base64 of 32 bytes');
  }
  return { origin, size: Number(sizeStr), root };
}

/**
 * Verifies a checkpoint note with the given verifier key and returns its
 * body. Signatures by other keys are ignored (the note format allows
 * cosigners); at least one must be ours and valid.
 */
export function verifyCheckpoint(note: string, vkey: string | ParsedVerifierKey, expectedOrigin?: string): Checkpoint {
  const k = typeof vkey === 'string' ? parseVerifierKey(vkey) : vkey;
  const parsed = parseNote(note);
  const mine = parsed.signatures.filter((s) => s.name === k.name && s.keyHash.equals(k.keyHash));
  if (mine.length === 0) throw new CheckpointError('checkpoint.signature.unknown-key', `checkpoint is not signed by key ${k.name}`);
  const msg = Buffer.from(parsed.text, 'utf8');
  if (!mine.every((s) => s.signature.length === 64 && verify(null, msg, k.key, s.signature))) {
    throw new CheckpointError('checkpoint.signature.invalid', `checkpoint signature by ${k.name} does not verify`);
  }
  const c = parseCheckpointBody(parsed.text);
  if (expectedOrigin !== undefined && c.origin !== expectedOrigin) {
    throw new CheckpointError('checkpoint.origin', `checkpoint origin ${JSON.stringify(c.origin)} is not ${JSON.stringify(expectedOrigin)}`);
  }
  return c;
}

/**
 * A checkpoint of device `deviceId`'s viewing log, signed with its Ed25519
 * key under the origin as key name, or under the name the device used before
 * (the same key). What reports, witnesses and `verify-report` check.
 */
export function verifyDeviceCheckpoint(note: string, deviceId: string, publicKeyRaw: Buffer): Checkpoint {
  const origin = logOrigin(deviceId);
  const legacy = legacyLogKeyName(deviceId);
  const named = parseNote(note).signatures.map((s) => s.name);
  const name = !named.includes(origin) && named.includes(legacy) ? legacy : origin;
  return verifyCheckpoint(note, verifierKey(name, publicKeyRaw), origin);
}
