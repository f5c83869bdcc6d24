// Where the device key is, for every entry point: kioskctl, the web shell, the
// kiosk service and Electron all open the kiosk through openKiosk, which asks
// openDeviceKey, and nothing else reads or makes a device key. So no entry
// point can make a second key, and all look in the same order.
//
// The key lives in the KEY DIRECTORY, outside the data directory (default: the
// data directory's sibling `<data dir>-keys`, e.g. /var/lib/court-kiosk-keys;
// kiosk-config "keyDir" overrides it), sealed by the first of SEAL_ORDER this
// process can use (sealing.ts). The data directory records only the key's id
// (keys/device-key.id, not secret), so a copy of it elsewhere is named as
// "its key is not here" and never gets a fresh key of its own.
//
// Data directories of before (keys/device.key, or Electron's
// keys/device.key.safe, inside the data directory) are moved out by their
// first owner open: sealed into the key directory, the id recorded, the old
// file overwritten and removed; the kiosk logs device.key.moved. A read-only
// open of such a directory reads the old file in place and warns.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KioskError } from '../errors';
import { keyFileProblems, refuseUnsafe } from '../file-safety';
import { problem, type Problem } from '../../shared/problem';
import { DeviceKey } from './device-key';
import { loadDeviceKeyFile } from './key-file';
import { CRED_NAME, SEAL_ORDER, SEALED_FILE, bestSeal, sealInto, sealRank, shredFile, unseal, writeNewFile, type PlatformKeyStore, type SealKind } from './sealing';
import { SIGNING_KEY_FILE } from './signer';
import { openRecovery, sealRecovery } from './recovery';

/** In the data directory's keys/: the id of the key it was made under. */
export const KEY_ID_FILE = 'device-key.id';
/** In the data directory's keys/: where the key was before it moved out. */
const LEGACY: ReadonlyArray<{ name: string; kind: SealKind }> = [
  { name: 'device.key', kind: 'key-file' },
  { name: 'device.key.safe', kind: 'safe-storage' },
];

export function defaultKeyDir(dataDir: string): string {
  return `${path.resolve(dataDir)}-keys`;
}

export interface KeyStatus {
  readonly keyId: string;
  readonly kind: SealKind;
  /** How it is sealed: 'tpm2+host', 'host', a safeStorage backend, 'none'. */
  readonly by: string;
  /** The sealed file (or the credential systemd passed). */
  readonly location: string;
  readonly keyDir: string;
  /** For the administrator: the key is not sealed by the machine, or still inside the data directory. Null when all is well. */
  readonly warning: string | null;
}

export interface DeviceKeyOptions {
  readonly dataDir: string;
  readonly keyDir: string;
  /** The owner may create a key for a data directory never used, and move an old one out; a read-only open may not. */
  readonly create: boolean;
  readonly platform?: PlatformKeyStore | undefined;
  readonly env?: NodeJS.ProcessEnv;
}

const keyError = (file: string, rule: string, message: string): KioskError => new KioskError('environment', `${message} (rule ${rule})`, [problem(file, rule, message)]);

function warningFor(kind: SealKind, keyDir: string, passedOver: readonly string[]): string | null {
  if (kind !== 'key-file') return null;
  return `the device key is a plain 0600 file in ${keyDir}, not sealed by this machine (${passedOver.join('; ') || 'no sealing available'}): whoever copies ${keyDir} with the data directory can read every recording; seal it with \`kioskctl device rekey\` as root where systemd-creds is installed`;
}

/** The key, opened: only this module ever holds its bytes. */
export class DeviceKeyHandle {
  readonly #bytes: Buffer;
  readonly key: DeviceKey;
  #status: KeyStatus;
  readonly #opts: DeviceKeyOptions;

  constructor(bytes: Buffer, status: KeyStatus, opts: DeviceKeyOptions) {
    this.#bytes = Buffer.from(bytes);
    this.key = DeviceKey.fromBytes(bytes);
    this.#status = status;
    this.#opts = opts;
  }

