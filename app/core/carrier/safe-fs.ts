// File access for carriers. A carrier is hostile input on failing hardware:
// every call has a time-out (a dying USB drive can block a read for minutes),
// nothing is followed or opened unless lstat says it is a plain file or
// directory, and a file is opened O_NOFOLLOW|O_NONBLOCK and re-checked with
// fstat so a FIFO or symlink swapped in after lstat is neither followed nor
// waited on.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { Stats } from 'node:fs';

export const DEFAULT_READ_TIMEOUT_MS = 30_000;
const CHUNK_BYTES = 1 << 20;

/** A carrier operation that did not complete in time; the caller turns it into `carrier.read-timeout`. */
export class CarrierTimeoutError extends Error {
  override readonly name = 'CarrierTimeoutError';
  constructor(
    readonly file: string,
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`${operation} of ${file} did not complete within ${timeoutMs} ms`);
  }
}

/** An entry that is not what lstat said (a special file, or swapped since). */
export class CarrierFileError extends Error {
  override readonly name = 'CarrierFileError';
  constructor(
    readonly file: string,
    readonly rule: 'carrier.special-file' | 'carrier.file-changed',
    message: string,
  ) {
    super(message);
  }
}

export interface CarrierIo {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Races an fs promise against the time-out and the abort signal. The losing
 * fs call cannot be cancelled (libuv); it is left to finish on its own and
 * `onLate` may clean up what it yields (e.g. close a late file handle).
 */
export function withTimeout<T>(
  io: CarrierIo,
  op: Promise<T>,
  file: string,
  operation: string,
  onLate?: (value: T) => void,
): Promise<T> {
  io.signal?.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (): void => {
      settled = true;
      clearTimeout(timer);
      io.signal?.removeEventListener('abort', onAbort);
    };
    const timer = setTimeout(() => {
      if (settled) return;
      finish();
      reject(new CarrierTimeoutError(file, operation, io.timeoutMs));
    }, io.timeoutMs);
    const onAbort = (): void => {
      if (settled) return;
      finish();
      reject(io.signal?.reason);
    };
    io.signal?.addEventListener('abort', onAbort, { once: true });
    op.then(
      (v) => {
        if (settled) {
          onLate?.(v);
          return;
        }
        finish();
        resolve(v);
      },
      (e: unknown) => {
        if (settled) return;
        finish();
        reject(e);
      },
    );
  });
}

export function lstat(io: CarrierIo, abs: string, file: string): Promise<Stats> {
  return withTimeout(io, fsp.lstat(abs), file, 'lstat');
}

/** lstat, or null when the path does not exist. */
export async function lstatIfExists(io: CarrierIo, abs: string, file: string): Promise<Stats | null> {
  try {
    return await lstat(io, abs, file);
  } catch (e) {
    if (isNodeError(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return null;
    throw e;
  }
}

/** Directory entries as raw bytes: a name that is not UTF-8 must be reported, not silently mangled. */
export function readdirRaw(io: CarrierIo, abs: string, file: string): Promise<Buffer[]> {
  return withTimeout(io, fsp.readdir(abs, { encoding: 'buffer' }), file, 'readdir');
}

export function describeSpecial(st: Stats): string | null {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isFile() || st.isDirectory()) return null;
  return 'a special file';
}

export function isNodeError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string';
}

const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

/**
 * Opens a file that lstat reported as regular. `expected` is that lstat; the
 * opened handle must be the same inode, still a regular file.
 */
export async function openRegular(io: CarrierIo, abs: string, file: string, expected?: Stats): Promise<fsp.FileHandle> {
  let handle: fsp.FileHandle;
  try {
    handle = await withTimeout(io, fsp.open(abs, OPEN_FLAGS), file, 'open', (late) => void late.close().catch(() => {}));
  } catch (e) {
    if (isNodeError(e) && e.code === 'ELOOP') {
      throw new CarrierFileError(file, 'carrier.special-file', `${file} is a symbolic link; links are never followed`);
    }
    throw e;
  }
  try {
    const st = await withTimeout(io, handle.stat(), file, 'fstat');
    if (!st.isFile()) {
      throw new CarrierFileError(file, 'carrier.special-file', `${file} is ${describeSpecial(st) ?? 'not a regular file'}; it is not read`);
    }
    if (expected && (st.ino !== expected.ino || st.dev !== expected.dev)) {
      throw new CarrierFileError(file, 'carrier.file-changed', `${file} was replaced while the package was being checked`);
    }
    return handle;
  } catch (e) {
    closeQuietly(handle);
    throw e;
  }
}

/** Close, waiting at most the time-out: a dead drive may never answer, and nothing depends on it. */
export async function closeBounded(io: CarrierIo, handle: fsp.FileHandle): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, io.timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([handle.close().catch(() => {}), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Close without waiting: a dead drive may never answer, and nothing depends on it. */
export function closeQuietly(handle: fsp.FileHandle): void {
  void handle.close().catch(() => {});
}

/**
 * Reads a file in chunks, each read under the time-out. The yielded array is a
 * view of a reused buffer: valid until the next iteration.
 */
export async function* readChunks(
  io: CarrierIo,
  handle: fsp.FileHandle,
  file: string,
  maxBytes = Number.POSITIVE_INFINITY,
): AsyncGenerator<Uint8Array> {
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  let total = 0;
  for (;;) {
    const { bytesRead } = await withTimeout(io, handle.read(buf, 0, buf.length, null), file, 'read');
    if (bytesRead === 0) return;
    total += bytesRead;
    if (total > maxBytes) throw new FileTooLargeError(file, maxBytes);
    yield buf.subarray(0, bytesRead);
  }
}

export class FileTooLargeError extends Error {
  override readonly name = 'FileTooLargeError';
  constructor(
    readonly file: string,
    readonly maxBytes: number,
  ) {
    super(`${file} is larger than ${maxBytes} bytes`);
  }
}

/** Reads a small file whole (bagit.txt), bounded by `maxBytes`. */
export async function readSmallFile(io: CarrierIo, abs: string, file: string, maxBytes: number, expected?: Stats): Promise<Buffer> {
  const handle = await openRegular(io, abs, file, expected);
  try {
    const parts: Buffer[] = [];
    for await (const chunk of readChunks(io, handle, file, maxBytes)) parts.push(Buffer.from(chunk));
    return Buffer.concat(parts);
  } finally {
    await closeBounded(io, handle);
  }
}
