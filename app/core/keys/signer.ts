// The device's Ed25519 signing key, e.g. for signing exported viewing logs so
// the court can check they came from this kiosk. The private key is stored
// only wrapped by the device key.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KioskError } from '../errors';

/**
 * What the signer needs of the device key: wrapping its private key. Declared
 * here so that signer.ts imports nothing of device-key.ts and device-key.ts
 * nothing of signer.ts: the caller (kiosk.ts) hands the key to the signer.
 */
export interface KeyWrapper {
  wrapKey(key: Buffer, label: string): Buffer;
  unwrapKey(wrapped: Buffer, label: string): Buffer;
}

export interface DeviceSigner {
  /** Key name used in signatures/exports, e.g. 'court-kiosk'. */
  name: string;
  publicKeyPem: string;
  /** The 32-byte raw Ed25519 public key. */
  publicKeyRaw: Buffer;
  sign(msg: Buffer): Buffer;
  verify(msg: Buffer, sig: Buffer): boolean;
}

export const SIGNING_KEY_FILE = 'signing-key.wrapped';
const WRAP_LABEL = 'court-kiosk/signing-key/ed25519';

export function loadOrCreateSigner(deviceKey: KeyWrapper, dir: string): DeviceSigner {
  const file = path.join(dir, SIGNING_KEY_FILE);
  let privateKey: crypto.KeyObject;
  if (fs.existsSync(file)) {
    const st = fs.statSync(file);
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      throw new KioskError('environment', `signing key file ${file} is accessible to group/other (rule keys.signing.mode)`);
    }
    // unwrapKey throws IntegrityError when the device key is wrong or the file damaged.
    const der = deviceKey.unwrapKey(fs.readFileSync(file), WRAP_LABEL);
    try {
      privateKey = crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } finally {
      der.fill(0);
    }
  } else {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    privateKey = crypto.generateKeyPairSync('ed25519').privateKey;
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    const wrapped = deviceKey.wrapKey(der, WRAP_LABEL);
    der.fill(0);
    // Write to a temp name and rename so a crash never leaves half a key file.
    const tmp = `${file}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    const fd = fs.openSync(tmp, 'wx', 0o600);
    try {
      fs.writeSync(fd, wrapped);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      // link() fails if another process won the race; then use theirs.
      fs.linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      fs.unlinkSync(tmp);
      return loadOrCreateSigner(deviceKey, dir);
    }
    fs.unlinkSync(tmp);
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  }
  const publicKey = crypto.createPublicKey(privateKey);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const signer: DeviceSigner = {
    name: 'court-kiosk',
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    // Ed25519 SPKI DER is a fixed 12-byte prefix followed by the 32-byte key.
    publicKeyRaw: Buffer.from(spki.subarray(spki.length - 32)),
    sign: (msg) => crypto.sign(null, msg, privateKey),
    verify: (msg, sig) => {
      try {
        return crypto.verify(null, msg, publicKey, sig);
      } catch {
        return false;
      }
    },
  };
  return signer;
}
