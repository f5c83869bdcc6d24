// Plaintext moves through the import, export, TIS and verify pipelines in
// slots: 4 MiB of shared memory each. A slot is filled once (by a read, or by
// one copy from a socket or a decryptor), then hashed on the hash worker and
// encrypted or written on the main thread from the same bytes, with no copy
// between them. A released slot is wiped, so no plaintext outlives its use,
// and kept for the next one, so a 2 GB hearing does not churn the allocator
// and the garbage collector (docs/perf/ shows the before and after).
import { zeroFillModule, zeroFiller } from './zero-fill';

export const SLOT_BYTES = 4 << 20;
/**
 * Slots in the aligned pool. The pool is one shared WebAssembly memory, so
 * every slot starts on a page boundary and a full slot can be written with
 * O_DIRECT without a copy (direct-file-sink.ts); Node has no other way to ask
 * for aligned memory. Its pages are committed only once used. A stream uses
 * at most about six slots at once; beyond the pool, slots are plain shared
 * memory, which the direct sink copies.
 */
const POOL_SLOTS = 24;
/** Plain slots kept for reuse beyond the pool. */
const KEEP_EXTRA = 4;

let pool: SharedArrayBuffer | null = null;
let poolMemory: WebAssembly.Memory | null = null;
/** Zeroes bytes of the pool: a memset (zero-fill.ts), not a copy from ZEROS. */
let zeroPool: ((offset: number, length: number) => void) | null = null;
const poolFree: number[] = [];
const poolInUse = new Map<number, Buffer>();
const extraFree: Buffer[] = [];
const extraInUse = new Map<SharedArrayBuffer, Buffer>();
// fill() on shared memory goes element by element (8x slower here); for slots
// outside the pool a copy from zeros is a memcpy.
const ZEROS = Buffer.alloc(SLOT_BYTES);

function poolBuffer(): SharedArrayBuffer {
  if (pool) return pool;
  const pages = (POOL_SLOTS * SLOT_BYTES) / (64 * 1024);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  zeroPool = zeroFiller(memory);
  poolMemory = memory;
  pool = memory.buffer as unknown as SharedArrayBuffer;
  for (let i = POOL_SLOTS - 1; i >= 0; i--) poolFree.push(i);
  return pool;
}

/** A slot for the caller's exclusive use until releaseSlot. */
export function acquireSlot(): Buffer {
  const sab = poolBuffer();
  const i = poolFree.pop();
  if (i !== undefined) {
    const b = Buffer.from(sab, i * SLOT_BYTES, SLOT_BYTES);
    poolInUse.set(i, b);
    return b;
  }
  const b = extraFree.pop() ?? Buffer.from(new SharedArrayBuffer(SLOT_BYTES));
  extraInUse.set(b.buffer as SharedArrayBuffer, b);
  return b;
}

/** The slot `view` lies in, if it is in use. */
function slotOf(view: Uint8Array): { slot: Buffer; index?: number } | undefined {
  const sab = view.buffer;
  if (!(sab instanceof SharedArrayBuffer)) return undefined;
  if (sab === pool) {
    const index = Math.floor(view.byteOffset / SLOT_BYTES);
    const slot = poolInUse.get(index);
    return slot && { slot, index };
  }
  const slot = extraInUse.get(sab);
  return slot && { slot };
}

/** True when `view` lies in a slot that is in use (so the pipeline may adopt it without a copy). */
export function isSlot(view: Uint8Array): boolean {
  return slotOf(view) !== undefined;
}

/**
 * For a view in the aligned pool, what another thread needs to zero it with
 * memset as releaseSlot does here: the pool's memory and the filler's
 * module (a worker instantiates its own). Null for any other memory.
 */
export function poolWiper(view: Uint8Array): { mem: WebAssembly.Memory; mod: WebAssembly.Module } | null {
  return view.buffer === pool && poolMemory !== null ? { mem: poolMemory, mod: zeroFillModule() } : null;
}

/** True when `view` starts on a page boundary of the aligned pool (so O_DIRECT can write it as it is). */
export function isAligned(view: Uint8Array): boolean {
  return view.buffer === pool && pool !== null && view.byteOffset % 4096 === 0;
}

/** Wipes `used` bytes of the slot `view` lies in and takes it back. Releasing twice is a no-op. */
export function releaseSlot(view: Uint8Array, used = SLOT_BYTES): void {
  const found = slotOf(view);
  if (!found) return;
  const n = Math.min(used, SLOT_BYTES);
  if (found.index !== undefined && zeroPool) {
    zeroPool(found.slot.byteOffset, n);
    poolInUse.delete(found.index);
    poolFree.push(found.index);
  } else {
    found.slot.set(ZEROS.subarray(0, n));
    extraInUse.delete(found.slot.buffer as SharedArrayBuffer);
    if (extraFree.length < KEEP_EXTRA) extraFree.push(found.slot);
  }
}

/**
 * Gives up a slot without reusing it: for a read that timed out, which the
 * kernel may still complete into this memory later. A pool slot given up
 * stays out of the pool for the life of the process.
 */
export function discardSlot(view: Uint8Array): void {
  const found = slotOf(view);
  if (!found) return;
  if (found.index !== undefined) poolInUse.delete(found.index);
  else extraInUse.delete(found.slot.buffer as SharedArrayBuffer);
}

/**
 * Plaintext handed on in the slot it was made in (an object's chunks, opened
 * on the cipher worker straight into a slot): `bytes` starts at the slot's
 * start, and whoever receives it owns the slot and releases it, so the
 * pipeline takes it on without a copy.
 */
export class OwnedSlot {
  constructor(readonly bytes: Buffer) {}
}

/** Copies pieces of any size into slots, one copy each; hands over every slot it fills. */
export class SlotFiller {
  #slot: Buffer | null = null;
  #fill = 0;

  /** Copies `piece`; `full` gets each slot filled on the way and owns it from then on. */
  copy(piece: Uint8Array, full: (slot: Buffer) => void): void {
    let off = 0;
    while (off < piece.byteLength) {
      this.#slot ??= acquireSlot();
      const n = Math.min(piece.byteLength - off, SLOT_BYTES - this.#fill);
      this.#slot.set(piece.subarray(off, off + n), this.#fill);
      this.#fill += n;
      off += n;
      if (this.#fill === SLOT_BYTES) {
        const s = this.#slot;
        this.#slot = null;
        this.#fill = 0;
        full(s);
      }
    }
  }

  /** The free part of the current slot, to be filled in place (a socket reading into it); then `advance`. */
  space(): Buffer {
    this.#slot ??= acquireSlot();
    return this.#slot.subarray(this.#fill);
  }

  /** Counts `n` bytes written into `space()`; `full` gets the slot when they filled it. */
  advance(n: number, full: (slot: Buffer) => void): void {
    if (!this.#slot || n > SLOT_BYTES - this.#fill) throw new RangeError(`advance by ${n} past the slot`);
    this.#fill += n;
    if (this.#fill === SLOT_BYTES) {
      const s = this.#slot;
      this.#slot = null;
      this.#fill = 0;
      full(s);
    }
  }

  get filled(): number {
    return this.#fill;
  }

  /** The partly filled slot, as a view of its filled bytes (the caller owns it), or null. */
  take(): Buffer | null {
    const s = this.#slot;
    const n = this.#fill;
    this.#slot = null;
    this.#fill = 0;
    return s ? s.subarray(0, n) : null;
  }

  /** Gives the partly filled slot back. */
  drop(): void {
    if (this.#slot) releaseSlot(this.#slot, this.#fill);
    this.#slot = null;
    this.#fill = 0;
  }
}
