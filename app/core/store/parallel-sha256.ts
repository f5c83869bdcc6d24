// SHA-256 on a worker thread, so ingest hashes and encrypts in parallel: on
// one thread the two run one after the other and ingest falls well short of
// `cp` (bench/store.ts measured 0.54x). The worker is inline JavaScript
// (eval) so it runs the same under tsx, vitest and a bundled Electron app.
import crypto from 'node:crypto';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const hash = crypto.createHash('sha256');
parentPort.on('message', (m) => {
  if (m.type === 'data') {
    hash.update(new Uint8Array(m.buf));
    parentPort.postMessage({ type: 'ack', n: m.buf.byteLength });
  } else if (m.type === 'end') {
    parentPort.postMessage({ type: 'digest', hex: hash.digest('hex') });
  }
});
`;

type FromWorker = { type: 'ack'; n: number } | { type: 'digest'; hex: string };

// How far the hasher may fall behind before update() makes the caller wait.
const MAX_IN_FLIGHT = 32 * 1024 * 1024;

export class ParallelSha256 {
  readonly #worker: Worker;
  #inFlight = 0;
  #failed: Error | undefined;
  #waiters: (() => void)[] = [];
  #digest: ((hex: string) => void) | undefined;
  #digestFailed: ((e: Error) => void) | undefined;

  constructor() {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true });
    this.#worker.on('message', (m: FromWorker) => {
      if (m.type === 'ack') {
        this.#inFlight -= m.n;
        this.#wake();
      } else {
        this.#digest?.(m.hex);
      }
    });
    const fail = (e: Error): void => {
      this.#failed ??= e;
      this.#digestFailed?.(this.#failed);
      this.#wake();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', () => fail(new Error('hash worker exited')));
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  /** Queues a copy of `data` (the caller may reuse its buffer); waits only when the worker is far behind. */
  async update(data: Uint8Array): Promise<void> {
    if (this.#failed) throw this.#failed;
    const buf = new ArrayBuffer(data.byteLength);
    new Uint8Array(buf).set(data);
    this.#inFlight += buf.byteLength;
    this.#worker.postMessage({ type: 'data', buf }, [buf]);
    while (this.#inFlight > MAX_IN_FLIGHT && !this.#failed) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    if (this.#failed) throw this.#failed;
  }

  /** Lowercase hex digest of everything passed to update(); then the worker is stopped. */
  async digest(): Promise<string> {
    if (this.#failed) throw this.#failed;
    const hex = await new Promise<string>((resolve, reject) => {
      this.#digest = resolve;
      this.#digestFailed = reject;
      this.#worker.postMessage({ type: 'end' });
    });
    await this.close();
    return hex;
  }

  async close(): Promise<void> {
    this.#worker.removeAllListeners('exit');
    await this.#worker.terminate();
  }
}

/** The same interface, hashing on the calling thread. */
export class InlineSha256 {
  readonly #hash = crypto.createHash('sha256');

  async update(data: Uint8Array): Promise<void> {
    this.#hash.update(data);
  }

  async digest(): Promise<string> {
    return this.#hash.digest('hex');
  }

  async close(): Promise<void> {}
}
