// The one lookup of the device key (app/core/keys/key-store.ts): outside the
// data directory, sealed by the machine, never made twice, moved only on
// purpose. Run as root these use the real systemd-creds, with host secrets the
// test makes ($SYSTEMD_CREDENTIAL_SECRET), one per "machine".
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { KioskError } from '../../../app/core/errors';
import { DeviceKey, DeviceKeyHandle, KEY_ID_FILE, loadOrCreateSigner, openDeviceKey, openRecovery, type PlatformKeyStore } from '../../../app/core/keys';
import { scratch } from '../../helpers/paths';

const ROOT = process.getuid?.() === 0;
const HAS_CREDS = process.platform === 'linux' && spawnSync('systemd-creds', ['--version'], { stdio: 'ignore' }).status === 0;
const SEALS = ROOT && HAS_CREDS;

/** A machine: its own systemd-creds host secret (made by `systemd-creds setup`). */
function machine(): NodeJS.ProcessEnv {
  const secret = path.join(scratch('machine-'), 'credential.secret');
  const r = spawnSync('systemd-creds', ['setup'], { env: { ...process.env, SYSTEMD_CREDENTIAL_SECRET: secret }, stdio: 'ignore' });
  if (r.status !== 0) throw new Error('systemd-creds setup failed');
  return { ...process.env, SYSTEMD_CREDENTIAL_SECRET: secret };
}

/** A process without systemd-creds on its PATH: as on a machine that has none. */
const NO_CREDS: NodeJS.ProcessEnv = { ...process.env, PATH: '/nonexistent' };

/** An OS key store that really encrypts (AES-GCM under a key of its own), with the backend named. */
function fakeStore(backend: string): PlatformKeyStore {
  const k = crypto.randomBytes(32);
  return {
    isEncryptionAvailable: () => true,
    backend: () => backend,
    encrypt: (p) => {
      const n = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', k, n);
      return Buffer.concat([n, c.update(p), c.final(), c.getAuthTag()]);
    },
    decrypt: (s) => {
      const d = crypto.createDecipheriv('aes-256-gcm', k, s.subarray(0, 12));
      d.setAuthTag(s.subarray(s.length - 16));
      return Buffer.concat([d.update(s.subarray(12, s.length - 16)), d.final()]);
    },
  };
}

function dirs() {
  const dataDir = path.join(scratch('keystore-'), 'data');
  fs.mkdirSync(path.join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  return { dataDir, keyDir: `${dataDir}-keys` };
}

function rule(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof KioskError) return e.problems[0]?.rule ?? e.message;
    throw e;
  }
  throw new Error('did not throw');
}

/** Every file below `dir`, read whole. */
function allBytes(dir: string): Buffer {
  const out: Buffer[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(fs.readFileSync(p));
    }
  };
  walk(dir);
  return Buffer.concat(out);
}

/** The raw key behind a handle, through a recovery file (the only way out of key-store). */
function rawKey(h: ReturnType<typeof openDeviceKey>['handle']): Buffer {
  const dir = scratch('raw-');
  return openRecovery(fs.readFileSync(h.exportRecovery(dir, 'a long enough passphrase', 'test'), 'utf8'), 'a long enough passphrase').key;
}

