// A download sink that streams straight into the encrypted store: the
// client's pushes become the store's pulled source, one chunk in flight, so
// plaintext never touches disk and a slow disk slows the download down.
import type { ContentStore, IngestResult } from '../store';
import type { Sink } from './client';

interface Waiting {
  readonly chunk: Buffer;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export interface StoreSink extends Sink {
  /** The stored object once finish() succeeded and no abort() followed. */
  stored(): IngestResult | null;
}

export function storeSink(store: ContentStore, expectedSha256: string, onBytes?: (n: number) => void): StoreSink {
  let state: 'open' | 'finishing' | 'finished' | 'aborted' = 'open';
  let pending: Waiting | null = null;
  let inFlight: Waiting | null = null;
  let ended = false;
  let cancelled: Error | null = null;
  let wake: (() => void) | null = null;
  let result: IngestResult | null = null;

  const poke = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };

  async function* source(): AsyncIterable<Uint8Array> {
    for (;;) {
      // The chunk handed out last time has been consumed once we are asked again.
      inFlight?.resolve();
      inFlight = null;
      while (pending === null && !ended && cancelled === null) await new Promise<void>((r) => (wake = r));
      if (cancelled) throw cancelled;
      if (pending) {
        inFlight = pending;
        pending = null;
        yield inFlight.chunk;
        continue;
      }
      return;
    }
  }

  const ingesting = store.ingest(source(), { expectedSha256 });
  // A store failure (disk full, hash mismatch) must release a writer waiting on it.
  ingesting.catch((e: unknown) => {
    pending?.reject(e);
    inFlight?.reject(e);
    pending = null;
    inFlight = null;
  });

  return {
    async write(chunk) {
      if (state !== 'open') throw new Error(`write to a ${state} store sink`);
      await new Promise<void>((resolve, reject) => {
        pending = { chunk, resolve, reject };
        poke();
      });
      onBytes?.(chunk.length);
    },
    async finish() {
      if (state !== 'open') throw new Error(`finish of a ${state} store sink`);
      state = 'finishing';
      ended = true;
      poke();
      const r = await ingesting;
      // abort() may have been called while the store was still syncing.
      if (state !== 'finishing') {
        await store.shred(r.objectId);
        throw new Error('store sink aborted while finishing');
      }
      state = 'finished';
      result = r;
      return { sha256: r.sha256, size: r.size };
    },
    async abort() {
      const was = state;
      state = 'aborted';
      if (was === 'open' || was === 'finishing') {
        cancelled ??= new Error('download aborted');
        poke();
        // The store removes its staging file itself on failure; finish() shreds a late success.
        await ingesting.then(
          () => undefined,
          () => undefined,
        );
        return;
      }
      // The client may discard after finish() (a hash disagreed): the object goes.
      const r = result;
      result = null;
      if (r) await store.shred(r.objectId);
    },
    stored: () => (state === 'finished' ? result : null),
  };
}
