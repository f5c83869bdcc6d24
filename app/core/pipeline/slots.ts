// Plaintext moves through the import, export, TIS and verify pipelines in
// slots: 4 MiB of shared memory each. A slot is filled once (by a read, or by
// one copy from a socket or a decryptor), then hashed on the hash worker and
// encrypted or written on the main thread from the same bytes, with no copy
// between them. A released slot is wiped, so no plaintext outlives its use,
// and kept for the next one, so a 2 GB hearing does not churn the allocator
// and the garbage collector (docs/perf/ shows the before and after).
export const SLOT_BYTES = 4 << 20;
const KEEP = 16;

const free: Buffer[] = [];
// fill() on shared memory goes element by element (8x slower here); a copy from zeros is a memcpy.
const ZEROS = Buffer.alloc(SLOT_BYTES);
const inUse = new Map<SharedArrayBuffer, Buffer>();

/** A slot for the caller's exclusive use until releaseSlot. */
export function acquireSlot(): Buffer {
  const b = free.pop() ?? Buffer.from(new SharedArrayBuffer(SLOT_BYTES));
  inUse.set(b.buffer as SharedArrayBuffer, b);
  return b;
}

/** True when `view` lies in a slot that is in use (so the pipeline may adopt it without a copy). */
export function isSlot(view: Uint8Array): boolean {
  return view.buffer instanceof SharedArrayBuffer && inUse.has(view.buffer);
}

/** Wipes `used` bytes of the slot `view` lies in and takes it back. Releasing twice is a no-op. */
export function releaseSlot(view: Uint8Array, used = SLOT_BYTES): void {
  const sab = view.buffer;
  if (!(sab instanceof SharedArrayBuffer)) return;
  const b = inUse.get(sab);
  if (!b) return;
  inUse.delete(sab);
  b.set(ZEROS.subarray(0, Math.min(used, SLOT_BYTES)));
  if (free.length < KEEP) free.push(b);
}

/**
 * Gives up a slot without reusing it: for a read that timed out, which the
 * kernel may still complete into this memory later.
 */
export function discardSlot(view: Uint8Array): void {
  if (view.buffer instanceof SharedArrayBuffer) inUse.delete(view.buffer);
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
