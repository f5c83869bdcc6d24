// AES-256-GCM sealing of a stream of slots (../pipeline) into the chunked
// format of ./chunked-aead, on the seal worker when the stream is large.
//
// On two cores the main thread already carries the TLS of a TIS download (or
// the reads' completions and the writes' copies of an import), and the hash
// worker carries SHA-256. Sealing on the main thread put AES-GCM and the
// garbage of its output buffers (a new ciphertext buffer per 256 KiB chunk)
// on the thread that the socket waits for. On a kept worker of its own
// (../pipeline/kept-worker) it reads each slot where it lies in shared memory
// and writes the sealed chunks into an output buffer that is moved to it and
// back with each slot, which the caller copies into its write blocks and
// gives back; the worker's own garbage is collected on its own heap.
//
// The format is the same byte for byte (test/core/store/slot-sealer.test.ts
// holds the worker to sealChunk): the worker source repeats nonceFor and the
// hold-back of ChunkSealer because an eval'd worker cannot import them.
import { KeptWorker, SLOT_BYTES, isSlot } from '../pipeline';
import { ChunkSealer, TAG_LEN, type Header } from './chunked-aead';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const jobs = new Map();
function nonce(counter, last) {
  const n = Buffer.alloc(12);
  n.writeUIntBE(counter, 5, 6);
  n[11] = last ? 1 : 0;
  return n;
}
// Seals one chunk of job j into out at o; returns the new offset.
function seal(j, plain, last, out, o) {
  const c = crypto.createCipheriv('aes-256-gcm', j.key, nonce(j.counter++, last));
  c.setAAD(j.aad);
  const ct = c.update(plain);
  const rest = c.final();
  out.set(ct, o);
  o += ct.length;
  if (rest.length) { out.set(rest, o); o += rest.length; }
  out.set(c.getAuthTag(), o);
  return o + ${TAG_LEN};
}
function end(id) {
  const j = jobs.get(id);
  if (!j) return;
  jobs.delete(id);
  j.key.fill(0);
  j.pending.fill(0);
}
parentPort.on('message', (m) => {
  try {
    if (m.t === 'drop') return end(m.id);
    // The first request of a stream brings its key (moved here, wiped at the end).
    if (m.begin) jobs.set(m.id, { key: Buffer.from(m.begin.key), aad: Buffer.from(m.begin.aad), cs: m.begin.cs, pending: Buffer.alloc(m.begin.cs), fill: 0, counter: 0 });
    const j = jobs.get(m.id);
    if (!j) throw new Error('no such stream');
    // The output buffer comes with the request and goes back with the answer, moved both ways.
    const out = new Uint8Array(m.out && m.out.byteLength >= m.cap ? m.out : new ArrayBuffer(m.cap));
    let o = 0;
    if (m.t === 'seal') {
      // As ChunkSealer.push: a full chunk is held back until more input shows it is not the last.
      const data = Buffer.from(m.sab, m.off, m.len);
      let off = 0;
      while (off < data.length) {
        if (j.fill === j.cs) { o = seal(j, j.pending, false, out, o); j.fill = 0; }
        if (j.fill === 0 && data.length - off > j.cs) { o = seal(j, data.subarray(off, off + j.cs), false, out, o); off += j.cs; continue; }
        const n = Math.min(j.cs - j.fill, data.length - off);
        j.pending.set(data.subarray(off, off + n), j.fill);
        j.fill += n;
        off += n;
      }
    } else if (m.t === 'end') {
      o = seal(j, j.pending.subarray(0, j.fill), true, out, o);
      end(m.id);
    } else throw new Error('unknown request ' + m.t);
    parentPort.postMessage({ id: m.id, len: o, out: out.buffer }, [out.buffer]);
  } catch (e) {
    end(m.id);
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e) });
  }
});
`;

const worker = new KeptWorker(WORKER_SOURCE, 'the seal worker');

/** Sealed bytes to write; release() once they are copied or written. */
export interface Sealed {
  readonly pieces: readonly Uint8Array[];
  release(): void;
}

/** Output buffers, per capacity, kept for the next stream. */
const freeOut = new Map<number, ArrayBuffer[]>();
const KEEP_OUT = 4;

/** Room for the sealed form of one slot plus a held-back chunk: its chunks' bytes and one tag each. */
function outCapacity(chunkSize: number): number {
  return SLOT_BYTES + chunkSize + (Math.ceil((SLOT_BYTES + chunkSize) / chunkSize) + 1) * TAG_LEN;
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
      return this.#ask({ t: 'seal', sab: data.buffer, off: data.byteOffset, len: data.byteLength, begin: { key, aad: this.header.bytes, cs: this.#chunkSize } }, [key]);
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
    // Moved to the worker and back, never shared: the worker's writes and this
    // thread's reads of it then need no coordination, and copying out of it is a plain memcpy.
    const spare = freeOut.get(cap)?.pop();
    const m = await worker.ask(this.#id, { ...msg, cap, out: spare }, spare ? [...transfer, spare] : transfer);
    const out = m.out;
    if (typeof m.len !== 'number' || !(out instanceof ArrayBuffer) || out.byteLength < m.len) throw new Error('the seal worker sent no sealed bytes');
    let given = false;
    return {
      pieces: [Buffer.from(out, 0, m.len)],
      release: () => {
        if (given) return;
        given = true;
        const list = freeOut.get(cap) ?? [];
        freeOut.set(cap, list);
        if (list.length < KEEP_OUT) list.push(out);
      },
    };
  }
}

function inlineSealed(pieces: Buffer[]): Sealed {
  return { pieces, release: () => undefined };
}