  get status(): KeyStatus {
    return this.#status;
  }

  /**
   * Seals the key again by the best way this process has (`kioskctl device
   * rekey`): a plain key file becomes a systemd-creds credential once root runs
   * it, a host-sealed one binds to a TPM2 fitted since. Never to a weaker way.
   */
  reseal(): { from: KeyStatus; to: KeyStatus } {
    const from = this.#status;
    const best = bestSeal(this.#opts);
    if (sealRank(best.kind) < sealRank(from.kind)) {
      throw keyError(from.location, 'keys.rekey.weaker', `this process can seal only by ${best.kind} (${best.passedOver.join('; ')}), weaker than the current ${from.kind}: run kioskctl device rekey as root with the kiosk service stopped`);
    }
    makeKeyDir(this.#opts.keyDir);
    const { file, sealed } = sealInto(this.#opts.keyDir, best.kind, this.#bytes, this.#opts);
    const old = path.join(this.#opts.keyDir, SEALED_FILE[from.kind]);
    if (old !== file && fs.existsSync(old)) shredFile(old);
    this.#status = { ...from, kind: sealed.kind, by: sealed.by, location: file, warning: warningFor(sealed.kind, this.#opts.keyDir, best.passedOver) };
    return { from, to: this.#status };
  }

  /** Writes the key sealed with a passphrase into `dir` (`kioskctl device key export`); returns the file. */
  exportRecovery(dir: string, passphrase: string, deviceId: string): string {
    const file = path.join(dir, `court-kiosk-device-key-${this.#status.keyId}.recovery`);
    writeNewFile(file, sealRecovery(this.#bytes, this.#status.keyId, deviceId, passphrase));
    return file;
  }

  toJSON(): string {
    return '[DeviceKeyHandle]';
  }
}

function readId(file: string): string | null {
  try {
    const id = fs.readFileSync(file, 'utf8').trim();
    return /^[0-9a-f]{32}$/.test(id) ? id : null;
  } catch {
    return null;
  }
}

function writeId(file: string, id: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, `${id}\n`, { mode: 0o600, flag: 'wx' });
  fs.renameSync(tmp, file);
}

/** The sealed key in the key directory (first of SEAL_ORDER), or the credential systemd passed this service. */
function findSealed(keyDir: string, env: NodeJS.ProcessEnv): { file: string; kind: SealKind } | null {
  const passed = env.CREDENTIALS_DIRECTORY ? path.join(env.CREDENTIALS_DIRECTORY, CRED_NAME) : null;
  if (passed && fs.existsSync(passed)) return { file: passed, kind: 'systemd-creds' };
  for (const kind of SEAL_ORDER) {
    const file = path.join(keyDir, SEALED_FILE[kind]);
    if (fs.existsSync(file)) return { file, kind };
  }
  return null;
}

/**
 * A key directory others may write, or a file in it someone else owns, is
 * refused (env.key-dir.mode, env.key-file.owner): the key may have been swapped.
 */
export function keyDirProblems(keyDir: string): Problem[] {
  if (process.platform === 'win32') return [];
  const st = fs.statSync(keyDir, { throwIfNoEntry: false });
  if (!st) return [];
  const out: Problem[] = [];
  if ((st.mode & 0o022) !== 0) {
    out.push(problem(keyDir, 'env.key-dir.mode', `mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}: group or others may write the key directory, so they could swap the device key; it must be 0700 (chmod 700)`));
  }
  let names: string[] = [];
  try {
    names = fs.readdirSync(keyDir);
  } catch {
    // not readable by this user: unseal says so
  }
  // A credential root sealed (systemd-creds needs root) may be root's: root is no hostile neighbour.
  for (const name of names.sort()) {
    const file = path.join(keyDir, name);
    if (fs.statSync(file, { throwIfNoEntry: false })?.uid !== 0) out.push(...keyFileProblems(file));
  }
  return out;
}

/**
 * Makes the key directory (0700) when it is not there. The default one is the
 * data directory's sibling, so making it needs the parent's write access,
 * which a non-root kiosk user rarely has (/var/lib is root's): the appliance's
 * tmpfiles.d makes /var/lib/court-kiosk-keys for its service. Without it the
 * owner is told which directory to make, not a bare EACCES (env.key-dir.missing).
 */
function makeKeyDir(keyDir: string): void {
  try {
    fs.mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') throw e;
    throw keyError(
      keyDir,
      'env.key-dir.missing',
      `the key directory ${keyDir} does not exist and this user (uid ${process.getuid?.() ?? '?'}) may not make it in ${path.dirname(keyDir)} (${code}): make it 0700, owned by the kiosk's user (on the appliance: systemd-tmpfiles --create /usr/lib/tmpfiles.d/court-kiosk.conf), or set storage.keyDir in kiosk-config`,
    );
  }
}

function missing(o: DeviceKeyOptions, id: string | null): KioskError {
  const what = id ? `the device key of this data directory (key id ${id})` : 'no device key';
  return keyError(
    o.keyDir,
    'keys.device.missing',
    `${what} is not in ${o.keyDir}: nothing in ${o.dataDir} can be opened. A copy of a data directory is useless without its key, which stays on the machine that sealed it (PL-5.1); on that machine, restore the key directory or the key exported with kioskctl device key export`,
  );
}

/** The device key of `dataDir`, by the one order; see the top of this file. */
export function openDeviceKey(o: DeviceKeyOptions): { handle: DeviceKeyHandle; moved: { from: string; to: string; kind: SealKind } | null } {
  const env = o.env ?? process.env;
  const keysInData = path.join(o.dataDir, 'keys');
  const idFile = path.join(keysInData, KEY_ID_FILE);
  const recorded = readId(idFile);
  const used = fs.existsSync(path.join(keysInData, SIGNING_KEY_FILE));
  const legacy = LEGACY.map((l) => ({ file: path.join(keysInData, l.name), kind: l.kind })).find((l) => fs.existsSync(l.file)) ?? null;
  const fromLegacy = (): Buffer => (legacy!.kind === 'key-file' ? loadDeviceKeyFile(legacy!.file) : unseal(legacy!.file, legacy!.kind, o).key);

  const found = findSealed(o.keyDir, env);
  if (found) {
    if (found.file.startsWith(o.keyDir + path.sep)) refuseUnsafe(keyDirProblems(o.keyDir));
    const { key: bytes, sealed } = unseal(found.file, found.kind, o);
    const id = DeviceKey.fromBytes(bytes).id();
    if (recorded && recorded !== id) {
      throw keyError(found.file, 'keys.device.mismatch', `the device key in ${o.keyDir} (key id ${id}) is not the key ${o.dataDir} was made under (key id ${recorded}): nothing is opened`);
    }
    let moved = null;
    if (!recorded && (used || legacy)) {
      // A data directory made under some key, without the id: only its own old key may adopt it.
      const old = legacy ? fromLegacy() : null;
      if (!old || !old.equals(bytes)) throw keyError(found.file, 'keys.device.mismatch', `${o.dataDir} was made under another device key than the one in ${o.keyDir}: nothing is opened`);
    }
    if (o.create && !recorded) writeId(idFile, id);
    if (o.create && legacy) {
      // A move interrupted after sealing: finish it.
      shredFile(legacy.file);
      moved = { from: legacy.file, to: found.file, kind: found.kind };
    }
    // Why nothing stronger sealed it is asked only of a plain key file (it spawns systemd-creds).
    const warning = sealed.kind === 'key-file' ? warningFor(sealed.kind, o.keyDir, bestSeal(o).passedOver) : null;
    const status: KeyStatus = { keyId: id, kind: sealed.kind, by: sealed.by, location: found.file, keyDir: o.keyDir, warning };
    const handle = new DeviceKeyHandle(bytes, status, o);
    bytes.fill(0);
    return { handle, moved };
  }

  if (legacy) {
    const bytes = fromLegacy();
    const id = DeviceKey.fromBytes(bytes).id();
    if (!o.create) {
      const status: KeyStatus = {
        keyId: id, kind: legacy.kind, by: 'none', location: legacy.file, keyDir: o.keyDir,
        warning: `the device key is still inside the data directory (${legacy.file}): a copy of the data directory opens everything until the kiosk service (or any data-changing kioskctl command) moves it to ${o.keyDir}`,
      };
      return { handle: new DeviceKeyHandle(bytes, status, o), moved: null };
    }
    const best = bestSeal(o);
    makeKeyDir(o.keyDir);
    const { file, sealed } = sealInto(o.keyDir, best.kind, bytes, o);
    writeId(idFile, id);
    shredFile(legacy.file);
    const status: KeyStatus = { keyId: id, kind: sealed.kind, by: sealed.by, location: file, keyDir: o.keyDir, warning: warningFor(sealed.kind, o.keyDir, best.passedOver) };
    const handle = new DeviceKeyHandle(bytes, status, o);
    bytes.fill(0);
    return { handle, moved: { from: legacy.file, to: file, kind: sealed.kind } };
  }

  // No key anywhere: only a data directory never used gets a new one, and only from its owner.
  if (recorded || used || !o.create) throw missing(o, recorded);
  const bytes = crypto.randomBytes(32);
  const best = bestSeal(o);
  makeKeyDir(o.keyDir);
  refuseUnsafe(keyDirProblems(o.keyDir));
  const { file, sealed } = sealInto(o.keyDir, best.kind, bytes, o);
  const id = DeviceKey.fromBytes(bytes).id();
  writeId(idFile, id);
  const status: KeyStatus = { keyId: id, kind: sealed.kind, by: sealed.by, location: file, keyDir: o.keyDir, warning: warningFor(sealed.kind, o.keyDir, best.passedOver) };
  const handle = new DeviceKeyHandle(bytes, status, o);
  bytes.fill(0);
  return { handle, moved: null };
}

/**
 * Puts back a device key from its recovery file (`device key export`) on a
 * machine that lost it: only into an empty key directory, only the key this
 * data directory was made under, sealed by the best way this process has.
 * Returns where it went; the caller authenticates the two people and logs
 * it, or calls `shredFile` on `file` (kioskctl device key restore).
 */
export function restoreDeviceKey(o: DeviceKeyOptions, recoveryFile: string, passphrase: string): { keyId: string; file: string; kind: SealKind; by: string } {
  const env = o.env ?? process.env;
  const there = findSealed(o.keyDir, env);
  if (there) throw keyError(there.file, 'keys.restore.present', `a device key is already in ${o.keyDir}: a recovery file is put back only where the key was lost`);
  const recorded = readId(path.join(o.dataDir, 'keys', KEY_ID_FILE));
  if (!recorded) throw keyError(o.dataDir, 'keys.restore.no-id', `${o.dataDir} names no device key (keys/${KEY_ID_FILE}): restore its data first (docs/storage.md, Recovery)`);
  const { key } = openRecovery(fs.readFileSync(recoveryFile, 'utf8'), passphrase);
  try {
    const id = DeviceKey.fromBytes(key).id();
    if (id !== recorded) throw keyError(recoveryFile, 'keys.restore.mismatch', `${recoveryFile} holds key id ${id}, but ${o.dataDir} was made under key id ${recorded}: nothing was put back`);
    makeKeyDir(o.keyDir);
    const best = bestSeal(o);
    const { file, sealed } = sealInto(o.keyDir, best.kind, key, o);
    return { keyId: id, file, kind: sealed.kind, by: sealed.by };
  } finally {
    key.fill(0);
  }
}
