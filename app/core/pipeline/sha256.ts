// SHA-256 of a stream, on the hash worker when the stream is large. On this
// 2-core machine SHA-256 (1.8 GB/s with SHA-NI) is the largest piece of the
// necessary work; on its own core it overlaps AES-GCM, the reads and the
// writes instead of adding to them. The worker is kept (kept-worker.ts) and
// reads the slots' shared memory in place.
import crypto from 'node:crypto';
import { KeptWorker } from './kept-worker';
import { SLOT_BYTES, isSlot, poolWiper } from './slots';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const jobs = new Map();
// fill() on shared memory goes element by element; a copy from zeros is a
// memcpy that reads as much as it writes. Slots of the aligned pool are
// zeroed with WebAssembly's memory.fill over the same memory instead (a
// memset, ../pipeline/zero-fill.ts), instantiated here once from the pool's
// memory and module that come with a request to wipe.
const zeros = new Uint8Array(${SLOT_BYTES});
let poolFill = null;
function wipe(m, view) {
  if (m.pool) {
    poolFill ??= new WebAssembly.Instance(m.pool.mod, { m: { mem: m.pool.mem } }).exports.fill;
    return poolFill(m.off, m.len);
  }
  for (let o = 0; o < view.length; o += zeros.length) view.set(zeros.subarray(0, Math.min(zeros.length, view.length - o)), o);
}
parentPort.on('message', (m) => {
  if (m.t === 'data') {
    let h = jobs.get(m.id);
    if (!h) jobs.set(m.id, (h = crypto.createHash('sha256')));
    const view = new Uint8Array(m.sab, m.off, m.len);
    h.update(view);
    // Asked to when the main thread is done with these bytes: the wipe costs it nothing then.
    if (m.wipe) wipe(m, view);
    parentPort.postMessage({ t: 'done', id: m.id });
  } else if (m.t === 'end') {
    const h = jobs.get(m.id) ?? crypto.createHash('sha256');
    jobs.delete(m.id);
    parentPort.postMessage({ t: 'digest', id: m.id, hex: h.digest('hex') });
  } else if (m.t === 'drop') {
    jobs.delete(m.id);
  }
});
`;

const worker = new KeptWorker(WORKER_SOURCE, 'the hash worker');

export class Sha256Stream {
  #inline: crypto.Hash | null = null;
  #id = 0;
  #failed: Error | null = null;
  #done = false;

  /** `worker`: hash on the worker (true) or here (false); by default the first update decides (a whole slot: the worker). */
  constructor(opts: { worker?: boolean } = {}) {
    if (opts.worker === true) this.#id = worker.newId();
    if (opts.worker === false) this.#inline = crypto.createHash('sha256');
  }

  /**
   * Hashes `data`. On the worker (when the stream's first piece is a whole
   * slot) the promise settles once the worker is done with the bytes: only
   * then may the slot be reused. Inline, it settles at once. `wipe`: the
   * caller is done with the bytes, the worker zeroes them after hashing
   * (inline, nothing is wiped: the caller does).
   */
  update(data: Uint8Array, opts: { wipe?: boolean } = {}): Promise<void> {
    if (this.#done) return Promise.reject(new Error('Sha256Stream: update after digest'));
    if (this.#failed) return Promise.reject(this.#failed);
    if (this.#inline === null && this.#id === 0) {
      if (data.byteLength >= SLOT_BYTES && isSlot(data)) this.#id = worker.newId();
      else this.#inline = crypto.createHash('sha256');
    }
    if (this.#inline) {
      this.#inline.update(data);
      return Promise.resolve();
    }
    // Worker mode takes shared memory only; anything else (rare) is copied into some.
    let view = data;
    if (!(view.buffer instanceof SharedArrayBuffer)) {
      const copy = new Uint8Array(new SharedArrayBuffer(data.byteLength));
      copy.set(data);
      view = copy;
    }
    const wipe = opts.wipe === true;
    const pool = wipe ? poolWiper(view) : null;
    return this.#post({ t: 'data', id: this.#id, sab: view.buffer, off: view.byteOffset, len: view.byteLength, wipe, ...(pool ? { pool } : {}) }).then(() => undefined);
  }

  /** True once the stream hashes on the worker. */
  get onWorker(): boolean {
    return this.#id !== 0;
  }

  /** Lower-case hex digest of everything given to update(). */
  async digest(): Promise<string> {
    if (this.#failed) throw this.#failed;
    this.#done = true;
    if (this.#id === 0) return (this.#inline ?? crypto.createHash('sha256')).digest('hex');
    const hex = await this.#post({ t: 'end', id: this.#id });
    if (typeof hex !== 'string') throw new Error('the hash worker sent no digest');
    return hex;
  }

  /** Forgets the stream (after a failure); the worker drops its state. */
  abandon(): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#id !== 0) worker.tell(this.#id, { t: 'drop' });
  }

  #post(msg: Record<string, unknown>): Promise<string | undefined> {
    return worker.ask(this.#id, msg).then(
      (m) => (typeof m.hex === 'string' ? m.hex : undefined),
      (e: Error) => {
        this.#failed ??= e;
        throw e;
      },
    );
  }
}
