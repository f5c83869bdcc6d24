import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntegrityError, KioskError } from '../../../app/core/errors';
import { DeviceKey, SIGNING_KEY_FILE, loadOrCreateDeviceKeyFile, loadOrCreateSigner } from '../../../app/core/keys';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

/** Every rendering of the key an error or log line could plausibly contain. */
function keyRenderings(key: Buffer): string[] {
  return [key.toString('hex'), key.toString('base64'), key.toString('base64url'), key.toString('latin1')];
}

describe('device key file', () => {
  it('[PL-5.1] creates a 32-byte key file with mode 0600 in a 0700 directory, and loads the same key later', () => {
    const file = path.join(tmp, 'keys', 'device.key');
    const key = loadOrCreateDeviceKeyFile(file);
    expect(key.length).toBe(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(loadOrCreateDeviceKeyFile(file).equals(key)).toBe(true);
    // Two devices never share a key.
    expect(loadOrCreateDeviceKeyFile(path.join(tmp, 'other', 'device.key')).equals(key)).toBe(false);
  });

  it('[PL-5.1] refuses a key file readable by group/other, without printing the key', () => {
    const file = path.join(tmp, 'device.key');
    const key = crypto.randomBytes(32);
    fs.writeFileSync(file, key, { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    const e = thrown(() => loadOrCreateDeviceKeyFile(file));
    expect(e).toBeInstanceOf(KioskError);
    expect((e as KioskError).code).toBe('environment');
    expect((e as KioskError).message).toContain(file);
    expect((e as KioskError).message).toContain('0644');
    for (const r of keyRenderings(key)) expect((e as KioskError).message).not.toContain(r);
    for (const r of keyRenderings(key)) expect(util.inspect(e)).not.toContain(r);
  });

  it('refuses a key file of the wrong size', () => {
    const file = path.join(tmp, 'device.key');
    const key = crypto.randomBytes(31);
    fs.writeFileSync(file, key, { mode: 0o600 });
    const e = thrown(() => loadOrCreateDeviceKeyFile(file));
    expect((e as KioskError).code).toBe('environment');
    expect((e as KioskError).message).toMatch(/31 bytes, expected 32/);
    for (const r of keyRenderings(key)) expect((e as KioskError).message).not.toContain(r);
  });
});

describe('DeviceKey', () => {
  it('[PL-5.1] never shows its bytes in util.inspect, JSON, String or template literals', () => {
    const bytes = crypto.randomBytes(32);
    const dk = DeviceKey.fromBytes(bytes);
    const renderings = [
      util.inspect(dk),
      util.inspect({ nested: { dk } }, { showHidden: true, depth: 20 }),
      JSON.stringify({ dk }),
      String(dk),
      `${dk}`,
      util.format('%o %O %j', dk, dk, dk),
    ];
    expect(util.inspect(dk)).toBe('[DeviceKey]');
    expect(JSON.stringify(dk)).toBe('"[DeviceKey]"');
    for (const s of renderings) for (const r of keyRenderings(bytes)) expect(s).not.toContain(r);
    // Mutating the caller's buffer afterwards does not change the key.
    const w = dk.wrapKey(Buffer.alloc(32, 7), 'x');
    bytes.fill(0);
    expect(dk.unwrapKey(w, 'x').equals(Buffer.alloc(32, 7))).toBe(true);
  });

  it('rejects a key that is not 32 bytes', () => {
    expect(() => DeviceKey.fromBytes(Buffer.alloc(16))).toThrow(RangeError);
  });

  it('[Q-3] wraps and unwraps keys; a wrong label, wrong device key or damaged blob gives IntegrityError', () => {
    const bytes = crypto.randomBytes(32);
    const dk = DeviceKey.fromBytes(bytes);
    const k = crypto.randomBytes(32);
    const w = dk.wrapKey(k, 'court-kiosk/object/a');
    expect(dk.unwrapKey(w, 'court-kiosk/object/a').equals(k)).toBe(true);
    expect(w.includes(k)).toBe(false);
    // Fresh nonce each time.
    expect(dk.wrapKey(k, 'court-kiosk/object/a').equals(w)).toBe(false);

    const other = DeviceKey.fromBytes(crypto.randomBytes(32));
    const damaged = Buffer.from(w);
    damaged[20] = (damaged[20] as number) ^ 1;
    for (const attempt of [
      () => dk.unwrapKey(w, 'court-kiosk/object/b'),
      () => other.unwrapKey(w, 'court-kiosk/object/a'),
      () => dk.unwrapKey(damaged, 'court-kiosk/object/a'),
      () => dk.unwrapKey(Buffer.alloc(3), 'court-kiosk/object/a'),
    ]) {
      const e = thrown(attempt);
      expect(e).toBeInstanceOf(IntegrityError);
      expect((e as Error).message).toBe('wrong device key or damaged wrapped key');
      for (const r of [...keyRenderings(bytes), ...keyRenderings(k)]) expect(util.inspect(e)).not.toContain(r);
    }
  });

  it('derives a separate MAC key per label', () => {
    const dk = DeviceKey.fromBytes(crypto.randomBytes(32));
    const a = dk.mac('viewing-log', 'entry');
    expect(a.length).toBe(32);
    expect(dk.mac('viewing-log', Buffer.from('entry')).equals(a)).toBe(true);
    expect(dk.mac('catalog', 'entry').equals(a)).toBe(false);
    expect(dk.mac('viewing-log', 'entry2').equals(a)).toBe(false);
    expect(DeviceKey.fromBytes(crypto.randomBytes(32)).mac('viewing-log', 'entry').equals(a)).toBe(false);
  });
});

describe('device signer', () => {
  it('generates an Ed25519 key once, stores it wrapped with mode 0600, and loads the same key later', () => {
    const dk = DeviceKey.fromBytes(crypto.randomBytes(32));
    const dir = path.join(tmp, 'sign');
    const s1 = loadOrCreateSigner(dk, dir);
    const file = path.join(dir, SIGNING_KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(s1.name).toBe('court-kiosk');
    expect(s1.publicKeyRaw.length).toBe(32);
    expect(s1.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);

    const msg = Buffer.from('viewing log export');
    const sig = s1.sign(msg);
    expect(s1.verify(msg, sig)).toBe(true);
    expect(s1.verify(Buffer.from('viewing log export!'), sig)).toBe(false);
    expect(s1.verify(msg, Buffer.alloc(3))).toBe(false);
    // An outside verifier needs only the PEM.
    expect(crypto.verify(null, msg, crypto.createPublicKey(s1.publicKeyPem), sig)).toBe(true);

    const s2 = loadOrCreateSigner(dk, dir);
    expect(s2.publicKeyRaw.equals(s1.publicKeyRaw)).toBe(true);
    expect(s2.verify(msg, sig)).toBe(true);
  });

  it('[Q-3] refuses to load the signing key under another device key', () => {
    const dir = path.join(tmp, 'sign');
    loadOrCreateSigner(DeviceKey.fromBytes(crypto.randomBytes(32)), dir);
    expect(() => loadOrCreateSigner(DeviceKey.fromBytes(crypto.randomBytes(32)), dir)).toThrow(IntegrityError);
  });
});

describe('key modules', () => {
  it('device-key.ts and signer.ts do not import each other (the caller hands the key to the signer)', () => {
    const dir = path.resolve(__dirname, '../../../app/core/keys');
    const imports = (f: string) => [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports('device-key.ts')).not.toContain('./signer');
    expect(imports('signer.ts')).not.toContain('./device-key');
  });
});
