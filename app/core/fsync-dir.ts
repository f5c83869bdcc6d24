// fsync of a directory: what makes a rename or unlink in it survive a power
// cut. One copy for every writer (store, replica, exports, keys, BagIt).
import fs from 'node:fs';
import fsp from 'node:fs/promises';

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export function fsyncDirSync(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
