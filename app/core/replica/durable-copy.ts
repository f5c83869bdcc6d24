// Durable writes for the replica and for repairs: a scratch file in the
// target's staging directory, fsync, rename into place, fsync the directory,
// so a crash leaves the old file or the new one, never a torn one.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir, fsyncDirSync } from '../fsync-dir';


/** Copies `src` to `dest` (replacing it) through `stagingDir`, which must be on dest's file system; the result is 0400, like every object. */
export async function copyDurable(src: string, dest: string, stagingDir: string): Promise<void> {
  const part = path.join(stagingDir, `${crypto.randomBytes(8).toString('hex')}.copy.part`);
  try {
    await fsp.copyFile(src, part, fs.constants.COPYFILE_EXCL);
    const fh = await fsp.open(part, 'r+');
    try {
      await fh.sync();
      await fh.chmod(0o400);
    } finally {
      await fh.close();
    }
    const dir = path.dirname(dest);
    if (!fs.existsSync(dir)) {
      await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
      await fsyncDir(path.dirname(dir));
    }
    await fsp.rename(part, dest);
    await fsyncDir(dir);
  } catch (e) {
    await fsp.rm(part, { force: true });
    throw e;
  }
}

/** Writes `bytes` to `dest` (replacing it) through `stagingDir`, synchronously: for use inside a SQLite transaction. */
export function writeDurableSync(dest: string, bytes: Uint8Array, stagingDir: string, mode = 0o600): void {
  const part = path.join(stagingDir, `${crypto.randomBytes(8).toString('hex')}.write.part`);
  try {
    const fd = fs.openSync(part, 'wx', mode);
    try {
      let off = 0;
      while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(part, dest);
    fsyncDirSync(path.dirname(dest));
  } catch (e) {
    fs.rmSync(part, { force: true });
    throw e;
  }
}

export async function removeDurable(file: string): Promise<boolean> {
  try {
    await fsp.unlink(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  await fsyncDir(path.dirname(file));
  return true;
}
