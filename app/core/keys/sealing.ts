// The ways this machine can seal the device key, each a file in the key
// directory (outside the data directory, key-store.ts):
//
//   device-key.cred   systemd-creds: sealed by the TPM2 when there is one, else
//                     by the host secret (/var/lib/systemd/credential.secret);
//                     a kiosk service under systemd receives it decrypted in
//                     $CREDENTIALS_DIRECTORY (LoadCredentialEncrypted=).
//   device-key.safe   Electron's safeStorage (the OS key store), only when its
//                     Linux backend is a real keyring, never 'basic_text'
//                     (a fixed, public key: https://www.electronjs.org/docs/latest/api/safe-storage).
//   device-key.bin    a root-only 0600 file: nothing seals it; the key status
//                     carries a warning the administrator screen shows.
//
// The secret travels only through pipes and memory, never argv or environment.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KioskError } from '../errors';
import { problem } from '../../shared/problem';
import { DEVICE_KEY_LEN } from './device-key';
import { fsyncDir, loadDeviceKeyFile } from './key-file';

export type SealKind = 'systemd-creds' | 'safe-storage' | 'key-file';

/** Electron's safeStorage as its shell hands it to core (app/core never imports electron). */
export interface PlatformKeyStore {
  isEncryptionAvailable(): boolean;
  /** safeStorage.getSelectedStorageBackend() on Linux ('basic_text', 'gnome_libsecret', 'kwallet5'…); 'os' elsewhere. */
  backend(): string;
  encrypt(plain: Buffer): Buffer;
  decrypt(sealed: Buffer): Buffer;
}

/** safeStorage backends that protect nothing: basic_text is a hard-coded key; unknown is "not decided yet". */
const WEAK_BACKENDS = new Set(['basic_text', 'unknown']);

export const SEALED_FILE: Record<SealKind, string> = {
  'systemd-creds': 'device-key.cred',
  'safe-storage': 'device-key.safe',
  'key-file': 'device-key.bin',
};
/** Strongest first: the one order every entry point looks in and seals by. */
export const SEAL_ORDER: readonly SealKind[] = ['systemd-creds', 'safe-storage', 'key-file'];
export const sealRank = (k: SealKind): number => SEAL_ORDER.length - SEAL_ORDER.indexOf(k);

/** The credential's name, embedded in it and checked on decrypt (and the name a unit's LoadCredentialEncrypted= gives it). */
export const CRED_NAME = 'court-kiosk-device-key';

export interface SealedBy {
  readonly kind: SealKind;
  /** How: 'tpm2+host', 'host', the safeStorage backend, or 'none'. */
  readonly by: string;
}

export interface SealOptions {
  readonly platform?: PlatformKeyStore | undefined;
  readonly env?: NodeJS.ProcessEnv;
}

function systemdCredsPresent(env: NodeJS.ProcessEnv): boolean {
  if (process.platform !== 'linux') return false;
  const r = spawnSync('systemd-creds', ['--version'], { stdio: 'ignore', env });
  return r.status === 0;
}

/** systemd-creds seals with the host secret or the TPM, both root's: only root can seal (and decrypt without systemd's help). */
function canUseSystemdCreds(env: NodeJS.ProcessEnv): boolean {
  return process.getuid?.() === 0 && systemdCredsPresent(env);
}

function hasTpm2(env: NodeJS.ProcessEnv): boolean {
  // Exit 0 only when firmware, driver, system and subsystem all support TPM2.
  return spawnSync('systemd-creds', ['has-tpm2', '-q'], { stdio: 'ignore', env }).status === 0;
}

const weakPlatform = (p: PlatformKeyStore | undefined): string | null => {
  if (!p) return 'no OS key store in this process';
  if (!p.isEncryptionAvailable()) return 'safeStorage unavailable';
  const b = p.backend();
  return WEAK_BACKENDS.has(b) ? `safeStorage backend is ${b}` : null;
};

/** The first way in SEAL_ORDER this process can seal by, and why each stronger one was passed over. */
export function bestSeal(opts: SealOptions): { kind: SealKind; passedOver: string[] } {
  const env = opts.env ?? process.env;
  const passedOver: string[] = [];
  if (canUseSystemdCreds(env)) return { kind: 'systemd-creds', passedOver };
  passedOver.push(process.platform !== 'linux' || !systemdCredsPresent(env) ? 'systemd-creds not installed' : 'systemd-creds needs root to seal');
  const weak = weakPlatform(opts.platform);
  if (!weak) return { kind: 'safe-storage', passedOver };
  passedOver.push(weak);
  return { kind: 'key-file', passedOver };
}

