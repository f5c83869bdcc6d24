import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntegrityError, KioskError } from '../../../app/core/errors';
import { DeviceKey } from '../../../app/core/keys';
import { ContentStore, type IngestResult, type IntegrityFailureInfo } from '../../../app/core/store';
import { DEFAULT_CHUNK_SIZE, HEADER_LEN, TAG_LEN, chunkOffset } from '../../../app/core/store/chunked-aead';
import { SLOT_BYTES, acquireSlot } from '../../../app/core/pipeline';

const CS = DEFAULT_CHUNK_SIZE;
const SEALED = CS + TAG_LEN;

let tmp: string;
let store: ContentStore;
let deviceKey: DeviceKey;
let objectsDir: string;
let stagingDir: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-'));
  objectsDir = path.join(tmp, 'objects');
  stagingDir = path.join(tmp, 'staging');
  deviceKey = DeviceKey.fromBytes(crypto.randomBytes(32));
  store = new ContentStore({ objectsDir, stagingDir, deviceKey });
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function* pieces(data: Buffer, pieceSize = 10_000): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += pieceSize) yield new Uint8Array(data.subarray(i, i + pieceSize));
}

function sha(b: Buffer): string {
  return crypto.createHash('sha256').update(b).digest('hex');
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

/** Object files are read-only once stored; tests that tamper make them writable first. */
function writable(file: string): string {
  fs.chmodSync(file, 0o600);
  return file;
}

interface Attempt {
  bytes: Buffer;
  error: unknown;
  failures: IntegrityFailureInfo[];
}

/** Reads everything, keeping what was yielded before the failure: that is what a player would have shown. */
async function readAllAttempt(s: ContentStore, r: IngestResult, size = r.size, wrappedKey = r.wrappedKey): Promise<Attempt> {
  const failures: IntegrityFailureInfo[] = [];
  const got: Buffer[] = [];
  let error: unknown;
  try {
    for await (const b of s.reader(r.objectId, wrappedKey, size, { onIntegrityFailure: (i) => failures.push(i) }).readAll()) {
      got.push(b);
    }
  } catch (e) {
    error = e;
  }
  return { bytes: Buffer.concat(got), error, failures };
}

async function readRangeAttempt(s: ContentStore, r: IngestResult, start: number, end: number, size = r.size): Promise<Attempt> {
  const failures: IntegrityFailureInfo[] = [];
  try {
    const bytes = await s.reader(r.objectId, r.wrappedKey, size, { onIntegrityFailure: (i) => failures.push(i) }).readRange(start, end);
    return { bytes, error: undefined, failures };
  } catch (e) {
    return { bytes: Buffer.alloc(0), error: e, failures };
  }
}

/**
 * The failure is an IntegrityError naming the object, reported once to the
 * hook, and every byte handed out before it belongs to chunks before
 * `firstBadChunk` and equals the original plaintext.
 */
function expectDetected(a: Attempt, objectId: string, plain: Buffer, firstBadChunk: number, reason?: RegExp): void {
  expect(a.error).toBeInstanceOf(IntegrityError);
  const e = a.error as IntegrityError;
  expect(e.subject).toBe(objectId);
  expect(e.message).toContain(objectId);
  expect(e.code).toBe('integrity');
  if (reason) expect(e.message).toMatch(reason);
  expect(a.failures).toHaveLength(1);
  expect(a.failures[0]?.objectId).toBe(objectId);
  expect(a.bytes.length).toBeLessThanOrEqual(firstBadChunk * CS);
  expect(a.bytes.equals(plain.subarray(0, a.bytes.length))).toBe(true);
}

async function put(plain: Buffer, s: ContentStore = store): Promise<IngestResult> {
  return s.ingest(pieces(plain));
}

describe('ContentStore.ingest', () => {
  it('[PL-5.1] stores content encrypted under its SHA-256 address, write-once, and reads it back', async () => {
    const plain = crypto.randomBytes(3 * CS + 1234);
    const progress: number[] = [];
    const r = await store.ingest(pieces(plain), { expectedSha256: sha(plain).toUpperCase(), onProgress: (n) => progress.push(n) });
    expect(r.sha256).toBe(sha(plain));
    expect(r.size).toBe(plain.length);
    expect(r.objectId).toMatch(new RegExp(`^${r.sha256}-[0-9a-f]{8}$`));
    const file = store.objectPath(r.objectId);
    expect(file).toBe(path.join(objectsDir, r.sha256.slice(0, 2), r.objectId));
    expect(fs.statSync(file).size).toBe(HEADER_LEN + plain.length + 4 * TAG_LEN);
    expect(fs.statSync(file).mode & 0o777).toBe(0o400);
    expect(fs.readFileSync(file).subarray(0, 4).toString()).toBe('CKS1');
    expect(progress.at(-1)).toBe(plain.length);
    expect(filesUnder(stagingDir)).toEqual([]);

    const got: Buffer[] = [];
    for await (const b of store.reader(r.objectId, r.wrappedKey, r.size).readAll()) got.push(b);
    expect(Buffer.concat(got).equals(plain)).toBe(true);
    expect(await store.verifyObject(r.objectId, r.wrappedKey, r.size, r.sha256)).toEqual({ ok: true });
  });

  it('[PL-5.1] never writes plaintext to disk, in staging during ingest or in the stored object', async () => {
    const marker = Buffer.from('PLAINTEXT-MARKER-0123456789');
    const plain = Buffer.alloc(12 * 1024 * 1024);
    for (let i = 0; i < plain.length; i += marker.length) marker.copy(plain, i);
    const seen: Buffer[] = [];
    const size = (f: string): number => fs.statSync(f).size;
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < plain.length; i += 1 << 20) {
        yield plain.subarray(i, i + (1 << 20));
        if (i === 10 << 20) {
          // The first slot's sealed blocks are on their way to the staging file by
          // now; under load they may not have landed (CI once read it empty here),
          // so wait for them, with the rest of the source held back, then look.
          const deadline = Date.now() + 30_000;
          while (Date.now() < deadline && !filesUnder(stagingDir).some((f) => size(f) > 1 << 20)) await new Promise((r) => setTimeout(r, 5));
          for (const f of filesUnder(stagingDir)) seen.push(fs.readFileSync(f));
        }
      }
    }
    const r = await store.ingest(source());
    expect(seen.length).toBe(1);
    expect(seen[0]?.length).toBeGreaterThan(1 << 20);
    const stored = fs.readFileSync(store.objectPath(r.objectId));
    for (const b of [...seen, stored]) expect(b.includes(marker)).toBe(false);
  });

  it('handles empty content as one empty final chunk', async () => {
    const r = await put(Buffer.alloc(0));
    expect(r.size).toBe(0);
    expect(r.sha256).toBe(sha(Buffer.alloc(0)));
    expect(fs.statSync(store.objectPath(r.objectId)).size).toBe(HEADER_LEN + TAG_LEN);
    const a = await readAllAttempt(store, r);
    expect(a.error).toBeUndefined();
    expect(a.bytes.length).toBe(0);
    expect((await store.reader(r.objectId, r.wrappedKey, 0).readRange(0, 0)).length).toBe(0);
    expect(await store.verifyObject(r.objectId, r.wrappedKey, 0, r.sha256)).toEqual({ ok: true });
  });

  it('round-trips content that is an exact multiple of the chunk size, from pieces of any size', async () => {
    const plain = crypto.randomBytes(2 * CS);
    for (const pieceSize of [1, 7, CS, CS + 1, 3 * CS]) {
      const small = pieceSize === 1 ? plain.subarray(0, 3000) : plain;
      const r = await store.ingest(pieces(small, pieceSize));
      expect((await readAllAttempt(store, r)).bytes.equals(small)).toBe(true);
    }
  });

  it('hashes on the worker (a source of whole 4 MiB slots and more) or inline (less) with the same result, from pieces or a positional reader, and cleans up after a failing source either way', async () => {
    for (const plain of [crypto.randomBytes(3 * CS + 17), crypto.randomBytes(2 * SLOT_BYTES + 5), crypto.randomBytes(SLOT_BYTES)]) {
      const r = await store.ingest(pieces(plain, CS + 3), { expectedSha256: sha(plain) });
      expect(r.sha256).toBe(sha(plain));
      expect((await readAllAttempt(store, r)).bytes.equals(plain)).toBe(true);
      const positional = { readAt: async (into: Buffer, at: number) => plain.copy(into, 0, Math.min(at, plain.length)) };
      const p = await store.ingest(positional, { expectedSha256: sha(plain) });
      expect(p.size).toBe(plain.length);
      expect((await readAllAttempt(store, p)).bytes.equals(plain)).toBe(true);
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield plain;
        throw new Error('read error on carrier');
      }
      await expect(store.ingest(failing())).rejects.toThrow('read error on carrier');
      const failingReader = { readAt: async (into: Buffer, at: number) => (at > 0 ? Promise.reject(new Error('carrier read timed out')) : plain.copy(into, 0, 0)) };
      if (plain.length >= SLOT_BYTES) await expect(store.ingest(failingReader)).rejects.toThrow('carrier read timed out');
      expect(filesUnder(stagingDir)).toEqual([]);
    }
  });

  it('[PL-5.1] every slot an ingest hashed and sealed is zero once it returns, stored or refused', async () => {
    // Whole slots from the source are adopted as they are: the very memory the
    // two workers read, zeroed once both are done with it, on the way back to the pool.
    for (const expected of [undefined, '0'.repeat(64)]) {
      const slots = Array.from({ length: 5 }, () => crypto.randomFillSync(acquireSlot()));
      const tail = crypto.randomBytes(1000);
      const want = crypto.createHash('sha256');
      for (const s of slots) want.update(s);
      want.update(tail);
      async function* source(): AsyncGenerator<Uint8Array> {
        yield* slots;
        yield tail;
      }
      const ingest = store.ingest(source(), { expectedSha256: expected });
      if (expected === undefined) {
        const r = await ingest;
        expect(r.sha256).toBe(want.digest('hex'));
        // What was sealed is what was hashed: no slot was zeroed under the cipher.
        expect(await store.verifyObject(r.objectId, r.wrappedKey, r.size, r.sha256)).toEqual({ ok: true });
      } else await expect(ingest).rejects.toThrow('SHA-256 mismatch');
      for (const s of slots) expect(s.every((x) => x === 0)).toBe(true);
    }
    expect(filesUnder(stagingDir)).toEqual([]);
  });

  it('gives identical content two distinct objects with distinct keys', async () => {
    const plain = crypto.randomBytes(5000);
    const a = await put(plain);
    const b = await put(plain);
    expect(a.sha256).toBe(b.sha256);
    expect(a.objectId).not.toBe(b.objectId);
    expect(fs.readFileSync(store.objectPath(a.objectId)).equals(fs.readFileSync(store.objectPath(b.objectId)))).toBe(false);
  });

  it('[Q-2] stores nothing when the content does not match expectedSha256', async () => {
    const plain = crypto.randomBytes(CS + 5);
    const wrong = sha(Buffer.from('something else'));
    const e = await store.ingest(pieces(plain), { expectedSha256: wrong }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KioskError);
    expect((e as Error).message).toContain(`expected ${wrong}`);
    expect((e as Error).message).toContain(`got ${sha(plain)}`);
    expect(filesUnder(objectsDir)).toEqual([]);
    expect(filesUnder(stagingDir)).toEqual([]);
  });

  it('[Q-1] stores nothing and rethrows when the source fails midway', async () => {
    const boom = new Error('carrier pulled');
    async function* source(): AsyncGenerator<Uint8Array> {
      yield crypto.randomBytes(5 * 1024 * 1024);
      throw boom;
    }
    await expect(store.ingest(source())).rejects.toBe(boom);
    expect(filesUnder(objectsDir)).toEqual([]);
    expect(filesUnder(stagingDir)).toEqual([]);
  });

  it('[Q-1] stores nothing when aborted', async () => {
    const ac = new AbortController();
    async function* source(): AsyncGenerator<Uint8Array> {
      yield crypto.randomBytes(CS * 3);
      ac.abort(new Error('clerk cancelled'));
      yield crypto.randomBytes(CS);
    }
    await expect(store.ingest(source(), { signal: ac.signal })).rejects.toThrow('clerk cancelled');
    expect(filesUnder(objectsDir)).toEqual([]);
    expect(filesUnder(stagingDir)).toEqual([]);
  });

  it('refuses object ids that could escape the store', () => {
    for (const id of ['../x', `${'a'.repeat(64)}-0000000/`, '', `${'a'.repeat(64)}-0000000g`]) {
      expect(() => store.objectPath(id)).toThrow(KioskError);
    }
  });
});

