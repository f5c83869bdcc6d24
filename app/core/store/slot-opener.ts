// Authenticates and decrypts a stored object's chunks on the cipher worker
// (./cipher-worker), a slot's worth at a time, straight into a slot of the
// pipeline: the main thread, which completes the reads and the writes of an
// export, neither runs AES-GCM nor copies the plaintext, and node:crypto's
// output buffers (a new one per chunk) are garbage on the worker's heap.
// test/core/store/slot-opener.test.ts holds the worker to openChunk.
import { cipherWorker as worker } from './cipher-worker';
import { ChunkFormatError, type Header } from './chunked-aead';

export class SlotOpener {
  #id = 0;
  #closed = false;

  /** `key` is the object's payload key; the worker gets a copy of its own, wiped when the opener closes. */
  constructor(
    private readonly key: Buffer,
    private readonly header: Header,
    private readonly size: number,
  ) {}

  /**
   * Opens `count` sealed chunks, from chunk `first`, that lie one after the
   * other in `sealed` (shared memory) into `slot` (a slot from the pipeline)
   * and resolves with the plaintext length. Throws ChunkFormatError for a
   * chunk whose tag fails; the slot may then hold plaintext of the chunks
   * before it and must be released, not handed on. Neither buffer may be
   * touched until the promise settles.
   */
  async open(sealed: Buffer, first: number, count: number, slot: Buffer): Promise<number> {
    if (this.#closed) throw new Error('SlotOpener: open after close');
    if (!(sealed.buffer instanceof SharedArrayBuffer) || !(slot.buffer instanceof SharedArrayBuffer)) {
      throw new TypeError('SlotOpener: both buffers must be shared memory');
    }
    const transfer: ArrayBuffer[] = [];
    let begin: Record<string, unknown> | undefined;
    if (this.#id === 0) {
      this.#id = worker.newId();
      const key = new Uint8Array(new ArrayBuffer(this.key.length));
      key.set(this.key);
      transfer.push(key.buffer);
      // A copy of its own: a Buffer's ArrayBuffer may be the allocator's shared pool.
      begin = { key: key.buffer, aad: Uint8Array.from(this.header.bytes), cs: this.header.chunkSize, size: this.size };
    }
    const m = await worker.ask(this.#id, { t: 'open', sab: sealed.buffer, off: sealed.byteOffset, first, count, slot: slot.buffer, slotOff: slot.byteOffset, begin }, transfer);
    const bad = m.bad as { reason?: unknown; chunk?: unknown } | undefined;
    if (bad) throw new ChunkFormatError(String(bad.reason), typeof bad.chunk === 'number' ? bad.chunk : undefined);
    if (typeof m.len !== 'number') throw new Error('the cipher worker sent no length');
    return m.len;
  }

  /** Forgets the stream: the worker wipes its copy of the key. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#id !== 0) worker.tell(this.#id, { t: 'drop' });
  }
}
