// Reads a stored object back, authenticating every chunk before any of its
// bytes leave this module (Q-3, DC-4). All failures, whatever their cause
// (tampering, truncation, wrong device key, missing file), become one
// IntegrityError naming the object and are reported to onIntegrityFailure.
import type { FileHandle } from 'node:fs/promises';
import fs from 'node:fs/promises';
import { IntegrityError } from '../errors';
import type { DeviceKey } from '../keys';
import { OwnedSlot, SLOT_BYTES, acquireSlot, releaseSlot } from '../pipeline';
import {
  ChunkFormatError,
  HEADER_LEN,
  TAG_LEN,
  chunkCount,
  chunkOffset,
  derivePayloadKey,
  objectLength,
  openChunk,
  parseHeader,
  plainLength,
  type Header,
} from './chunked-aead';
import { SlotOpener } from './slot-opener';

export interface IntegrityFailureInfo {
  objectId: string;
  reason: string;
  chunk?: number;
}

export interface ReaderHooks {
  onIntegrityFailure?(info: IntegrityFailureInfo): void;
}

export interface ObjectReader {
  /** Plaintext bytes [start, endExclusive); both must lie in [0, size] (RangeError otherwise). */
  readRange(start: number, endExclusive: number): Promise<Buffer>;
  /** The whole plaintext, in order, one authenticated chunk at a time. */
  readAll(): AsyncIterable<Buffer>;
  /**
   * The whole plaintext, in order, for the pipeline (an export, verify): a
   * large object as slots opened on the cipher worker, each the caller's to
   * release (../pipeline SlotCollector takes them on); a small one as readAll's chunks.
   */
  readSlots(): AsyncIterable<Buffer | OwnedSlot>;
}

/** Label binding a wrapped object key to its object, so keys cannot be swapped between catalog rows. */
export function objectKeyLabel(objectId: string): string {
  return `court-kiosk/object/${objectId}`;
}

// Read this many bytes per I/O when streaming; several MiB keeps syscalls rare.
const READ_BATCH_BYTES = 4 * 1024 * 1024;
/**
 * Slots read and opened ahead of the one the caller holds: the disk reads one
 * while the cipher worker opens another and the caller writes a third.
 */
const SLOTS_AHEAD = 3;

/** Shared buffers for sealed batches, per length, kept for the next read. */
const freeSealed = new Map<number, Buffer[]>();
const KEEP_SEALED = SLOTS_AHEAD + 1;

function takeSealed(len: number): Buffer {
  return freeSealed.get(len)?.pop() ?? Buffer.from(new SharedArrayBuffer(len));
}

function giveSealed(b: Buffer): void {
  const list = freeSealed.get(b.length) ?? [];
  freeSealed.set(b.length, list);
  if (list.length < KEEP_SEALED) list.push(b);
}

interface Opened {
  fh: FileHandle;
  header: Header;
  key: Buffer;
}