describe('ContentStore.reader random access', () => {
  it('readRange equals the plaintext slice for many random ranges, chunk boundaries, empty and whole ranges', async () => {
    const plain = crypto.randomBytes(5 * CS + 777);
    const r = await put(plain);
    const reader = store.reader(r.objectId, r.wrappedKey, r.size);
    const n = plain.length;
    const ranges: [number, number][] = [
      [0, 0], [0, n], [n, n], [n - 1, n], [0, 1], [CS - 1, CS], [CS, CS + 1], [CS - 1, CS + 1],
      [CS, 2 * CS], [CS, CS], [2 * CS - 1, 4 * CS + 1], [5 * CS, n], [5 * CS - 1, n], [3, n - 3],
    ];
    let seed = 42;
    const rnd = (m: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % m;
    };
    for (let i = 0; i < 300; i++) {
      const a = rnd(n + 1);
      const len = i % 3 === 0 ? rnd(50) : rnd(n + 1 - a);
      ranges.push([a, Math.min(n, a + len)]);
    }
    for (const [a, b] of ranges) {
      const got = await reader.readRange(a, b);
      expect(got.length).toBe(b - a);
      expect(got.equals(plain.subarray(a, b)), `range [${a}, ${b})`).toBe(true);
    }
  });

  it('[Q-3] an object stored with 64 KiB chunks (before chunks became 256 KiB) is read, range-read and verified by today\'s store, and tampering in it is still detected', async () => {
    expect(CS).toBe(256 * 1024);
    const old = new ContentStore({ objectsDir, stagingDir, deviceKey, chunkSize: 64 * 1024 });
    const plain = crypto.randomBytes(3 * CS + 1234);
    const r = await put(plain, old);
    expect(fs.readFileSync(store.objectPath(r.objectId)).readUInt32BE(8)).toBe(64 * 1024);
    expect((await readAllAttempt(store, r)).bytes.equals(plain)).toBe(true);
    const reader = store.reader(r.objectId, r.wrappedKey, r.size);
    for (const [a, b] of [[0, 10], [65535, 65537], [CS - 3, CS + 70000], [plain.length - 5, plain.length]] as [number, number][]) {
      expect((await reader.readRange(a, b)).equals(plain.subarray(a, b))).toBe(true);
    }
    expect(await store.verifyObject(r.objectId, r.wrappedKey, r.size, sha(plain))).toEqual({ ok: true });
    const file = store.objectPath(r.objectId);
    fs.chmodSync(file, 0o600);
    const bytes = fs.readFileSync(file);
    bytes.writeUInt8(bytes.readUInt8(HEADER_LEN + 70000) ^ 1, HEADER_LEN + 70000);
    fs.writeFileSync(file, bytes);
    const v = await store.verifyObject(r.objectId, r.wrappedKey, r.size, sha(plain));
    expect(v.ok).toBe(false);
    expect(v.ok ? '' : v.problem).toMatch(/chunk 1\b/);
  });

  it('readRange throws RangeError outside [0, size] instead of clamping', async () => {
    const r = await put(crypto.randomBytes(1000));
    const reader = store.reader(r.objectId, r.wrappedKey, r.size);
    for (const [a, b] of [[-1, 10], [0, 1001], [10, 5], [1001, 1001], [0.5, 3], [0, Number.NaN]] as [number, number][]) {
      await expect(reader.readRange(a, b), `[${a}, ${b})`).rejects.toBeInstanceOf(RangeError);
    }
  });
});

