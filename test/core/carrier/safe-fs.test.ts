// A carrier read that never completes (a dying drive) must end in a
// time-out, not hang the kiosk. A FIFO with no writer is a real file whose
// open blocks in the kernel, exactly like a stuck device read.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CarrierTimeoutError, openRegular, withTimeout } from '../../../app/core/carrier/safe-fs';
import { removeDir, tempDir } from './helpers';

let tmp: string;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => removeDir(tmp));

describe('carrier file access', () => {
  it('rejects a blocked read with a time-out error naming the file', async () => {
    const fifo = path.join(tmp, 'stuck');
    execFileSync('mkfifo', [fifo]);
    let lateHandle: fsp.FileHandle | null = null;
    const blocked = withTimeout({ timeoutMs: 200 }, fsp.open(fifo, 'r'), 'data/stuck', 'open', (h) => {
      lateHandle = h;
      void h.close();
    });
    await expect(blocked).rejects.toBeInstanceOf(CarrierTimeoutError);
    await expect(blocked).rejects.toMatchObject({ file: 'data/stuck', operation: 'open' });
    // Release the thread the blocked open holds: a writer arrives, the open completes late and is closed.
    const w = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    fs.closeSync(w);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lateHandle).not.toBeNull();
  });

  it('opens a FIFO without blocking and refuses it as a special file', async () => {
    const fifo = path.join(tmp, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await expect(openRegular({ timeoutMs: 60_000 }, fifo, 'data/pipe')).rejects.toMatchObject({ rule: 'carrier.special-file', file: 'data/pipe' });
  });

  it('refuses to open through a symbolic link', async () => {
    fs.writeFileSync(path.join(tmp, 'target'), 'x');
    fs.symlinkSync(path.join(tmp, 'target'), path.join(tmp, 'link'));
    await expect(openRegular({ timeoutMs: 60_000 }, path.join(tmp, 'link'), 'link')).rejects.toMatchObject({ rule: 'carrier.special-file' });
  });

  it('refuses a file replaced after it was listed', async () => {
    const f = path.join(tmp, 'f');
    fs.writeFileSync(f, 'x');
    const before = fs.lstatSync(f);
    fs.rmSync(f);
    fs.writeFileSync(path.join(tmp, 'g'), 'other'); // keep the old inode number from being reused at once
    fs.writeFileSync(f, 'y');
    const after = fs.lstatSync(f);
    if (after.ino === before.ino) return; // the file system reused the inode; nothing to prove here
    await expect(openRegular({ timeoutMs: 60_000 }, f, 'f', before)).rejects.toMatchObject({ rule: 'carrier.file-changed' });
  });
});
