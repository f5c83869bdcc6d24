// Where a download's bytes go (the encrypted store's ingest, or a test's
// memory), and the error that marks the sink's own failure so that it is
// never mistaken for the network's and retried.

export interface Sink {
  write(chunk: Buffer): Promise<void>;
  finish(): Promise<{ sha256: string; size: number }>;
  abort(): Promise<void>;
  /**
   * Optional, for reading in place: free memory the transport may read the
   * next bytes into (the store's current slot), so that nothing is copied
   * between the socket and the store. Used only with `commit`.
   */
  space?(): Uint8Array;
  /**
   * Counts `n` bytes read into the last `space()`. null: read on; a promise:
   * wait for it before reading more (it rejects with the sink's failure).
   */
  commit?(n: number): Promise<void> | null;
}

export class SinkFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('sink failed');
  }
}
