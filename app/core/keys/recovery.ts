// A recovery file: the device key sealed with a passphrase two administrators
// chose (`kioskctl device key export`), for the court's safe: scrypt
// (RFC 7914, N=2^17, r=8, p=1) derives an AES-256-GCM key; the format name,
// device and key id are the AAD, so the file cannot be passed off as another
// device's. JSON, so that it can be read (not opened) by eye.
import crypto from 'node:crypto';
import { z } from 'zod';
import { KioskError } from '../errors';
import { DEVICE_KEY_LEN } from './device-key';

const FORMAT = 'court-kiosk-device-key-recovery/1';
const SCRYPT = { N: 1 << 17, r: 8, p: 1 } as const;
export const MIN_PASSPHRASE = 12;

const RecoverySchema = z.strictObject({
  format: z.literal(FORMAT),
  device: z.string(),
  keyId: z.string().regex(/^[0-9a-f]{32}$/),
  kdf: z.strictObject({ name: z.literal('scrypt'), N: z.number().int(), r: z.number().int(), p: z.number().int(), salt: z.string() }),
  nonce: z.string(),
  ciphertext: z.string(),
  tag: z.string(),
});

function derive(passphrase: string, salt: Buffer, p: { N: number; r: number; p: number }): Buffer {
  return crypto.scryptSync(passphrase.normalize('NFC'), salt, 32, { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r });
}

const aad = (device: string, keyId: string): Buffer => Buffer.from(`${FORMAT}\n${device}\n${keyId}`, 'utf8');

export function sealRecovery(key: Buffer, keyId: string, device: string, passphrase: string): string {
  if (passphrase.length < MIN_PASSPHRASE) {
    throw new KioskError('usage', `the recovery passphrase must have at least ${MIN_PASSPHRASE} characters`);
  }
  const salt = crypto.randomBytes(16);
  const k = derive(passphrase, salt, SCRYPT);
  try {
    const nonce = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', k, nonce);
    c.setAAD(aad(device, keyId));
    const ct = Buffer.concat([c.update(key), c.final()]);
    const doc = {
      format: FORMAT, device, keyId,
      kdf: { name: 'scrypt', ...SCRYPT, salt: salt.toString('base64') },
      nonce: nonce.toString('base64'), ciphertext: ct.toString('base64'), tag: c.getAuthTag().toString('base64'),
    };
    return `${JSON.stringify(doc, null, 2)}\n`;
  } finally {
    k.fill(0);
  }
}

/** The key a recovery file holds; throws a named error for a wrong passphrase or a damaged file. */
export function openRecovery(text: string, passphrase: string): { key: Buffer; keyId: string; device: string } {
  const doc = RecoverySchema.parse(JSON.parse(text));
  const k = derive(passphrase, Buffer.from(doc.kdf.salt, 'base64'), doc.kdf);
  try {
    const d = crypto.createDecipheriv('aes-256-gcm', k, Buffer.from(doc.nonce, 'base64'));
    d.setAAD(aad(doc.device, doc.keyId));
    d.setAuthTag(Buffer.from(doc.tag, 'base64'));
    const key = Buffer.concat([d.update(Buffer.from(doc.ciphertext, 'base64')), d.final()]);
    if (key.length !== DEVICE_KEY_LEN) throw new Error('length');
    return { key, keyId: doc.keyId, device: doc.device };
  } catch {
    throw new KioskError('refused', 'the recovery file does not open with this passphrase (or is damaged)');
  } finally {
    k.fill(0);
  }
}
