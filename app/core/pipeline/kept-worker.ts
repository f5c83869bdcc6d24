// One worker thread kept for the life of the process and shared by every
// stream in turn: the hash worker (sha256.ts) and the cipher worker
// (../store/cipher-worker.ts) are each one of these. Starting a worker costs
// ~30 ms and a V8 isolate, too much per object when a carrier holds hundreds
// of small files. The worker holds the process open only while some stream
// awaits it, so an idle kiosk or a finished CLI command exits as it should.
//
// Its source is inline JavaScript (eval), so it runs the same under tsx,
// vitest and a bundle. Protocol: every request names a stream `id`; the
// worker answers requests of one stream in order, each with `{ id, … }`, or
// `{ id, error }` for a failure of that request alone. A request sent with
// `tell` gets no answer.
import { Worker } from 'node:worker_threads';

export interface WorkerReply {
  id: number;
  error?: string;
  [k: string]: unknown;
}

interface Waiter {
  resolve(m: WorkerReply): void;
  reject(e: Error): void;
}

interface Hub {
  readonly worker: Worker;
  /** Per stream, the answers awaited, in order (a port delivers in order). */
  readonly waiting: Map<number, Waiter[]>;
}

export class KeptWorker {
  #hub: Hub | null = null;
  #nextId = 1;

  constructor(
    private readonly source: string,
    /** For messages: "the hash worker". */
    private readonly name: string,
  ) {}

  /** A fresh stream id. */
  newId(): number {
    return this.#nextId++;
  }

  /** Sends a request of stream `id` and resolves with its answer. */
  ask(id: number, msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    const h = this.#get();
    return new Promise<WorkerReply>((resolve, reject) => {
      const q = h.waiting.get(id) ?? [];
      h.waiting.set(id, q);
      q.push({ resolve, reject });
      h.worker.ref();
      h.worker.postMessage({ ...msg, id }, transfer);
    });
  }

  /** Sends a request that gets no answer (e.g. dropping a stream); nothing when no worker runs. */
  tell(id: number, msg: Record<string, unknown>): void {
    this.#hub?.worker.postMessage({ ...msg, id });
  }

  #get(): Hub {
    if (this.#hub) return this.#hub;
    const worker = new Worker(this.source, { eval: true });
    const h: Hub = { worker, waiting: new Map() };
    worker.on('message', (m: WorkerReply) => {
      const q = h.waiting.get(m.id);
      const w = q?.shift();
      if (q && q.length === 0) h.waiting.delete(m.id);
      if (w) {
        if (typeof m.error === 'string') w.reject(new Error(`${this.name}: ${m.error}`));
        else w.resolve(m);
      }
      if (h.waiting.size === 0) worker.unref();
    });
    const fail = (e: Error): void => {
      if (this.#hub === h) this.#hub = null;
      for (const q of h.waiting.values()) for (const w of q) w.reject(e);
      h.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`${this.name} exited (${code})`)));
    worker.unref();
    this.#hub = h;
    return h;
  }
}
