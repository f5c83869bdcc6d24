import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SLOT_BYTES, acquireSlot, releaseSlot } from '../../../app/core/pipeline';
import { derivePayloadKey, openChunk, sealChunk } from '../../../app/core/store/chunked-aead';
import { SlotSealer, type Sealed } from '../../../app/core/store/slot-sealer';

/** What sealChunk makes of `plain` chunk by chunk: the format's definition. */
function reference(objectKey: Buffer, s: SlotSealer, plain: Buffer): Buffer {
  const key = derivePayloadKey(objectKey, s.header.salt);
  const cs = s.header.chunkSize;
  const n = Math.max(1, Math.ceil(plain.length / cs));
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) out.push(...sealChunk(key, s.header, i, i === n - 1, plain.subarray(i * cs, (i + 1) * cs)));
  return Buffer.concat(out);
}

async function take(p: Promise<Sealed>): Promise<Buffer> {
  const s = await p;
  const b = Buffer.concat(s.pieces.map((x) => Buffer.from(x)));
  s.release();
  return b;
}

/** Seals `plain` as the store does: slot by slot, the next sent before the last is back. */
async function sealInSlots(s: SlotSealer, plain: Buffer): Promise<Buffer> {
  const pending: Array<{ sealed: Promise<Sealed>; slot: Buffer }> = [];
  for (let off = 0; off < plain.length; off += SLOT_BYTES) {
    const slot = acquireSlot().subarray(0, Math.min(SLOT_BYTES, plain.length - off));
    plain.copy(slot, 0, off, off + slot.length);
    pending.push({ sealed: s.seal(slot), slot });
  }
  const out: Buffer[] = [];
  for (const { sealed, slot } of pending) {
    out.push(await take(sealed));
    releaseSlot(slot, slot.length);
  }
  out.push(await take(s.finish()));
  return Buffer.concat(out);
}

describe('SlotSealer (sealing on the cipher worker)', () => {
  it('[Q-3] [PL-2.2] seals on the worker byte for byte as sealChunk does, across slots, for chunk sizes that do and do not divide a slot', async () => {
    for (const [chunkSize, size] of [
      [256 * 1024, 3 * SLOT_BYTES + 12345],
      [3000, 2 * SLOT_BYTES + 1],
      [1024, SLOT_BYTES],
      [256 * 1024, 2 * SLOT_BYTES],
    ] as const) {
      const objectKey = crypto.randomBytes(32);
      const plain = crypto.randomBytes(size);
      const s = new SlotSealer(objectKey, chunkSize);
      const got = await sealInSlots(s, plain);
      expect(s.onWorker).toBe(true);
      expect(got.equals(reference(objectKey, s, plain)), `chunk size ${chunkSize}, ${size} bytes`).toBe(true);
      // And it opens: the last chunk carries the last flag.
      const key = derivePayloadKey(objectKey, s.header.salt);
      const n = Math.ceil(size / chunkSize);
      const lastAt = (n - 1) * (chunkSize + 16);
      expect(() => openChunk(key, s.header, n - 1, true, got.subarray(lastAt))).not.toThrow();
    }
  });

  it('seals a small stream here, with the same bytes, and never sends it to the worker', async () => {
    const objectKey = crypto.randomBytes(32);
    const plain = crypto.randomBytes(100_000);
    const s = new SlotSealer(objectKey, 4096);
    const got = Buffer.concat([await take(s.seal(plain.subarray(0, 5000))), await take(s.seal(plain.subarray(5000))), await take(s.finish())]);
    expect(s.onWorker).toBe(false);
    expect(got.equals(reference(objectKey, s, plain))).toBe(true);
  });

  it('a stream dropped midway leaves the worker able to seal the next one', async () => {
    const objectKey = crypto.randomBytes(32);
    const dropped = new SlotSealer(objectKey, 256 * 1024);
    const slot = acquireSlot();
    await take(dropped.seal(slot));
    releaseSlot(slot, 0);
    dropped.dispose();
    await expect(dropped.finish()).rejects.toThrow(/finish twice/);
    const plain = crypto.randomBytes(SLOT_BYTES + 7);
    const s = new SlotSealer(objectKey, 256 * 1024);
    expect((await sealInSlots(s, plain)).equals(reference(objectKey, s, plain))).toBe(true);
  });
});