describe('ContentStore tamper detection', () => {
  // 4 full chunks and a partial fifth.
  const N_FULL = 4;
  let plain: Buffer;
  let r: IngestResult;
  let file: string;
  beforeEach(async () => {
    plain = crypto.randomBytes(N_FULL * CS + 999);
    r = await put(plain);
    file = writable(store.objectPath(r.objectId));
  });

  it('[Q-3] [DC-4] detects a flipped byte in a chunk', async () => {
    const b = fs.readFileSync(file);
    const at = chunkOffset(2, CS) + 100;
    b[at] = (b[at] as number) ^ 0x01;
    fs.writeFileSync(file, b);
    const all = await readAllAttempt(store, r);
    expectDetected(all, r.objectId, plain, 2, /chunk authentication failed \(chunk 2\)/);
    expect(all.failures[0]?.chunk).toBe(2);
    // Chunks before it were authenticated on their own and may be shown; nothing of chunk 2 was.
    expect(all.bytes.length).toBe(2 * CS);
    const range = await readRangeAttempt(store, r, 2 * CS + 50, 2 * CS + 60);
    expectDetected(range, r.objectId, plain, 0);
    // A range spanning an intact chunk and the bad one returns nothing at all.
    expectDetected(await readRangeAttempt(store, r, CS, 3 * CS), r.objectId, plain, 0);
    // An untouched chunk still reads.
    expect((await readRangeAttempt(store, r, 0, 10)).bytes.equals(plain.subarray(0, 10))).toBe(true);
    const v = await store.verifyObject(r.objectId, r.wrappedKey, r.size, r.sha256);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.problem).toContain(r.objectId);
  });

  it('[Q-3] [DC-4] detects a flipped byte in the header', async () => {
    for (const at of [9, 20]) {
      const b = fs.readFileSync(file);
      const orig = Buffer.from(b);
      b[at] = (b[at] as number) ^ 0x01;
      fs.writeFileSync(file, b);
      expectDetected(await readAllAttempt(store, r), r.objectId, plain, 0);
      expectDetected(await readRangeAttempt(store, r, 0, 1), r.objectId, plain, 0);
      fs.writeFileSync(file, orig);
    }
  });

  it('[Q-3] [DC-4] detects two chunks swapped', async () => {
    const b = fs.readFileSync(file);
    const c1 = Buffer.from(b.subarray(chunkOffset(1, CS), chunkOffset(1, CS) + SEALED));
    const c2 = Buffer.from(b.subarray(chunkOffset(2, CS), chunkOffset(2, CS) + SEALED));
    c2.copy(b, chunkOffset(1, CS));
    c1.copy(b, chunkOffset(2, CS));
    fs.writeFileSync(file, b);
    const all = await readAllAttempt(store, r);
    expectDetected(all, r.objectId, plain, 1, /chunk 1/);
    expect(all.failures[0]?.chunk).toBe(1);
    expectDetected(await readRangeAttempt(store, r, 2 * CS, 2 * CS + 5), r.objectId, plain, 0, /chunk 2/);
  });

  it('[Q-3] [DC-4] detects a chunk copied from another object at the same position', async () => {
    const other = await put(crypto.randomBytes(plain.length));
    const ob = fs.readFileSync(store.objectPath(other.objectId));
    const b = fs.readFileSync(file);
    ob.copy(b, chunkOffset(3, CS), chunkOffset(3, CS), chunkOffset(3, CS) + SEALED);
    fs.writeFileSync(file, b);
    const all = await readAllAttempt(store, r);
    expectDetected(all, r.objectId, plain, 3, /chunk 3/);
    expect(all.bytes.length).toBe(3 * CS);
  });

  it('[Q-3] [DC-4] detects a whole object file replaced by another object (and swapped wrapped keys)', async () => {
    const other = await put(crypto.randomBytes(plain.length));
    fs.copyFileSync(store.objectPath(other.objectId), file);
    expectDetected(await readAllAttempt(store, r), r.objectId, plain, 0);
    // The other object's own key, recorded against this object id, does not unwrap either.
    expectDetected(await readAllAttempt(store, r, r.size, other.wrappedKey), r.objectId, plain, 0, /wrong device key/);
  });

  it('[Q-3] [DC-4] detects a truncated file', async () => {
    // Cut inside the last chunk, and at a chunk boundary (the last chunk dropped).
    for (const len of [fs.statSync(file).size - 1, chunkOffset(N_FULL, CS), HEADER_LEN + 3, 10, 0]) {
      const orig = fs.readFileSync(file);
      fs.truncateSync(file, len);
      const all = await readAllAttempt(store, r);
      expectDetected(all, r.objectId, plain, 0, /truncated|shorter/);
      expect(all.bytes.length).toBe(0);
      expectDetected(await readRangeAttempt(store, r, 0, 1), r.objectId, plain, 0);
      fs.writeFileSync(file, orig);
    }
  });

  it('[Q-3] [DC-4] detects truncation at a chunk boundary even when the recorded size is shortened to match', async () => {
    // The file is consistent with a plaintext of N_FULL*CS bytes, but chunk N_FULL-1 was not sealed as the last one.
    fs.truncateSync(file, chunkOffset(N_FULL, CS));
    const all = await readAllAttempt(store, r, N_FULL * CS);
    expectDetected(all, r.objectId, plain, N_FULL - 1, new RegExp(`chunk ${N_FULL - 1}`));
    expectDetected(await readRangeAttempt(store, r, N_FULL * CS - 1, N_FULL * CS, N_FULL * CS), r.objectId, plain, 0);
  });

  it('[Q-3] [DC-4] detects an appended chunk', async () => {
    const b = fs.readFileSync(file);
    const extra = b.subarray(chunkOffset(1, CS), chunkOffset(1, CS) + SEALED);
    fs.appendFileSync(file, extra);
    const all = await readAllAttempt(store, r);
    expectDetected(all, r.objectId, plain, 0, /extra data/);
    expect(all.bytes.length).toBe(0);
  });

  it('[Q-3] [DC-4] detects an appended chunk even when the recorded size is extended to match', async () => {
    // Content that ends on a chunk boundary, then a sealed chunk of another object appended.
    const exact = crypto.randomBytes(2 * CS);
    const x = await put(exact);
    const xf = writable(store.objectPath(x.objectId));
    const other = await put(crypto.randomBytes(3 * CS));
    const ob = fs.readFileSync(store.objectPath(other.objectId));
    fs.appendFileSync(xf, ob.subarray(chunkOffset(2, CS), chunkOffset(2, CS) + SEALED));
    const all = await readAllAttempt(store, x, 3 * CS);
    expectDetected(all, x.objectId, exact, 1, /chunk 1/);
    expect(all.bytes.equals(exact.subarray(0, CS))).toBe(true);
  });

  it('[Q-3] [DC-4] detects a wrong device key', async () => {
    const elsewhere = new ContentStore({ objectsDir, stagingDir, deviceKey: DeviceKey.fromBytes(crypto.randomBytes(32)) });
    const all = await readAllAttempt(elsewhere, r);
    expectDetected(all, r.objectId, plain, 0, /wrong device key or damaged wrapped key/);
    expect(all.bytes.length).toBe(0);
    expectDetected(await readRangeAttempt(elsewhere, r, 0, 100), r.objectId, plain, 0, /wrong device key/);
    const v = await elsewhere.verifyObject(r.objectId, r.wrappedKey, r.size, r.sha256);
    expect(v).toEqual({ ok: false, problem: expect.stringContaining('wrong device key') });
  });

  it('[Q-3] [DC-4] detects a deleted object file', async () => {
    fs.unlinkSync(file);
    const all = await readAllAttempt(store, r);
    expectDetected(all, r.objectId, plain, 0, /object file missing/);
    expectDetected(await readRangeAttempt(store, r, 5, 6), r.objectId, plain, 0, /missing/);
    const v = await store.verifyObject(r.objectId, r.wrappedKey, r.size, r.sha256);
    expect(v).toEqual({ ok: false, problem: expect.stringContaining(r.objectId) });
  });

  it('[DC-4] verifyObject reports a whole-content SHA-256 that differs from the catalog', async () => {
    const v = await store.verifyObject(r.objectId, r.wrappedKey, r.size, sha(Buffer.from('other')));
    expect(v.ok).toBe(false);
    expect(!v.ok && v.problem).toMatch(/SHA-256 mismatch/);
  });
});

