// Writes a new file with O_DIRECT: from aligned 4 MiB blocks straight to the
// disk, past the page cache. On this VM a buffered write of 1 GiB costs the
// kernel 0.3-2.1 CPU-s (copy into the page cache, dirty accounting, the
// write-back threads) and varies fourfold from minute to minute; the same
// gibibyte written with O_DIRECT costs 0.15-0.3 CPU-s and takes 0.53-0.9 s
// every time (`dd oflag=direct`, docs/perf/). Those CPU seconds are the ones
// the hash worker and the cipher need on two cores. Stored objects and
// exported copies are written once and not read back soon, so the page
// cache gains nothing from holding them.
//
// O_DIRECT needs the memory, the file offset and the length aligned to the
// device's logical block. Node cannot ask for aligned memory, but a
// WebAssembly memory starts on a page boundary, so the blocks are taken from
// one each. Pieces of any size and alignment are copied into the current
// block (one memcpy, cheaper than the kernel's copy it replaces); a full block
// is written while the next ones fill. A whole aligned slot (slots.ts) is
// written from where it lies, without the copy. The tail is padded to the alignment,
// written, and cut back with ftruncate; the caller fsyncs once at the end, as
// for any file, for the file's size and extents.
//
// An O_DIRECT write completes once the device has the data, which may still
// be in its volatile cache (this VM's disk is cached by its host): a final
// fsync of a gibibyte written so took 0.5-0.6 s, with the cores idle, after
// 0.3 s of writes. So fdatasync runs behind the writes every 64 MiB, as for
// the page cache below, and the flushing overlaps the hashing and the cipher:
// an export's pipeline took a median 1.96 s a GiB against 2.17 s without it,
// in five interleaved runs (docs/performance.md, 2026-12-06).
//
// Where the file system has no O_DIRECT (tmpfs before Linux 6.6: open fails
// with EINVAL) or refuses the first aligned write, the same blocks are written
// through the page cache, with the same fdatasync every 64 MiB, so the final
// fsync does not pay for gigabytes kept dirty.
import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import { isAligned } from './slots';

/**
 * Block size: the size of each write of copied pieces. 2 and 4 MiB write a
 * gibibyte equally fast here (docs/perf/); 2 MiB puts the first bytes of a
 * file on disk sooner and holds less memory.
 */
export const DIRECT_BLOCK_BYTES = 2 << 20;
/** Alignment of offsets, lengths and memory: 4096 covers 512- and 4096-byte logical blocks. */
export const DIRECT_ALIGN = 4096;
const ALIGN = DIRECT_ALIGN;
const WASM_PAGE = 64 * 1024;
/** Blocks kept for reuse across files. */
const KEEP = 6;
/**
 * Writes in flight. With one, the disk idles from the end of each write
 * until the next block is full and submitted: an import took 2.1-2.3 s a
 * GiB against 1.0-1.4 s with two to four, in alternating runs of
 * bench/import (docs/perf/). Through the page cache more than one hurt (ext4's
 * inode lock spun, `perf` in docs/perf/before); with O_DIRECT each write goes
 * to the device, and the next is queued behind it.
 */
const MAX_IN_FLIGHT = 3;
const EARLY_SYNC_BYTES = 64 << 20;

const free: Buffer[] = [];
const ZEROS = Buffer.alloc(DIRECT_BLOCK_BYTES);

function takeBlock(): Buffer {
  return free.pop() ?? Buffer.from(new WebAssembly.Memory({ initial: DIRECT_BLOCK_BYTES / WASM_PAGE }).buffer);
}

/** Memory handed out by alignedSharedBuffer: page-aligned, so writeAligned may write it as it lies. */
const alignedMemory = new WeakSet<ArrayBufferLike>();

/**
 * Shared memory of at least `bytes`, starting on a page boundary (a shared
 * WebAssembly memory), for a worker to fill and writeAligned to write.
 */
export function alignedSharedBuffer(bytes: number): Buffer {
  const pages = Math.ceil(bytes / WASM_PAGE);
  const sab = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }).buffer;
  alignedMemory.add(sab);
  return Buffer.from(sab);
}

/** Takes a block back; `wipe` zeroes what it held (plaintext must not outlive its write). */
function giveBlock(b: Buffer, used: number, wipe: boolean): void {
  if (wipe) b.set(ZEROS.subarray(0, used));
  if (free.length < KEEP) free.push(b);
}

