// AES-256-GCM sealing of a stream of slots (../pipeline) into the chunked
// format of ./chunked-aead, on the cipher worker (./cipher-worker) when the
// stream is large.
//
// On two cores the main thread already carries the TLS of a TIS download (or
// the reads' completions and the writes' copies of an import), and the hash
// worker carries SHA-256. Sealing on the main thread put AES-GCM and the
// garbage of its output buffers (a new ciphertext buffer per 256 KiB chunk)
// on the thread that the socket waits for. The cipher worker reads each slot
// where it lies in shared memory and writes the sealed chunks into an aligned
// output buffer, placed at their file offset modulo the O_DIRECT alignment,
// so that the store writes that buffer as it lies (DirectFileSink.writeAligned):
// copying 1 GiB of sealed chunks into the sink's blocks cost the thread that
// carries a download's TLS 0.11 s (`perf`, docs/perf/sched).
import { DIRECT_ALIGN, SLOT_BYTES, alignedSharedBuffer, isSlot } from '../pipeline';
import { cipherWorker as worker } from './cipher-worker';
import { ChunkSealer, TAG_LEN, type Header } from './chunked-aead';

/** Sealed bytes to write; release() once they are copied or written. */
export interface Sealed {
  readonly pieces: readonly Uint8Array[];
  /**
   * From the cipher worker: the same bytes as they lie in an aligned buffer,
   * `lead` bytes in (DirectFileSink.writeAligned); the buffer's first `lead`
   * bytes are the writer's.
   */
  readonly aligned?: { buf: Buffer; lead: number; len: number };
  release(): void;
}

/** Output buffers, per capacity, kept for the next stream. */
const freeOut = new Map<number, Buffer[]>();
/** One at the worker, one waiting, three in flight in the sink, and one spare. */
const KEEP_OUT = 6;

/**
 * Room for the sealed form of one slot plus a held-back chunk (its chunks'
 * bytes and one tag each), after a lead of less than the alignment.
 */
function outCapacity(chunkSize: number): number {
  return DIRECT_ALIGN + SLOT_BYTES + chunkSize + (Math.ceil((SLOT_BYTES + chunkSize) / chunkSize) + 1) * TAG_LEN;
}

/**
 * Seals a stream of plaintext. Each seal() must be given a view that stays
 * unchanged until its promise settles; the stream goes to the worker when
 * its first piece is a whole slot, else it is sealed here (a small file is
 * not worth a message).
 */
export class SlotSealer {
  readonly header: Header;
  readonly #chunkSize: number;
  /** Seals here until the stream goes to the worker; null then. */
  #local: ChunkSealer | null;
  #id = 0;
  #done = false;

  constructor(objectKey: Buffer, chunkSize: number) {
    this.#chunkSize = chunkSize;
    this.#local = new ChunkSealer(objectKey, chunkSize);
    this.header = this.#local.header;
  }

  /** True once the stream is sealed on the worker. */
  get onWorker(): boolean {
    return this.#id !== 0;
  }

  seal(data: Uint8Array): Promise<Sealed> {
    if (this.#done) return Promise.reject(new Error('SlotSealer: seal after finish'));
    if (this.#local && this.#id === 0 && this.#local.chunks === 0 && data.byteLength === SLOT_BYTES && isSlot(data)) {
      this.#id = worker.newId();
      const key = this.#local.handOver();
      this.#local = null;
      // The sealed chunks follow the header in the object file (./chunked-aead).
      const begin = { key, aad: this.header.bytes, cs: this.#chunkSize, at: this.header.bytes.length };
      return this.#ask({ t: 'seal', sab: data.buffer, off: data.byteOffset, len: data.byteLength, begin }, [key]);
    }
    if (this.#local) return Promise.resolve(inlineSealed(this.#local.push(data)));
    return this.#ask({ t: 'seal', sab: data.buffer, off: data.byteOffset, len: data.byteLength });
  }

  /** Seals the last chunk; the key is wiped here or on the worker. */
  finish(): Promise<Sealed> {
    if (this.#done) return Promise.reject(new Error('SlotSealer: finish twice'));
    this.#done = true;
    if (this.#local) return Promise.resolve(inlineSealed(this.#local.finish()));
    return this.#ask({ t: 'end' });
  }

  /** Forgets the stream (after a failure): the worker drops it, the key is wiped. */
  dispose(): void {
    if (!this.#done && this.#id !== 0) worker.tell(this.#id, { t: 'drop' });
    this.#done = true;
    this.#local?.dispose();
  }

  async #ask(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Sealed> {
    const cap = outCapacity(this.#chunkSize);
    const buf = freeOut.get(cap)?.pop() ?? alignedSharedBuffer(cap);
    let given = false;
    const release = (): void => {
      if (given) return;
      given = true;
      const list = freeOut.get(cap) ?? [];
      freeOut.set(cap, list);
      if (list.length < KEEP_OUT) list.push(buf);
    };
    let m: Awaited<ReturnType<typeof worker.ask>>;
    try {
      // Shared, not moved: the worker writes it before it answers, and this thread reads it after.
      m = await worker.ask(this.#id, { ...msg, out: buf.buffer }, transfer);
    } catch (e) {
      release();
      throw e;
    }
    const { lead, len } = m;
    if (typeof lead !== 'number' || typeof len !== 'number' || lead < 0 || lead >= DIRECT_ALIGN || lead + len > buf.length) {
      release();
      throw new Error('the cipher worker sent no sealed bytes');
    }
    return { pieces: [buf.subarray(lead, lead + len)], aligned: { buf, lead, len }, release };
  }
}

function inlineSealed(pieces: Buffer[]): Sealed {
  return { pieces, release: () => undefined };
}
