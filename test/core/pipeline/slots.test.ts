// A released slot holds no plaintext: the pool's slots are zeroed with
// WebAssembly's memory.fill (zero-fill.ts), the ones beyond it with a copy;
// on the hash worker too, when it is asked to wipe what it hashed.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SLOT_BYTES, Sha256Stream, acquireSlot, isAligned, releaseSlot } from '../../../app/core/pipeline';
import { zeroFiller } from '../../../app/core/pipeline/zero-fill';

const allZero = (b: Uint8Array): boolean => b.every((x) => x === 0);

describe('slot wiping', () => {
  it('[PL-5.1] a released pool slot is zeroed to its last byte, and only its own bytes', () => {
    const [a, b, c] = [acquireSlot(), acquireSlot(), acquireSlot()];
    for (const s of [a, b, c]) {
      expect(isAligned(s)).toBe(true);
      crypto.randomFillSync(s);
    }
    const keptA = Buffer.from(a);
    const keptC = Buffer.from(c);
    releaseSlot(b);
    // The view stays readable after release: the memory is the pool's.
    expect(allZero(b)).toBe(true);
    expect(a.equals(keptA)).toBe(true);
    expect(c.equals(keptC)).toBe(true);
    releaseSlot(a);
    releaseSlot(c);
    expect(allZero(a) && allZero(c)).toBe(true);
  });

  it('[PL-5.1] releasing with `used` wipes those bytes (the rest of a released slot is already zero)', () => {
    const s = acquireSlot();
    crypto.randomFillSync(s, 0, 1000);
    releaseSlot(s.subarray(0, 1000), 1000);
    expect(allZero(s)).toBe(true);
  });

  it('[PL-5.1] slots beyond the pool are wiped too', () => {
    const held: Buffer[] = [];
    for (let i = 0; i < 40; i++) held.push(acquireSlot());
    const extra = held.filter((s) => !isAligned(s));
    expect(extra.length).toBeGreaterThan(0);
    for (const s of held) crypto.randomFillSync(s, 0, 4096);
    for (const s of held) releaseSlot(s, 4096);
    for (const s of held) expect(allZero(s.subarray(0, 4096))).toBe(true);
  });

  it('[PL-5.1] zeroFiller zeroes exactly its range and refuses one past the memory, changing nothing', () => {
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
    const view = Buffer.from(memory.buffer as unknown as SharedArrayBuffer);
    view.fill(7);
    const zero = zeroFiller(memory);
    zero(100, 50);
    expect(view[99]).toBe(7);
    expect(allZero(view.subarray(100, 150))).toBe(true);
    expect(view[150]).toBe(7);
    expect(() => zero(view.length - 10, 11)).toThrow(RangeError);
    expect(() => zero(-1, 1)).toThrow(RangeError);
    expect(view[view.length - 1]).toBe(7);
    zero(0, SLOT_BYTES > view.length ? view.length : SLOT_BYTES);
    expect(allZero(view)).toBe(true);
  });

  it('[PL-5.1] the hash worker zeroes the slots it was asked to wipe, in the pool and beyond it, and nothing next to them', async () => {
    // Pool slots are zeroed there by memory.fill on the pool's memory, others by a copy from zeros.
    const held: Buffer[] = [];
    for (let i = 0; i < 40; i++) held.push(acquireSlot());
    const pooled = held.filter((s) => isAligned(s)).sort((a, b) => a.byteOffset - b.byteOffset);
    const extra = held.find((s) => !isAligned(s))!;
    // Three slots side by side in the pool's memory.
    const i = pooled.findIndex((s, k) => pooled[k + 2]?.byteOffset === s.byteOffset + 2 * SLOT_BYTES);
    expect(i).toBeGreaterThanOrEqual(0);
    const [before, target, after] = pooled.slice(i, i + 3) as [Buffer, Buffer, Buffer];
    for (const s of [before, target, after, extra]) crypto.randomFillSync(s);
    const keptBefore = Buffer.from(before);
    const keptAfter = Buffer.from(after);
    for (const s of [target, extra]) {
      const want = crypto.createHash('sha256').update(s).digest('hex');
      const h = new Sha256Stream({ worker: true });
      await h.update(s, { wipe: true });
      expect(await h.digest()).toBe(want);
      expect(allZero(s)).toBe(true);
    }
    expect(before.equals(keptBefore)).toBe(true);
    expect(after.equals(keptAfter)).toBe(true);
    for (const s of held) releaseSlot(s);
  });
});
