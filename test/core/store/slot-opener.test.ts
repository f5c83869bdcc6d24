// readSlots: a large object's chunks opened on the cipher worker straight into
// slots (app/core/store/slot-opener.ts), as an export and verify read them.
// The worker must give exactly what openChunk gives on the main thread, and
// fail exactly as it fails: the same IntegrityError for the same chunk,
// reported once, with nothing of a failing slot handed on.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntegrityError } from '../../../app/core/errors';
import { DeviceKey } from '../../../app/core/keys';
import { OwnedSlot, SLOT_BYTES, acquireSlot, isAligned, releaseSlot } from '../../../app/core/pipeline';
import { ContentStore, type IngestResult, type IntegrityFailureInfo } from '../../../app/core/store';
import { chunkOffset } from '../../../app/core/store/chunked-aead';

let tmp: string;
let deviceKey: DeviceKey;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-opener-'));
  deviceKey = DeviceKey.fromBytes(crypto.randomBytes(32));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function storeWith(chunkSize?: number): ContentStore {
  return new ContentStore({ objectsDir: path.join(tmp, 'objects'), stagingDir: path.join(tmp, 'staging'), deviceKey, ...(chunkSize ? { chunkSize } : {}) });
}

async function* pieces(data: Buffer, pieceSize = 1 << 20): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += pieceSize) yield new Uint8Array(data.subarray(i, i + pieceSize));
}

interface Attempt {
  bytes: Buffer;
  /** How many of the pieces were owned slots. */
  slots: number;
  error: unknown;
  failures: IntegrityFailureInfo[];
}

/** Reads with readSlots, copying out and releasing each slot as a consumer must. */
async function readSlotsAttempt(s: ContentStore, r: IngestResult): Promise<Attempt> {
  const failures: IntegrityFailureInfo[] = [];
  const got: Buffer[] = [];
  let slots = 0;
  let error: unknown;
  try {
    for await (const b of s.reader(r.objectId, r.wrappedKey, r.size, { onIntegrityFailure: (i) => failures.push(i) }).readSlots()) {
      if (b instanceof OwnedSlot) {
        slots++;
        got.push(Buffer.from(b.bytes));
        releaseSlot(b.bytes, b.bytes.length);
      } else got.push(Buffer.from(b));
    }
  } catch (e) {
    error = e;
  }
  return { bytes: Buffer.concat(got), slots, error, failures };
}

async function readAllAttempt(s: ContentStore, r: IngestResult): Promise<Attempt> {
  const failures: IntegrityFailureInfo[] = [];
  const got: Buffer[] = [];
  let error: unknown;
  try {
    for await (const b of s.reader(r.objectId, r.wrappedKey, r.size, { onIntegrityFailure: (i) => failures.push(i) }).readAll()) got.push(b);
  } catch (e) {
    error = e;
  }
  return { bytes: Buffer.concat(got), slots: 0, error, failures };
}

function tamper(s: ContentStore, r: IngestResult, f: (b: Buffer) => void): void {
  const file = s.objectPath(r.objectId);
  fs.chmodSync(file, 0o600);
  const b = fs.readFileSync(file);
  f(b);
  fs.writeFileSync(file, b);
}

/** Every slot of the aligned pool is free again: 24 slots in a row all come from it. */
function expectPoolWhole(): void {
  const taken = Array.from({ length: 24 }, () => acquireSlot());
  try {
    expect(taken.every((s) => isAligned(s))).toBe(true);
  } finally {
    for (const s of taken) releaseSlot(s, 0);
  }
}

