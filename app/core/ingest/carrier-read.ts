// Reading from a carrier: never trusted, never allowed to hang the kiosk.
// Every read races a time-out (a dying USB stick can block a read forever in
// the kernel; the promise is abandoned, the kiosk goes on and says why).
import fs from 'node:fs';
import { KioskError } from '../errors';

export const DEFAULT_READ_TIMEOUT_MS = 30_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KioskError('environment', `carrier read timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export interface CarrierFile {
  readonly size: number;
  read(offset: number, length: number): Promise<Buffer>;
  /** Fills `into` from `position` as far as the file goes (each read under the time-out); the import pipeline's source. */
  readAt(into: Buffer, position: number): Promise<number>;
  chunks(chunkSize?: number): AsyncIterable<Uint8Array>;
  close(): Promise<void>;
}

/** Opens a regular file on a carrier (O_NOFOLLOW: a symlink swapped in after validation is refused). */
export async function openCarrierFile(file: string, timeoutMs = DEFAULT_READ_TIMEOUT_MS): Promise<CarrierFile> {
  const fh = await withTimeout(fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK), timeoutMs, file);
  const st = await withTimeout(fh.stat(), timeoutMs, file);
  if (!st.isFile()) {
    await fh.close();
    throw new KioskError('invalid-input', `not a regular file: ${file}`);
  }
  const read = async (offset: number, length: number): Promise<Buffer> => {
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await withTimeout(fh.read(buf, got, length - got, offset + got), timeoutMs, file);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === length ? buf : buf.subarray(0, got);
  };
  const readAt = async (into: Buffer, position: number): Promise<number> => {
    let got = 0;
    while (got < into.length) {
      const { bytesRead } = await withTimeout(fh.read(into, got, into.length - got, position + got), timeoutMs, file);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got;
  };
  return {
    size: st.size,
    read,
    readAt,
    async *chunks(chunkSize = 2 << 20) {
      // Read one chunk ahead, so the carrier is read while the previous chunk
      // is hashed and encrypted (one pass, but not one thing at a time).
      let offset = 0;
      let next: Promise<Buffer> | null = read(0, chunkSize);
      while (next) {
        const b: Buffer = await next;
        if (b.length === 0) return;
        offset += b.length;
        next = b.length === chunkSize ? read(offset, chunkSize) : null;
        next?.catch(() => undefined); // surfaced when awaited
        yield b;
      }
    },
    close: () => fh.close(),
  };
}