describe('ContentStore.shred and sweepOrphans', () => {
  it('[PL-7] shred deletes the object file; a second shred is fine; reading afterwards is an integrity failure', async () => {
    const r = await put(crypto.randomBytes(100));
    await store.shred(r.objectId);
    expect(fs.existsSync(store.objectPath(r.objectId))).toBe(false);
    await store.shred(r.objectId);
    await expect(store.reader(r.objectId, r.wrappedKey, r.size).readRange(0, 1)).rejects.toBeInstanceOf(IntegrityError);
  });

  it('[Q-1] sweepOrphans quarantines unknown objects, removes shredded ones and staging files, and keeps known ones', async () => {
    const keep1 = await put(crypto.randomBytes(100));
    const keep2 = await put(crypto.randomBytes(CS + 1));
    const orphan = await put(crypto.randomBytes(300));
    const shredded = await put(crypto.randomBytes(50));
    fs.writeFileSync(path.join(stagingDir, 'deadbeef.cks.part'), 'half written');
    const quarantineDir = path.join(path.dirname(stagingDir), 'quarantine');
    const orphanBytes = fs.readFileSync(store.objectPath(orphan.objectId));
    const opts = { shredded: new Set([shredded.objectId]), quarantineDir };
    const moved = await store.sweepOrphans(new Set([keep1.objectId, keep2.objectId]), opts);
    expect(moved).toEqual([`objects/${orphan.objectId.slice(0, 2)}/${orphan.objectId}`]);
    expect(fs.existsSync(store.objectPath(orphan.objectId))).toBe(false);
    expect(fs.existsSync(store.objectPath(shredded.objectId))).toBe(false);
    // Moved, not deleted: the same bytes sit under quarantine/<time>/.
    const q = filesUnder(quarantineDir);
    expect(q).toHaveLength(1);
    expect(fs.readFileSync(q[0]!).equals(orphanBytes)).toBe(true);
    expect(filesUnder(stagingDir)).toEqual([]);
    for (const k of [keep1, keep2]) {
      expect(await store.verifyObject(k.objectId, k.wrappedKey, k.size, k.sha256)).toEqual({ ok: true });
    }
    expect(await store.sweepOrphans(new Set([keep1.objectId, keep2.objectId]), opts)).toEqual([]);
  });
});