export function createObjectReader(
  path: string,
  objectId: string,
  wrappedKey: Buffer,
  size: number,
  deviceKey: DeviceKey,
  hooks: ReaderHooks = {},
): ObjectReader {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`object ${objectId}: size must be a non-negative integer`);
  const reported = new WeakSet<Error>();
  let cached: { header: Buffer; key: Buffer } | undefined;

  function integrity(reason: string, chunk?: number): IntegrityError {
    const err = new IntegrityError(
      `object ${objectId}: ${reason}${chunk === undefined ? '' : ` (chunk ${chunk})`}`,
      objectId,
    );
    reported.add(err);
    const info: IntegrityFailureInfo = chunk === undefined ? { objectId, reason } : { objectId, reason, chunk };
    try {
      hooks.onIntegrityFailure?.(info);
    } catch {
      // A failing hook must not hide the integrity failure itself.
    }
    return err;
  }

  function translate(e: unknown): Error {
    if (e instanceof Error && reported.has(e)) return e;
    if (e instanceof ChunkFormatError) return integrity(e.reason, e.chunk);
    if (e instanceof IntegrityError) return integrity(e.message);
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') return integrity('object file missing');
    if (code) return integrity(`cannot read object file (${code})`);
    return e instanceof Error ? e : new Error(String(e));
  }

  async function readExactly(fh: FileHandle, buf: Buffer, len: number, pos: number): Promise<Buffer> {
    let got = 0;
    while (got < len) {
      const { bytesRead } = await fh.read(buf, got, len - got, pos + got);
      if (bytesRead === 0) throw new ChunkFormatError('object file truncated');
      got += bytesRead;
    }
    return buf.subarray(0, len);
  }

  async function open(): Promise<Opened> {
    const fh = await fs.open(path, 'r');
    try {
      const st = await fh.stat();
      const headerBuf = await readExactly(fh, Buffer.alloc(HEADER_LEN), HEADER_LEN, 0).catch((e: unknown) => {
        throw e instanceof ChunkFormatError ? new ChunkFormatError('file shorter than the header') : e;
      });
      const header = parseHeader(headerBuf);
      const expected = objectLength(size, header.chunkSize);
      if (st.size < expected) throw new ChunkFormatError(`object file truncated (${st.size} bytes, expected ${expected})`);
      if (st.size > expected) throw new ChunkFormatError(`object file has extra data (${st.size} bytes, expected ${expected})`);
      if (!cached || !cached.header.equals(header.bytes)) {
        const objectKey = deviceKey.unwrapKey(wrappedKey, objectKeyLabel(objectId));
        try {
          cached = { header: header.bytes, key: derivePayloadKey(objectKey, header.salt) };
        } finally {
          objectKey.fill(0);
        }
      }
      return { fh, header, key: cached.key };
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  async function readRange(start: number, end: number): Promise<Buffer> {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end > size || start > end) {
      throw new RangeError(`object ${objectId}: range [${start}, ${end}) outside [0, ${size}]`);
    }
    if (start === end) return Buffer.alloc(0);
    try {
      const { fh, header, key } = await open();
      try {
        const cs = header.chunkSize;
        const n = chunkCount(size, cs);
        const first = Math.floor(start / cs);
        const last = Math.floor((end - 1) / cs);
        const pos = chunkOffset(first, cs);
        const len = chunkOffset(last, cs) + plainLength(last, size, cs) + TAG_LEN - pos;
        const sealed = await readExactly(fh, Buffer.allocUnsafe(len), len, pos);
        const out = Buffer.allocUnsafe(end - start);
        let w = 0;
        for (let i = first; i <= last; i++) {
          const off = chunkOffset(i, cs) - pos;
          const plain = openChunk(key, header, i, i === n - 1, sealed.subarray(off, off + plainLength(i, size, cs) + TAG_LEN));
          const from = i === first ? start - i * cs : 0;
          const to = i === last ? end - i * cs : plain.length;
          w += plain.copy(out, w, from, to);
        }
        return out;
      } finally {
        await fh.close();
      }
    } catch (e) {
      throw translate(e);
    }
  }

  async function* readAll(): AsyncGenerator<Buffer> {
    let opened: Opened;
    try {
      opened = await open();
    } catch (e) {
      throw translate(e);
    }
    try {
      yield* chunksOf(opened);
    } finally {
      await opened.fh.close();
    }
  }

  /** Every chunk, decrypted here, two reads of READ_BATCH_BYTES double-buffered. */
  async function* chunksOf({ fh, header, key }: Opened): AsyncGenerator<Buffer> {
    let next: Promise<Buffer> | undefined;
    try {
      const cs = header.chunkSize;
      const n = chunkCount(size, cs);
      const perBatch = Math.max(1, Math.floor(READ_BATCH_BYTES / (cs + TAG_LEN)));
      // Two buffers so the next batch is read from disk while this one is decrypted.
      const bufs = [Buffer.allocUnsafe(perBatch * (cs + TAG_LEN)), Buffer.allocUnsafe(perBatch * (cs + TAG_LEN))];
      const readBatch = (b: number): Promise<Buffer> => {
        const firstChunk = b * perBatch;
        const lastChunk = Math.min(n, firstChunk + perBatch) - 1;
        const pos = chunkOffset(firstChunk, cs);
        const len = chunkOffset(lastChunk, cs) + plainLength(lastChunk, size, cs) + TAG_LEN - pos;
        return readExactly(fh, bufs[b % 2] as Buffer, len, pos);
      };
      const batches = Math.ceil(n / perBatch);
      next = readBatch(0);
      for (let b = 0; b < batches; b++) {
        let data: Buffer;
        try {
          data = await (next as Promise<Buffer>);
        } catch (e) {
          throw translate(e);
        }
        next = b + 1 < batches ? readBatch(b + 1) : undefined;
        // Keep an unhandled rejection from escaping if the consumer stops early.
        next?.catch(() => undefined);
        const firstChunk = b * perBatch;
        const lastChunk = Math.min(n, firstChunk + perBatch) - 1;
        for (let i = firstChunk; i <= lastChunk; i++) {
          const off = (i - firstChunk) * (cs + TAG_LEN);
          let plain: Buffer;
          try {
            plain = openChunk(key, header, i, i === n - 1, data.subarray(off, off + plainLength(i, size, cs) + TAG_LEN));
          } catch (e) {
            throw translate(e);
          }
          if (plain.length > 0) yield plain;
        }
      }
    } finally {
      // A consumer may stop early; let the prefetch settle before its file is closed.
      await next?.catch(() => undefined);
    }
  }

  async function* readSlots(): AsyncGenerator<Buffer | OwnedSlot> {
    let opened: Opened;
    try {
      opened = await open();
    } catch (e) {
      throw translate(e);
    }
    const { fh, header, key } = opened;
    const cs = header.chunkSize;
    const perSlot = Math.floor(SLOT_BYTES / cs);
    // A small object is not worth the worker's messages; a chunk larger than a slot does not fit one.
    if (size < SLOT_BYTES || perSlot < 1) {
      try {
        yield* chunksOf(opened);
      } finally {
        await fh.close();
      }
      return;
    }
    const n = chunkCount(size, cs);
    const batches = Math.ceil(n / perSlot);
    const opener = new SlotOpener(key, header, size);
    interface Batch {
      readonly slot: Buffer;
      readonly sealed: Buffer;
      /** The slot's plaintext once read and authenticated; never rejects unobserved. */
      readonly plain: Promise<Buffer>;
    }
    const ahead: Batch[] = [];
    let started = 0;
    const start = (): void => {
      const first = started++ * perSlot;
      const last = Math.min(n, first + perSlot) - 1;
      const pos = chunkOffset(first, cs);
      const len = chunkOffset(last, cs) + plainLength(last, size, cs) + TAG_LEN - pos;
      const sealed = takeSealed(perSlot * (cs + TAG_LEN));
      const slot = acquireSlot();
      const plain = readExactly(fh, sealed, len, pos)
        .then(() => opener.open(sealed, first, last - first + 1, slot))
        .then((plainLen) => slot.subarray(0, plainLen));
      plain.catch(() => undefined);
      ahead.push({ slot, sealed, plain });
    };
    try {
      while (started < batches && ahead.length < SLOTS_AHEAD) start();
      while (ahead.length > 0) {
        const b = ahead[0] as Batch;
        let plain: Buffer;
        try {
          plain = await b.plain;
        } catch (e) {
          throw translate(e);
        }
        ahead.shift();
        giveSealed(b.sealed);
        if (started < batches) start();
        // From here the slot is the caller's.
        yield new OwnedSlot(plain);
      }
    } finally {
      // Stopped early or failed: the reads and opens still under way end before their buffers go back.
      for (const b of ahead.splice(0)) {
        await b.plain.catch(() => undefined);
        releaseSlot(b.slot);
        giveSealed(b.sealed);
      }
      opener.close();
      await fh.close();
    }
  }

  return { readRange, readAll, readSlots };
}
