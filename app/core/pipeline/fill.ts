// The source side of the pipeline: plaintext into slots.
import { SLOT_BYTES, SlotFiller, acquireSlot, discardSlot, isSlot, releaseSlot } from './slots';

/** A file-like source read at positions, so the next slot is read while this one is worked on. */
export interface PositionalSource {
  /** Fills `into` from `position` as far as the source goes; returns the bytes read (0 at the end). */
  readAt(into: Buffer, position: number): Promise<number>;
}

export type ByteSource = AsyncIterable<Uint8Array> | PositionalSource;

function isPositional(s: ByteSource): s is PositionalSource {
  return typeof (s as PositionalSource).readAt === 'function';
}

async function settleRead(a: { slot: Buffer; read: Promise<number> }): Promise<void> {
  await a.read.then(
    () => releaseSlot(a.slot),
    () => discardSlot(a.slot),
  );
}

/** Reads ahead this many slots from a positional source. */
const READ_AHEAD = 2;

/**
 * Yields the source's bytes in slots: each a full slot except the last, which
 * may be shorter (or empty when the source is). The consumer owns each slot
 * yielded and releases it (releaseSlot) once done with it. A positional
 * source is read straight into slots, two ahead; an iterable's pieces are
 * adopted when they are whole slots (the TIS sink fills them) and copied once
 * otherwise.
 */
export async function* fillSlots(source: ByteSource): AsyncGenerator<Buffer> {
  if (isPositional(source)) {
    const ahead: Array<{ slot: Buffer; read: Promise<number> }> = [];
    let pos = 0;
    let ended = false;
    const start = (): void => {
      const slot = acquireSlot();
      const read = source.readAt(slot, pos);
      read.catch(() => undefined);
      ahead.push({ slot, read });
      pos += SLOT_BYTES;
    };
    try {
      start();
      while (ahead.length) {
        if (!ended) while (ahead.length < READ_AHEAD) start();
        const { slot, read } = ahead.shift()!;
        let n: number;
        try {
          n = await read;
        } catch (e) {
          // A read that failed (or timed out) may still land in this memory: never reuse it.
          discardSlot(slot);
          throw e;
        }
        if (n < SLOT_BYTES) {
          ended = true;
          // Reads started past the end hold nothing, but must finish before their slots are reused.
          for (const a of ahead.splice(0)) await settleRead(a);
        }
        yield slot.subarray(0, n);
      }
    } finally {
      for (const a of ahead.splice(0)) await settleRead(a);
    }
    return;
  }
  const filler = new SlotFiller();
  try {
    for await (const piece of source) {
      if (filler.filled === 0 && piece.byteLength === SLOT_BYTES && isSlot(piece)) {
        yield piece as Buffer;
        continue;
      }
      const full: Buffer[] = [];
      filler.copy(piece, (s) => full.push(s));
      // A slot the source filled for us but could not hand over whole is copied and given back.
      if (isSlot(piece)) releaseSlot(piece);
      // Each slot yielded is the consumer's; if it stops early, the ones not yet yielded go back.
      let i = 0;
      try {
        for (; i < full.length; i++) yield full[i]!;
      } finally {
        for (const rest of full.slice(i + 1)) releaseSlot(rest);
      }
    }
    yield filler.take() ?? acquireSlot().subarray(0, 0);
  } finally {
    filler.drop();
  }
}
