// The sink side for plaintext that arrives in pieces (a small object's
// decrypted chunks): one copy into a slot; or in slots (a large object's
// chunks, opened on the cipher worker into slots): no copy. For an export the
// slot is written (straight from the slot with O_DIRECT), then hashed and
// wiped on the worker while the next slots fill and write; the slot is reused
// when both are done. Verify uses it without a writer.
import { Sha256Stream } from './sha256';
import { OwnedSlot, SlotFiller, releaseSlot } from './slots';

/** Slots hashed or written at once per stream before push() waits. */
const MAX_BUSY = 4;

export type SlotConsumer = (data: Buffer) => Promise<{ written: Promise<void> }>;

export class SlotCollector {
  readonly #hash = new Sha256Stream();
  readonly #busy: Promise<void>[] = [];
  readonly #filler = new SlotFiller();
  #size = 0;
  /** Settles once the last slot's hash has been posted (keeps the hash in stream order). */
  #posted: Promise<void> = Promise.resolve();

  /** `consume` (optional) takes each filled slot too, e.g. DirectFileSink.write. */
  constructor(private readonly consume?: SlotConsumer) {}

  /** Takes `chunk`: a piece is copied into slots; an owned slot is taken on as it is (and released once hashed and written). */
  async push(chunk: Uint8Array | OwnedSlot): Promise<void> {
    if (chunk instanceof OwnedSlot) return this.#adopt(chunk.bytes);
    const full: Buffer[] = [];
    this.#filler.copy(chunk, (s) => full.push(s));
    this.#size += chunk.byteLength;
    for (let i = 0; i < full.length; i++) {
      try {
        await this.#flush(full[i]!);
      } catch (e) {
        for (const rest of full.slice(i + 1)) releaseSlot(rest);
        throw e;
      }
    }
  }

  async #adopt(bytes: Buffer): Promise<void> {
    // After a piece that left a slot partly filled, the order of the bytes needs a copy.
    if (this.#filler.filled > 0 || bytes.length === 0) {
      try {
        await this.push(bytes);
      } finally {
        releaseSlot(bytes, bytes.length);
      }
      return;
    }
    this.#size += bytes.length;
    await this.#flush(bytes);
  }

  /** Flushes the last slot, waits for every hash and write; the SHA-256 and size of all pushed. */
  async finish(): Promise<{ sha256: string; size: number }> {
    const last = this.#filler.take();
    if (last && last.length > 0) await this.#flush(last);
    else if (last) releaseSlot(last);
    while (this.#busy.length) await this.#busy.shift();
    return { sha256: await this.#hash.digest(), size: this.#size };
  }

  /** After a failure: lets every hash and write settle, then forgets the stream. */
  async abandon(): Promise<void> {
    await Promise.allSettled(this.#busy.splice(0));
    this.#hash.abandon();
    this.#filler.drop();
  }

  /**
   * Hands over `data`, a filled slot, then hashes it on the worker, which
   * wipes it there: the main thread neither waits for the hash nor spends a
   * pass over the bytes on the wipe. The slot goes back once both are done.
   * Slots are hashed in stream order, each after its own write.
   */
  async #flush(data: Buffer): Promise<void> {
    const slot = data;
    const used = data.length;
    let written: Promise<void> = Promise.resolve();
    try {
      if (this.consume) written = (await this.consume(data)).written;
    } catch (e) {
      releaseSlot(slot, used);
      throw e;
    }
    // Wrapped in an object so the chain waits for the post, not for the hash.
    const posted = Promise.all([written, this.#posted]).then(() => ({ hashed: this.#hash.update(data, { wipe: true }) }));
    this.#posted = posted.then(() => undefined);
    this.#posted.catch(() => undefined);
    const both = posted.then(
      async ({ hashed }) => {
        try {
          await hashed;
        } finally {
          // The worker wiped it; inline hashing did not.
          releaseSlot(slot, this.#hash.onWorker ? 0 : used);
        }
      },
      async (e: unknown) => {
        await written.catch(() => undefined);
        releaseSlot(slot, used);
        throw e;
      },
    );
    both.catch(() => undefined);
    this.#busy.push(both);
    while (this.#busy.length > MAX_BUSY) await this.#busy.shift();
  }
}
