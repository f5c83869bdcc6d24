// A download sink that streams straight into the encrypted store: the
// transport reads into the pipeline's current slot (space/commit; write()
// copies once for other callers), and a full slot is handed to the store's
// ingest as it is (adopted, no second copy). Plaintext never touches disk; a slow disk slows the download down
// once a few slots wait.
import { SlotFiller, releaseSlot } from '../pipeline';
import type { ContentStore, IngestResult } from '../store';
import type { Sink } from './sink';

export interface StoreSink extends Sink {
  /** The stored object once finish() succeeded and no abort() followed. */
  stored(): IngestResult | null;
}

/** Full slots waiting for the store before write() waits too. */
const MAX_WAITING = 3;

export function storeSink(store: ContentStore, expectedSha256: string, onBytes?: (n: number) => void): StoreSink {
  let state: 'open' | 'finishing' | 'finished' | 'aborted' = 'open';
  const filler = new SlotFiller();
  const ready: Buffer[] = [];
  let ended = false;
  let cancelled: Error | null = null;
  let failed: unknown = null;
  let wakeStore: (() => void) | null = null;
  let wakeWriter: (() => void) | null = null;
  let result: IngestResult | null = null;

  const poke = (): void => {
    const w = wakeStore;
    wakeStore = null;
    w?.();
  };
  const pokeWriter = (): void => {
    const w = wakeWriter;
    wakeWriter = null;
    w?.();
  };

  async function* source(): AsyncIterable<Uint8Array> {
    for (;;) {
      while (ready.length === 0 && !ended && cancelled === null) await new Promise<void>((r) => (wakeStore = r));
      if (cancelled) throw cancelled;
      const next = ready.shift();
      pokeWriter();
      if (next) {
        yield next;
        continue;
      }
      // Ended: the last, partial slot (the store copies it and gives it back).
      const last = filler.take();
      if (last) yield last;
      return;
    }
  }

  const ingesting = store.ingest(source(), { expectedSha256 });
  // A store failure (disk full, hash mismatch) must release a writer waiting on it.
  ingesting.catch((e: unknown) => {
    failed ??= e;
    pokeWriter();
  });

  const handOn = (full: Buffer): void => {
    ready.push(full);
    poke();
  };
  /** Resolves once the store has room again (or failed: then it rejects); one wait shared by all who ask. */
  let waiting: Promise<void> | null = null;
  const room = (): Promise<void> => {
    if (waiting) return waiting;
    const p = (async () => {
      while (ready.length >= MAX_WAITING && failed === null && cancelled === null) await new Promise<void>((r) => (wakeWriter = r));
      if (failed !== null) throw failed;
    })();
    waiting = p;
    const clear = (): void => {
      if (waiting === p) waiting = null;
    };
    p.then(clear, clear);
    return p;
  };

  const dropSlots = (): void => {
    for (const s of ready.splice(0)) releaseSlot(s);
    filler.drop();
  };

  return {
    async write(chunk) {
      if (state !== 'open') throw new Error(`write to a ${state} store sink`);
      if (failed !== null) throw failed;
      filler.copy(chunk, handOn);
      await room();
      onBytes?.(chunk.length);
    },
    space() {
      if (state !== 'open') throw new Error(`read into a ${state} store sink`);
      return filler.space();
    },
    commit(n) {
      if (state !== 'open') throw new Error(`commit to a ${state} store sink`);
      if (failed !== null) throw failed;
      filler.advance(n, handOn);
      onBytes?.(n);
      return ready.length >= MAX_WAITING ? room() : null;
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
        dropSlots();
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