export interface DirectFileSinkOptions {
  /** Open flags besides write-only (default: create, fail if it exists). */
  exclusive?: boolean;
  mode?: number;
  /** Try O_DIRECT (default true); false writes through the page cache. */
  direct?: boolean;
  /**
   * Zero each block once written (default true): for plaintext, as an
   * export writes. Ciphertext (a stored object) need not be wiped, which
   * saves a pass over every byte.
   */
  wipe?: boolean;
}

function isEinval(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | null)?.code === 'EINVAL';
}

export class DirectFileSink {
  #fh: FileHandle;
  #direct: boolean;
  #block: Buffer | null = null;
  #fill = 0;
  /** Bytes accepted so far: the file's final length. */
  #pos = 0;
  /** Bytes handed to write calls (whole blocks). */
  #written = 0;
  #syncedUpTo = 0;
  readonly #inFlight: Promise<void>[] = [];
  #syncing: Promise<void> | undefined;
  #failed: unknown;
  /** True once a write with O_DIRECT has succeeded. */
  #proven = false;

  private constructor(
    readonly path: string,
    fh: FileHandle,
    direct: boolean,
    private readonly wipe: boolean,
  ) {
    this.#fh = fh;
    this.#direct = direct;
  }

  /** Creates `file` for writing, with O_DIRECT where its file system has it. */
  static async create(file: string, opts: DirectFileSinkOptions = {}): Promise<DirectFileSink> {
    const c = fs.constants;
    const base = c.O_WRONLY | c.O_CREAT | (opts.exclusive === false ? c.O_TRUNC : c.O_EXCL);
    const mode = opts.mode ?? 0o600;
    if (opts.direct !== false && c.O_DIRECT !== undefined) {
      try {
        return new DirectFileSink(file, await fsp.open(file, base | c.O_DIRECT, mode), true, opts.wipe ?? true);
      } catch (e) {
        if (!isEinval(e)) throw e;
      }
    }
    return new DirectFileSink(file, await fsp.open(file, base, mode), false, opts.wipe ?? true);
  }

  /** The open file: for fsync, chmod and close once finish() has resolved. */
  get fh(): FileHandle {
    return this.#fh;
  }

  /** True while the file is written with O_DIRECT. */
  get direct(): boolean {
    return this.#direct;
  }