describe('the device key lives outside the data directory, sealed by the machine', () => {
  it.runIf(SEALS)('[PL-5.1] a new data directory gets a key sealed by systemd-creds (host secret) in the key directory; the data directory holds only its id', () => {
    const env = machine();
    const { dataDir, keyDir } = dirs();
    const { handle } = openDeviceKey({ dataDir, keyDir, create: true, env });
    expect(handle.status).toMatchObject({ kind: 'systemd-creds', by: 'host', location: path.join(keyDir, 'device-key.cred'), warning: null });
    expect(fs.readdirSync(path.join(dataDir, 'keys'))).toEqual([KEY_ID_FILE]);
    expect(fs.readFileSync(path.join(dataDir, 'keys', KEY_ID_FILE), 'utf8').trim()).toBe(handle.status.keyId);
    expect(fs.statSync(handle.status.location).mode & 0o777).toBe(0o600);
    const raw = rawKey(handle);
    expect(allBytes(keyDir).includes(raw)).toBe(false);
    expect(allBytes(dataDir).includes(raw)).toBe(false);
    // The same machine opens it again, read-only too; nothing new is made.
    const again = openDeviceKey({ dataDir, keyDir, create: false, env }).handle;
    expect(again.status.keyId).toBe(handle.status.keyId);
    expect(rawKey(again).equals(raw)).toBe(true);
  });

  it.runIf(SEALS)('[PL-5.1] another machine (another host secret) cannot unseal the key directory, even copied whole: keys.device.unseal, naming the file', () => {
    const { dataDir, keyDir } = dirs();
    openDeviceKey({ dataDir, keyDir, create: true, env: machine() });
    expect(rule(() => openDeviceKey({ dataDir, keyDir, create: true, env: machine() }))).toBe('keys.device.unseal');
  });

  it('[PL-5.1] a data directory whose key is not in its key directory opens nothing and never gets a new key: keys.device.missing', () => {
    const { dataDir, keyDir } = dirs();
    const env = SEALS ? machine() : NO_CREDS;
    openDeviceKey({ dataDir, keyDir, create: true, env });
    const elsewhere = `${keyDir}-elsewhere`;
    for (const create of [false, true]) expect(rule(() => openDeviceKey({ dataDir, keyDir: elsewhere, create, env }))).toBe('keys.device.missing');
    expect(fs.existsSync(elsewhere)).toBe(false);
  });

  it('[PL-5.1] another key in the key directory is named, not taken for damaged data: keys.device.mismatch', () => {
    const a = dirs();
    const b = dirs();
    openDeviceKey({ dataDir: a.dataDir, keyDir: a.keyDir, create: true, env: NO_CREDS });
    openDeviceKey({ dataDir: b.dataDir, keyDir: b.keyDir, create: true, env: NO_CREDS });
    expect(rule(() => openDeviceKey({ dataDir: a.dataDir, keyDir: b.keyDir, create: false, env: NO_CREDS }))).toBe('keys.device.mismatch');
  });
});

describe('a key directory others could change is refused', () => {
  it('[PL-5.1] a group- or world-writable key directory: env.key-dir.mode, before the key is used', () => {
    const { dataDir, keyDir } = dirs();
    openDeviceKey({ dataDir, keyDir, create: true, env: NO_CREDS });
    fs.chmodSync(keyDir, 0o777);
    expect(rule(() => openDeviceKey({ dataDir, keyDir, create: false, env: NO_CREDS }))).toBe('env.key-dir.mode');
  });
});

describe('a key directory the owner may not make', () => {
  it('[PL-5.1] the owner of a data directory in a folder it may not write (the appliance\'s /var/lib) is told to make the key directory: env.key-dir.missing, no key and no id written', () => {
    const { dataDir, keyDir } = dirs();
    // As a non-root owner under root's /var/lib: mkdir of the sibling is refused (root here would be let through).
    const real = fs.mkdirSync;
    const spy = vi.spyOn(fs, 'mkdirSync').mockImplementation(((p: fs.PathLike, o?: fs.MakeDirectoryOptions) => {
      if (String(p) === keyDir) throw Object.assign(new Error(`EACCES: permission denied, mkdir '${keyDir}'`), { code: 'EACCES' });
      return real(p, o);
    }) as typeof fs.mkdirSync);
    try {
      let err: KioskError | null = null;
      try {
        openDeviceKey({ dataDir, keyDir, create: true, env: NO_CREDS });
      } catch (e) {
        err = e as KioskError;
      }
      expect(err).toBeInstanceOf(KioskError);
      expect(err!.problems[0]).toMatchObject({ rule: 'env.key-dir.missing', file: keyDir });
      expect(err!.message).toContain('systemd-tmpfiles --create');
    } finally {
      spy.mockRestore();
    }
    expect(fs.existsSync(keyDir)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'keys', KEY_ID_FILE))).toBe(false);
  });
});

