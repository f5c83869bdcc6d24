// A ballast file: a few MiB of the data directory's disk held back from
// everyone. When the disk fills under a running session (another process, a
// log that grew, a replica gone wrong), the viewing log's next write fails;
// releasing the ballast gives SQLite room to write that entry and the
// session's closing one, so the session ends with its reason recorded
// instead of vanishing. The owner recreates it when space returns.
import fs from 'node:fs';

export const BALLAST_BYTES = 8 * 1024 * 1024;

export class Ballast {
  constructor(
    private readonly file: string,
    private readonly bytes = BALLAST_BYTES,
  ) {}

  present(): boolean {
    try {
      return fs.statSync(this.file).size >= this.bytes;
    } catch {
      return false;
    }
  }

  /** Creates the ballast when it is missing; false (and nothing left behind) when the disk has no room for it. */
  ensure(): boolean {
    if (this.present()) return true;
    const chunk = Buffer.alloc(1024 * 1024);
    let fd: number | undefined;
    try {
      // Real blocks, not a sparse hole: zeros are written, then synced.
      fd = fs.openSync(this.file, 'w', 0o600);
      for (let done = 0; done < this.bytes; done += chunk.length) fs.writeSync(fd, chunk, 0, Math.min(chunk.length, this.bytes - done));
      fs.fsyncSync(fd);
      return true;
    } catch {
      if (fd !== undefined) fs.closeSync(fd);
      fd = undefined;
      fs.rmSync(this.file, { force: true });
      return false;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  /** Frees the ballast's space; true when there was one to free. */
  release(): boolean {
    try {
      fs.unlinkSync(this.file);
      return true;
    } catch {
      return false;
    }
  }
}
