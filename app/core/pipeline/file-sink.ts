// Writes a file as a sequence of batches, each at its own offset, in flight
// while the next batch is hashed or encrypted, so the CPU work never waits for
// the write and the disk never waits for the CPU work. One write at a time by
// default: two writes to one ext4 file contend for its inode lock, and with
// four in flight `perf` showed the kernel spinning on it (rwsem_spin_on_owner)
// and the export taking 4.3 CPU-s per GiB instead of 1.8 (docs/perf/). Every
// 64 MiB it starts write-back (fdatasync behind the writes): otherwise the
// kernel keeps gigabytes dirty and the final fsync pays for all of it after
// the CPU work is done. The caller fsyncs once at the end.
import type { FileHandle } from 'node:fs/promises';

export interface FileSinkOptions {
  /** Writes in flight before write() waits (default 1, see above). */
  maxInFlight?: number;
  /** Start write-back after this many bytes since the last (default 64 MiB). */
  earlySyncBytes?: number;
}

export class FileSink {
  #pos = 0;
  #syncedUpTo = 0;
  readonly #inFlight: Promise<void>[] = [];
  #syncing: Promise<void> | undefined;
  readonly #max: number;
  readonly #early: number;

  constructor(
    private readonly fh: FileHandle,
    opts: FileSinkOptions = {},
  ) {
    this.#max = opts.maxInFlight ?? 1;
    this.#early = opts.earlySyncBytes ?? 64 << 20;
  }

  get position(): number {
    return this.#pos;
  }

  /**
   * Queues `pieces` at the next offset, waiting only while too many writes
   * are in flight; `written` settles when these bytes are in the file (the
   * caller must not reuse their memory before).
   */
  async write(pieces: readonly Uint8Array[]): Promise<{ written: Promise<void> }> {
    while (this.#inFlight.length >= this.#max) await this.#inFlight.shift();
    let n = 0;
    for (const p of pieces) n += p.byteLength;
    const at = this.#pos;
    this.#pos += n;
    const written = writeAll(this.fh, pieces, at);
    written.catch(() => undefined); // surfaced by finish() or by the caller awaiting it
    this.#inFlight.push(written);
    if (this.#pos - this.#syncedUpTo >= this.#early && !this.#syncing) {
      this.#syncedUpTo = this.#pos;
      this.#syncing = Promise.all(this.#inFlight)
        .then(() => this.fh.datasync())
        .finally(() => {
          this.#syncing = undefined;
        });
      this.#syncing.catch(() => undefined);
    }
    return { written };
  }

  /** Every write done and any write-back started has finished; throws the first failure. */
  async finish(): Promise<void> {
    while (this.#inFlight.length) await this.#inFlight.shift();
    await this.#syncing;
  }

  /** After a failure: lets pending writes end before the file is closed and removed. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#inFlight, this.#syncing]);
  }
}

/** pwritev until every byte is written: writev may write partially, and IOV_MAX caps the pieces per call. */
async function writeAll(fh: FileHandle, pieces: readonly Uint8Array[], at: number): Promise<void> {
  let pos = at;
  for (let i = 0; i < pieces.length; i += 512) {
    let group = pieces.slice(i, i + 512);
    while (group.length) {
      const { bytesWritten } = await fh.writev(group as Uint8Array[] as NodeJS.ArrayBufferView[], pos);
      pos += bytesWritten;
      let left = bytesWritten;
      while (group.length && left >= (group[0] as Uint8Array).byteLength) {
        left -= (group[0] as Uint8Array).byteLength;
        group = group.slice(1);
      }
      if (left > 0 && group.length) group = [(group[0] as Uint8Array).subarray(left), ...group.slice(1)];
    }
  }
}