describe('one order of sources: systemd-creds, then the OS key store (not basic_text), then a 0600 file with a warning', () => {
  it('[PL-5.1] Electron\'s safeStorage seals the key when its backend is a keyring; a process without it is told who can unseal it', () => {
    const { dataDir, keyDir } = dirs();
    const store = fakeStore('gnome_libsecret');
    const { handle } = openDeviceKey({ dataDir, keyDir, create: true, platform: store, env: NO_CREDS });
    expect(handle.status).toMatchObject({ kind: 'safe-storage', by: 'gnome_libsecret', warning: null });
    expect(fs.existsSync(path.join(keyDir, 'device-key.safe'))).toBe(true);
    expect(openDeviceKey({ dataDir, keyDir, create: false, platform: store, env: NO_CREDS }).handle.status.keyId).toBe(handle.status.keyId);
    expect(rule(() => openDeviceKey({ dataDir, keyDir, create: false, env: NO_CREDS }))).toBe('keys.device.sealed');
  });

  it('[PL-5.1] safeStorage on basic_text is passed over: a root-only 0600 key file in the key directory, and a warning that says why', () => {
    const { dataDir, keyDir } = dirs();
    const { handle } = openDeviceKey({ dataDir, keyDir, create: true, platform: fakeStore('basic_text'), env: NO_CREDS });
    expect(handle.status.kind).toBe('key-file');
    expect(handle.status.warning).toContain('basic_text');
    expect(handle.status.warning).toContain('not sealed by this machine');
    const file = path.join(keyDir, 'device-key.bin');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(keyDir).mode & 0o777).toBe(0o700);
  });

  it.runIf(SEALS)('[PL-5.1] rekey seals a plain key file by systemd-creds (same key, old file shredded) and never reseals to a weaker way', () => {
    const env = machine();
    const { dataDir, keyDir } = dirs();
    const plain = openDeviceKey({ dataDir, keyDir, create: true, env: NO_CREDS }).handle;
    expect(plain.status.kind).toBe('key-file');
    const raw = rawKey(plain);
    const reopened = openDeviceKey({ dataDir, keyDir, create: true, env }).handle;
    const { from, to } = reopened.reseal();
    expect([from.kind, to.kind]).toEqual(['key-file', 'systemd-creds']);
    expect(to.warning).toBeNull();
    expect(fs.readdirSync(keyDir)).toEqual(['device-key.cred']);
    const sealed = openDeviceKey({ dataDir, keyDir, create: false, env }).handle;
    expect(rawKey(sealed).equals(raw)).toBe(true);
    // A process that can only write a plain file may not undo that.
    const weak = new DeviceKeyHandle(raw, sealed.status, { dataDir, keyDir, create: true, env: NO_CREDS });
    expect(rule(() => weak.reseal())).toBe('keys.rekey.weaker');
  });
});

describe('data directories of before: keys/device.key inside them', () => {
  function legacy(): { dataDir: string; keyDir: string; key: Buffer; publicKey: Buffer } {
    const { dataDir, keyDir } = dirs();
    const key = crypto.randomBytes(32);
    fs.writeFileSync(path.join(dataDir, 'keys', 'device.key'), key, { mode: 0o600 });
    const publicKey = loadOrCreateSigner(DeviceKey.fromBytes(key), path.join(dataDir, 'keys')).publicKeyRaw;
    return { dataDir, keyDir, key, publicKey };
  }

  it('[PL-5.1] a read-only open reads the old key in place, writes nothing and warns', () => {
    const l = legacy();
    const { handle, moved } = openDeviceKey({ dataDir: l.dataDir, keyDir: l.keyDir, create: false, env: NO_CREDS });
    expect(moved).toBeNull();
    expect(handle.status.warning).toContain('still inside the data directory');
    expect(fs.existsSync(l.keyDir)).toBe(false);
    expect(fs.existsSync(path.join(l.dataDir, 'keys', 'device.key'))).toBe(true);
  });

  it('[PL-5.1] the owner\'s first open moves the key out, sealed, records its id and removes the old file; the signing key still opens', () => {
    const l = legacy();
    const env = SEALS ? machine() : NO_CREDS;
    const { handle, moved } = openDeviceKey({ dataDir: l.dataDir, keyDir: l.keyDir, create: true, env });
    expect(moved).toMatchObject({ from: path.join(l.dataDir, 'keys', 'device.key'), kind: SEALS ? 'systemd-creds' : 'key-file' });
    expect(fs.existsSync(path.join(l.dataDir, 'keys', 'device.key'))).toBe(false);
    expect(allBytes(l.dataDir).includes(l.key)).toBe(false);
    expect(rawKey(handle).equals(l.key)).toBe(true);
    expect(loadOrCreateSigner(handle.key, path.join(l.dataDir, 'keys')).publicKeyRaw.equals(l.publicKey)).toBe(true);
    // And from then on it is an ordinary sealed key.
    expect(openDeviceKey({ dataDir: l.dataDir, keyDir: l.keyDir, create: false, env }).moved).toBeNull();
  });
});

describe('the recovery file', () => {
  it('[PL-5.1] holds the key sealed with the passphrase only: no key bytes, refused with another passphrase', () => {
    const { dataDir, keyDir } = dirs();
    const { handle } = openDeviceKey({ dataDir, keyDir, create: true, env: NO_CREDS });
    const raw = fs.readFileSync(path.join(keyDir, 'device-key.bin'));
    const file = handle.exportRecovery(scratch('safe-'), 'correct horse battery staple', 'SO-Krakow-1');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(file, 'utf8');
    for (const enc of ['hex', 'base64'] as const) expect(text).not.toContain(raw.toString(enc));
    expect(openRecovery(text, 'correct horse battery staple').key.equals(raw)).toBe(true);
    expect(() => openRecovery(text, 'correct horse battery stapler')).toThrow(/does not open/);
  });
});