/** Writes a new 0600 file (never over an existing one) and fsyncs it. */
export function writeNewFile(file: string, data: Buffer | string): void {
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes a 0600 file whole or not at all: a temp name, fsync, rename over `file`, fsync of the folder. */
export function writeSecretFile(file: string, data: Buffer): void {
  const tmp = `${file}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  writeNewFile(tmp, data);
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

/** Overwrites a key file with zeros before unlinking it (best effort on journalled or copy-on-write file systems). */
export function shredFile(file: string): void {
  try {
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r+');
    try {
      fs.writeSync(fd, Buffer.alloc(size), 0, size, 0);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // gone already, or not writable: unlink still removes the name
  }
  fs.rmSync(file, { force: true });
  fsyncDir(path.dirname(file));
}

const keyError = (file: string, rule: string, message: string): KioskError => new KioskError('environment', `${message} (rule ${rule})`, [problem(file, rule, message)]);

/** Seals `key` by `kind` into `dir`; returns the file written and how it is sealed. */
export function sealInto(dir: string, kind: SealKind, key: Buffer, opts: SealOptions): { file: string; sealed: SealedBy } {
  const env = opts.env ?? process.env;
  const file = path.join(dir, SEALED_FILE[kind]);
  switch (kind) {
    case 'systemd-creds': {
      const tpm = hasTpm2(env);
      // auto: TPM2 and host secret together where a TPM2 is present; else the host secret alone.
      const withKey = tpm ? 'auto' : 'host';
      const tmp = `${file}.${crypto.randomBytes(4).toString('hex')}.tmp`;
      const r = spawnSync('systemd-creds', ['encrypt', `--name=${CRED_NAME}`, `--with-key=${withKey}`, '-', tmp], { input: key, env, stdio: ['pipe', 'ignore', 'pipe'] });
      if (r.status !== 0) {
        fs.rmSync(tmp, { force: true });
        throw keyError(file, 'keys.seal.failed', `systemd-creds encrypt failed: ${String(r.stderr).trim()}`);
      }
      fs.chmodSync(tmp, 0o600);
      fs.renameSync(tmp, file);
      fsyncDir(dir);
      return { file, sealed: { kind, by: tpm ? 'tpm2+host' : 'host' } };
    }
    case 'safe-storage': {
      const p = opts.platform;
      if (!p || weakPlatform(p)) throw keyError(file, 'keys.seal.failed', `safeStorage cannot seal here: ${weakPlatform(p)}`);
      writeSecretFile(file, p.encrypt(key));
      return { file, sealed: { kind, by: p.backend() } };
    }
    case 'key-file':
      writeSecretFile(file, key);
      return { file, sealed: { kind, by: 'none' } };
    default: {
      const never: never = kind;
      throw new Error(`unknown seal ${String(never)}`);
    }
  }
}

/**
 * What sealed a credential, from the id at the head of its (base64) header
 * (systemd's src/shared/creds-util.h, CRED_AES256_GCM_BY_*).
 */
const CRED_SEALS: Record<string, string> = {
  '5a1c6a86df9d4096b1d5a65e0862f19a': 'host',
  '0c7cc07b117645919c4b0bea08bc20fe': 'tpm2',
  faf7eb9341e54adc8bfa40d4c8166b26: 'tpm2',
  '93a894094874449090caf2fc93cab553': 'tpm2+host',
  af4950a849134eb9a1fdabf2e2938710: 'tpm2+host',
};

function credSealedBy(file: string): string {
  try {
    const head = Buffer.from(fs.readFileSync(file, 'latin1').slice(0, 24), 'base64').subarray(0, 16).toString('hex');
    return CRED_SEALS[head] ?? 'systemd-creds';
  } catch {
    return 'systemd-creds';
  }
}

function exactKey(file: string, b: Buffer, how: string): Buffer {
  if (b.length !== DEVICE_KEY_LEN) throw keyError(file, 'keys.device.damaged', `${how} gave ${b.length} bytes, not a ${DEVICE_KEY_LEN}-byte device key`);
  return b;
}

/** Unseals the file `kind` wrote; every refusal names the file and what this process lacks. */
export function unseal(file: string, kind: SealKind, opts: SealOptions): { key: Buffer; sealed: SealedBy } {
  const env = opts.env ?? process.env;
  switch (kind) {
    case 'systemd-creds': {
      // Under systemd, LoadCredentialEncrypted=court-kiosk-device-key:<file> hands it decrypted to a service that is not root.
      const credDir = env.CREDENTIALS_DIRECTORY;
      const passed = credDir ? path.join(credDir, CRED_NAME) : null;
      if (passed && fs.existsSync(passed)) return { key: exactKey(passed, fs.readFileSync(passed), 'the credential systemd passed'), sealed: { kind, by: 'systemd (LoadCredentialEncrypted)' } };
      if (!canUseSystemdCreds(env)) {
        throw keyError(file, 'keys.device.sealed', `the device key is sealed by systemd-creds; this process (uid ${process.getuid?.()}) cannot unseal it: run as root, or start the service with LoadCredentialEncrypted=${CRED_NAME}:${file}`);
      }
      const r = spawnSync('systemd-creds', ['decrypt', `--name=${CRED_NAME}`, file, '-'], { env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 4096 });
      if (r.status !== 0) {
        throw keyError(file, 'keys.device.unseal', `systemd-creds cannot unseal the device key: it was sealed on another machine (another host secret or TPM) or is damaged: ${String(r.stderr).trim().split('\n').pop() ?? ''}`);
      }
      return { key: exactKey(file, r.stdout, 'systemd-creds'), sealed: { kind, by: credSealedBy(file) } };
    }
    case 'safe-storage': {
      const p = opts.platform;
      if (!p || !p.isEncryptionAvailable()) {
        throw keyError(file, 'keys.device.sealed', 'the device key is sealed by the Electron shell\'s OS key store (safeStorage); only that shell can unseal it: send the command to its running kiosk service');
      }
      let key: Buffer;
      try {
        key = p.decrypt(fs.readFileSync(file));
      } catch (e) {
        throw keyError(file, 'keys.device.unseal', `safeStorage cannot unseal the device key (another user or machine?): ${(e as Error).message}`);
      }
      return { key: exactKey(file, key, 'safeStorage'), sealed: { kind, by: p.backend() } };
    }
    case 'key-file':
      return { key: loadDeviceKeyFile(file), sealed: { kind, by: 'none' } };
    default: {
      const never: never = kind;
      throw new Error(`unknown seal ${String(never)}`);
    }
  }
}