  /**
   * Writes `pieces` at the next offset. A whole aligned slot (an export's
   * plaintext, see slots.ts) goes to the disk as it is, and `written` settles
   * when it is there; the caller keeps it until then. Anything else is copied
   * into a block and is the caller's again at once. Waits only while as
   * many writes as allowed are in flight.
   */
  async write(pieces: readonly Uint8Array[]): Promise<{ written: Promise<void> }> {
    if (this.#failed !== undefined) throw this.#failed;
    const adopted: Promise<void>[] = [];
    for (const p of pieces) {
      if (this.#direct && this.#fill === 0 && p.byteLength > 0 && p.byteLength % ALIGN === 0 && isAligned(p)) {
        this.#pos += p.byteLength;
        adopted.push((await this.#submit(Buffer.from(p.buffer, p.byteOffset, p.byteLength))).done);
        continue;
      }
      let off = 0;
      while (off < p.byteLength) {
        this.#block ??= takeBlock();
        const n = Math.min(p.byteLength - off, DIRECT_BLOCK_BYTES - this.#fill);
        this.#block.set(p.subarray(off, off + n), this.#fill);
        this.#fill += n;
        this.#pos += n;
        off += n;
        if (this.#fill === DIRECT_BLOCK_BYTES) await this.#submitBlock(DIRECT_BLOCK_BYTES);
      }
    }
    return { written: adopted.length ? Promise.all(adopted).then(() => undefined) : Promise.resolve() };
  }

  /**
   * Writes the `len` bytes at `lead` of `buf` (from alignedSharedBuffer) at
   * the next offset, mostly without a copy: `lead` must be the file's length
   * modulo the alignment, and the buffer's first `lead` bytes are free, so
   * the bytes of the file's last partial block go there and the buffer is
   * written from its start as it lies. What is left past its last whole
   * block is copied into a new block, to go before the next bytes. The
   * caller keeps `buf` until `written` settles. Through the page cache, or
   * when `lead` does not match, the bytes are copied as by write().
   */
  async writeAligned(buf: Buffer, lead: number, len: number): Promise<{ written: Promise<void> }> {
    if (this.#failed !== undefined) throw this.#failed;
    const carry = this.#fill % ALIGN;
    if (!this.#direct || lead !== carry || buf.byteOffset !== 0 || !alignedMemory.has(buf.buffer) || lead + len > buf.length) {
      return this.write([buf.subarray(lead, lead + len)]);
    }
    if (this.#block) {
      // #written is always aligned, so the block's last `carry` bytes are the partial block.
      buf.set(this.#block.subarray(this.#fill - carry, this.#fill), 0);
      if (this.#fill > carry) await this.#submitBlock(this.#fill - carry);
      else {
        giveBlock(this.#block, this.#fill, this.wipe);
        this.#block = null;
        this.#fill = 0;
      }
    }
    const total = carry + len;
    const whole = total - (total % ALIGN);
    this.#pos += len;
    let written: Promise<void> = Promise.resolve();
    if (whole > 0) written = (await this.#submit(buf.subarray(0, whole))).done;
    if (total > whole) {
      this.#block = takeBlock();
      this.#block.set(buf.subarray(whole, total), 0);
      this.#fill = total - whole;
    }
    return { written };
  }

  /** Writes the tail and waits for every write; the caller then fsyncs. Throws the first failure. */
  async finish(): Promise<void> {
    if (this.#failed !== undefined) throw this.#failed;
    if (this.#fill > 0) {
      const length = this.#direct ? Math.ceil(this.#fill / ALIGN) * ALIGN : this.#fill;
      // The padding, cut off again by the truncate below, is zeros rather than what an earlier file left.
      this.#block!.fill(0, this.#fill, length);
      await this.#submitBlock(length);
    }
    while (this.#inFlight.length) await this.#inFlight.shift();
    await this.#syncing;
    if (this.#written > this.#pos) await this.#fh.truncate(this.#pos);
  }

  /** After a failure: lets pending writes end (their blocks go back) before the file is closed and removed. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#inFlight.splice(0), this.#syncing]);
    if (this.#block) giveBlock(this.#block, this.#fill, this.wipe);
    this.#block = null;
    this.#fill = 0;
  }

  /** Hands the current block (its first `length` bytes) to a write; it goes back to the pool once written. */
  async #submitBlock(length: number): Promise<void> {
    const block = this.#block!;
    const used = this.#fill;
    this.#block = null;
    this.#fill = 0;
    const { done } = await this.#submit(block.subarray(0, length));
    done.then(
      () => giveBlock(block, used, this.wipe),
      () => giveBlock(block, used, this.wipe),
    );
  }

  /**
   * Starts writing `data` at the next block offset once there is room in
   * flight; returns the write (which never rejects unobserved: a failure
   * is also kept for the next write() or finish()).
   */
  async #submit(data: Buffer): Promise<{ done: Promise<void> }> {
    while (this.#inFlight.length >= this.#maxInFlight()) await this.#inFlight.shift();
    const at = this.#written;
    this.#written += data.length;
    const done = this.#writeBlock(data, at).catch((e: unknown) => {
      this.#failed ??= e;
      throw e;
    });
    done.catch(() => undefined);
    this.#inFlight.push(done);
    if (this.#written - this.#syncedUpTo >= EARLY_SYNC_BYTES && !this.#syncing) {
      this.#syncedUpTo = this.#written;
      this.#syncing = Promise.all(this.#inFlight)
        .then(() => this.#fh.datasync())
        .finally(() => {
          this.#syncing = undefined;
        });
      this.#syncing.catch(() => undefined);
    }
    return { done };
  }

  async #writeBlock(data: Buffer, at: number): Promise<void> {
    let done = 0;
    while (done < data.length) {
      let n: number;
      try {
        ({ bytesWritten: n } = await this.#fh.write(data, done, data.length - done, at + done));
      } catch (e) {
        // A file system that opened with O_DIRECT but refuses it on the first write: go through the page cache.
        if (!(this.#direct && at === 0 && done === 0 && isEinval(e))) throw e;
        await this.#reopenBuffered();
        continue;
      }
      done += n;
    }
    this.#proven ||= this.#direct;
  }

  /**
   * Several writes only once O_DIRECT has taken one (until then the first may
   * still fall back), and one through the page cache (see MAX_IN_FLIGHT).
   */
  #maxInFlight(): number {
    return this.#direct && this.#proven ? MAX_IN_FLIGHT : 1;
  }

  async #reopenBuffered(): Promise<void> {
    const buffered = await fsp.open(this.path, fs.constants.O_WRONLY);
    await this.#fh.close();
    this.#fh = buffered;
    this.#direct = false;
  }
}
