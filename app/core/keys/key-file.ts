// The device key file: created once at provisioning, then only read. We refuse
// a file others could read rather than silently chmod it, because a key that
// has been readable may already be copied; court IT must decide (re-provision).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KioskError } from '../errors';
import { DEVICE_KEY_LEN } from './device-key';
import { fsyncDirSync as fsyncDir } from '../fsync-dir';

export { fsyncDir };

/** Mode bits only make sense on POSIX; on Windows the data directory's ACL must protect the file. */
const CHECK_MODE = process.platform !== 'win32';

export function loadOrCreateDeviceKeyFile(file: string): Buffer {
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    return loadDeviceKeyFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return create(file, dir);
  }
}

/** Reads the existing key file (read-only commands never create one); ENOENT passes through. */
export function loadDeviceKeyFile(file: string): Buffer {
  const st = fs.lstatSync(file);
  if (!st.isFile()) {
    throw new KioskError('environment', `device key file ${file} is not a regular file (rule keys.file.type)`);
  }
  if (CHECK_MODE && (st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
    throw new KioskError(
      'environment',
      `device key file ${file} has mode ${mode}; group/other may not have any access (rule keys.file.mode). ` +
        'Treat the key as exposed: re-provision the device, or chmod 600 if you are sure it was never read.',
    );
  }
  if (st.size !== DEVICE_KEY_LEN) {
    throw new KioskError(
      'environment',
      `device key file ${file} is ${st.size} bytes, expected ${DEVICE_KEY_LEN} (rule keys.file.size)`,
    );
  }
  const b = fs.readFileSync(file);
  if (b.length !== DEVICE_KEY_LEN) {
    throw new KioskError('environment', `device key file ${file} changed while reading (rule keys.file.size)`);
  }
  return b;
}

function create(file: string, dir: string): Buffer {
  const key = crypto.randomBytes(DEVICE_KEY_LEN);
  let fd: number;
  try {
    // 'wx': never overwrite a key another process created in the meantime.
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateDeviceKeyFile(file);
    throw e;
  }
  try {
    fs.writeSync(fd, key);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fsyncDir(dir);
  return key;
}
