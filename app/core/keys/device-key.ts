// The device key: 32 secret bytes that never leave this appliance. Everything
// else (object keys, the signing key, MAC keys) is derived from or wrapped by
// it. It lives outside the data directory, sealed by the machine
// (key-store.ts), so that copying the data directory elsewhere yields nothing
// usable (PL-5.1), and losing the key makes every stored recording unreadable.
import crypto from 'node:crypto';
import util from 'node:util';
import { IntegrityError } from '../errors';

const WRAP_INFO = 'court-kiosk/wrap/v1';
const MAC_INFO_PREFIX = 'court-kiosk/mac/v1/';
const WRAP_VERSION = 1;
const NONCE_LEN = 12;
const TAG_LEN = 16;
export const DEVICE_KEY_LEN = 32;

function hkdf(ikm: Buffer, info: string): Buffer {
  // No salt: the device key is already uniformly random; info separates uses.
  return Buffer.from(crypto.hkdfSync('sha256', ikm, Buffer.alloc(0), info, 32));
}

export class DeviceKey {
  // A private field, so util.inspect, JSON and structured logging never see it.
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  static fromBytes(b: Buffer): DeviceKey {
    if (!Buffer.isBuffer(b) || b.length !== DEVICE_KEY_LEN) {
      throw new RangeError(`device key must be ${DEVICE_KEY_LEN} bytes`);
    }
    return new DeviceKey(Buffer.from(b));
  }

  /**
   * AES-256-GCM under a subkey of the device key. The label is the AAD, so a
   * wrapped key moved to another slot (another object, another purpose) no
   * longer unwraps. Layout: version(1) ‖ nonce(12) ‖ ciphertext ‖ tag(16).
   */
  wrapKey(key: Buffer, label: string): Buffer {
    const kek = hkdf(this.#key, WRAP_INFO);
    try {
      const nonce = crypto.randomBytes(NONCE_LEN);
      const c = crypto.createCipheriv('aes-256-gcm', kek, nonce);
      c.setAAD(Buffer.from(label, 'utf8'));
      const ct = Buffer.concat([c.update(key), c.final()]);
      return Buffer.concat([Buffer.from([WRAP_VERSION]), nonce, ct, c.getAuthTag()]);
    } finally {
      kek.fill(0);
    }
  }

  unwrapKey(wrapped: Buffer, label: string): Buffer {
    const fail = (): IntegrityError =>
      new IntegrityError('wrong device key or damaged wrapped key', label);
    if (!Buffer.isBuffer(wrapped) || wrapped.length < 1 + NONCE_LEN + TAG_LEN || wrapped[0] !== WRAP_VERSION) {
      throw fail();
    }
    const kek = hkdf(this.#key, WRAP_INFO);
    try {
      const nonce = wrapped.subarray(1, 1 + NONCE_LEN);
      const ct = wrapped.subarray(1 + NONCE_LEN, wrapped.length - TAG_LEN);
      const tag = wrapped.subarray(wrapped.length - TAG_LEN);
      const d = crypto.createDecipheriv('aes-256-gcm', kek, nonce);
      d.setAAD(Buffer.from(label, 'utf8'));
      d.setAuthTag(tag);
      return Buffer.concat([d.update(ct), d.final()]);
    } catch {
      throw fail();
    } finally {
      kek.fill(0);
    }
  }

  /** HMAC-SHA256 under a subkey derived per label, so MACs for one purpose cannot be replayed as another. */
  mac(label: string, data: Buffer | string): Buffer {
    const k = hkdf(this.#key, MAC_INFO_PREFIX + label);
    try {
      return crypto.createHmac('sha256', k).update(data).digest();
    } finally {
      k.fill(0);
    }
  }

  /**
   * A name for this key that reveals nothing of it (a MAC of a fixed label):
   * recorded in the data directory so that a missing or swapped key is named
   * as such, never taken for damaged data.
   */
  id(): string {
    return this.mac('device-key-id', 'v1').subarray(0, 16).toString('hex');
  }

  toString(): string {
    return '[DeviceKey]';
  }

  toJSON(): string {
    return '[DeviceKey]';
  }

  [util.inspect.custom](): string {
    return '[DeviceKey]';
  }
}