describe('ObjectReader.readSlots (opening on the cipher worker)', () => {
  it('[Q-3] [DC-4] opens a large object into slots on the worker, byte for byte what readAll decrypts here, for chunk sizes that do and do not divide a slot', async () => {
    for (const [chunkSize, size] of [
      [256 * 1024, 3 * SLOT_BYTES + 12345],
      [3000, 2 * SLOT_BYTES + 1],
      [1024, SLOT_BYTES],
      [64 * 1024, 2 * SLOT_BYTES],
    ] as const) {
      const s = storeWith(chunkSize);
      const plain = crypto.randomBytes(size);
      const r = await s.ingest(pieces(plain));
      const viaSlots = await readSlotsAttempt(s, r);
      expect(viaSlots.error, `chunk size ${chunkSize}`).toBeUndefined();
      expect(viaSlots.slots, `chunk size ${chunkSize}`).toBe(Math.ceil(size / (Math.floor(SLOT_BYTES / chunkSize) * chunkSize)));
      expect(viaSlots.bytes.equals(plain), `chunk size ${chunkSize}, ${size} bytes`).toBe(true);
      expect((await readAllAttempt(s, r)).bytes.equals(plain)).toBe(true);
      expect(await s.verifyObject(r.objectId, r.wrappedKey, r.size, r.sha256)).toEqual({ ok: true });
    }
    expectPoolWhole();
  });

  it('a small object comes as readAll\'s chunks, not through the worker', async () => {
    const s = storeWith();
    const plain = crypto.randomBytes(SLOT_BYTES - 1);
    const r = await s.ingest(pieces(plain));
    const a = await readSlotsAttempt(s, r);
    expect(a.slots).toBe(0);
    expect(a.bytes.equals(plain)).toBe(true);
  });

  it('[Q-3] [DC-4] a flipped byte in the third slot: the slots before it are handed on whole and authentic, then the same IntegrityError as readAll (chunk 37), reported once; verify fails naming the chunk', async () => {
    const s = storeWith();
    const cs = 256 * 1024;
    const plain = crypto.randomBytes(4 * SLOT_BYTES + 500);
    const r = await s.ingest(pieces(plain));
    // Chunk 37 is the sixth chunk of the third slot (16 chunks a slot).
    tamper(s, r, (b) => {
      const at = chunkOffset(37, cs) + 1000;
      b[at] = (b[at] as number) ^ 0x40;
    });
    const viaSlots = await readSlotsAttempt(s, r);
    const viaAll = await readAllAttempt(s, r);
    expect(viaSlots.error).toBeInstanceOf(IntegrityError);
    expect((viaSlots.error as IntegrityError).message).toBe((viaAll.error as IntegrityError).message);
    expect((viaSlots.error as IntegrityError).message).toMatch(new RegExp(`object ${r.objectId}: chunk authentication failed \\(chunk 37\\)`));
    expect(viaSlots.failures).toEqual([{ objectId: r.objectId, reason: 'chunk authentication failed', chunk: 37 }]);
    // Two whole slots, nothing of the third.
    expect(viaSlots.slots).toBe(2);
    expect(viaSlots.bytes.equals(plain.subarray(0, 2 * SLOT_BYTES))).toBe(true);
    const v = await s.verifyObject(r.objectId, r.wrappedKey, r.size, r.sha256);
    expect(v).toEqual({ ok: false, problem: `object ${r.objectId}: chunk authentication failed (chunk 37)` });
    expectPoolWhole();
  });

  it('[Q-3] [DC-4] two chunks swapped across a slot boundary, and the last chunk cut off with the size shortened to match, are detected on the worker', async () => {
    const s = storeWith();
    const cs = 256 * 1024;
    const plain = crypto.randomBytes(3 * SLOT_BYTES);
    const r = await s.ingest(pieces(plain));
    tamper(s, r, (b) => {
      const a = Buffer.from(b.subarray(chunkOffset(15, cs), chunkOffset(16, cs)));
      b.copy(b, chunkOffset(15, cs), chunkOffset(16, cs), chunkOffset(17, cs));
      a.copy(b, chunkOffset(16, cs));
    });
    const swapped = await readSlotsAttempt(s, r);
    expect((swapped.error as IntegrityError).message).toMatch(/chunk authentication failed \(chunk 15\)/);
    expect(swapped.slots).toBe(0);

    const plain2 = crypto.randomBytes(3 * SLOT_BYTES);
    const r2 = await s.ingest(pieces(plain2));
    const file = s.objectPath(r2.objectId);
    fs.chmodSync(file, 0o600);
    fs.truncateSync(file, chunkOffset(47, cs));
    // The catalog's size shortened to 47 whole chunks: chunk 46 was not sealed as the last.
    const cut = await readSlotsAttempt(s, { ...r2, size: 47 * cs });
    expect((cut.error as IntegrityError).message).toMatch(/chunk authentication failed \(chunk 46\)/);
    expect(cut.bytes.equals(plain2.subarray(0, cut.bytes.length))).toBe(true);
    expect(cut.bytes.length).toBeLessThanOrEqual(46 * cs);
    expectPoolWhole();
  });

  it('a consumer that stops after the first slot leaves no slot taken and the worker opens the next object', async () => {
    const s = storeWith();
    const plain = crypto.randomBytes(6 * SLOT_BYTES);
    const r = await s.ingest(pieces(plain));
    for await (const b of s.reader(r.objectId, r.wrappedKey, r.size).readSlots()) {
      expect(b).toBeInstanceOf(OwnedSlot);
      if (b instanceof OwnedSlot) releaseSlot(b.bytes, b.bytes.length);
      break;
    }
    expectPoolWhole();
    const again = await readSlotsAttempt(s, r);
    expect(again.bytes.equals(plain)).toBe(true);
  });

  it('[Q-3] a wrong device key fails before any slot is opened', async () => {
    const s = storeWith();
    const r = await s.ingest(pieces(crypto.randomBytes(2 * SLOT_BYTES)));
    const elsewhere = new ContentStore({ objectsDir: path.join(tmp, 'objects'), stagingDir: path.join(tmp, 'staging'), deviceKey: DeviceKey.fromBytes(crypto.randomBytes(32)) });
    const a = await readSlotsAttempt(elsewhere, r);
    expect(a.error).toBeInstanceOf(IntegrityError);
    expect(a.slots).toBe(0);
    expect(a.failures).toHaveLength(1);
  });
});
