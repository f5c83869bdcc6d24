// The encrypted, content-addressed object store (PL-2.2, PL-5.1, Q-1, Q-3).
//
// Layout: <objectsDir>/<sha256[0:2]>/<sha256>-<8 hex>, each file in the
// chunked AEAD format of ./chunked-aead under its own random object key, which
// is returned wrapped by the device key for the catalog to keep. Objects are
// written once (staging file, fsync, rename, fsync dir) and never modified;
// deleting one is crypto-shredding: the catalog drops the wrapped key.
//
// Addressing is by plaintext SHA-256 plus a random suffix: because every
// object has its own key, two recordings with identical content become two
// distinct objects (no cross-record dedup), so shredding one record can never
// take another record's bytes with it, and equal ciphertexts reveal nothing.
//
// objectsDir and stagingDir must be on the same file system (rename is the commit).
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { KioskError } from '../errors';
import { fsyncDir } from '../fsync-dir';
import type { DeviceKey } from '../keys';
import { DEFAULT_CHUNK_SIZE } from './chunked-aead';
import { SlotSealer, type Sealed } from './slot-sealer';
import { DirectFileSink, Sha256Stream, SlotCollector, fillSlots, releaseSlot, type ByteSource } from '../pipeline';
import { createObjectReader, objectKeyLabel, type ObjectReader, type ReaderHooks } from './object-reader';

export type { ObjectReader, ReaderHooks, IntegrityFailureInfo } from './object-reader';
export { objectKeyLabel } from './object-reader';
export { cipherBackend } from './cipher-worker';
export type { CipherBackend } from './native-aead';

export interface ContentStoreOptions {
  objectsDir: string;
  stagingDir: string;
  deviceKey: DeviceKey;
  /** Plaintext bytes per AEAD chunk; the default suits range reads (see chunked-aead.ts). */
  chunkSize?: number;
  /** Make the directories when missing (default). False for a store only read, such as the replica under `verify`. */
  create?: boolean;
  /** The second copy (PL-5.1): told of every object stored and shredded; a refusal from afterStore fails the ingest. */
  replica?: ObjectReplica;
}

export interface ObjectReplica {
  afterStore(objectId: string): Promise<void>;
  afterShred(objectId: string): Promise<void>;
}

export interface IngestOptions {
  /** Lowercase or uppercase hex; when it differs from the content's SHA-256 nothing is stored. */
  expectedSha256?: string;
  /** Called with the cumulative number of plaintext bytes consumed so far. */
  onProgress?(bytes: number): void;
  /**
   * Sees each piece of plaintext (up to 4 MiB) before it is stored, e.g. for
   * a second digest; it must copy what it keeps, the memory is reused.
   */
  onData?(plain: Buffer): void;
  signal?: AbortSignal;
}

export interface IngestResult {
  /** SHA-256 of the plaintext, lowercase hex. */
  sha256: string;
  size: number;
  objectId: string;
  /** The object key wrapped by the device key, bound to objectId; store it in the catalog. */
  wrappedKey: Buffer;
}

const OBJECT_ID = /^[0-9a-f]{64}-[0-9a-f]{8}$/;
// Slots handed to the two workers before the oldest is awaited and written:
// one waits at each worker while the main thread writes the one before, and
// fillSlots reads two ahead. Three gained nothing (bench/tis: 280-320 MB/s
// against 270-295) and held the first write back until three slots were sealed.
const MAX_IN_FLIGHT = 1;

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('ingest aborted', 'AbortError');
}

export class ContentStore {
  readonly #objectsDir: string;
  readonly #stagingDir: string;
  readonly #deviceKey: DeviceKey;
  readonly #chunkSize: number;
  readonly #replica: ObjectReplica | undefined;

  constructor(opts: ContentStoreOptions) {
    this.#objectsDir = path.resolve(opts.objectsDir);
    this.#stagingDir = path.resolve(opts.stagingDir);
    this.#deviceKey = opts.deviceKey;
    this.#chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.#replica = opts.replica;
    if (opts.create === false) return;
    fs.mkdirSync(this.#objectsDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(this.#stagingDir, { recursive: true, mode: 0o700 });
  }

  /** Path of an object file; refuses anything that is not an object id, so no id can escape the store. */
  objectPath(objectId: string): string {
    if (!OBJECT_ID.test(objectId)) {
      throw new KioskError('invalid-input', `not an object id: ${JSON.stringify(objectId)} (rule store.object-id)`);
    }
    return path.join(this.#objectsDir, objectId.slice(0, 2), objectId);
  }

  /**
   * One pass over `source` (the pipeline of ../pipeline): each 4 MiB slot of
   * plaintext is hashed on the hash worker while the cipher worker encrypts it
   * (./slot-sealer), and the sealed chunks are written while the next slots
   * are read, hashed and sealed; then fsync,
   * rename into place, fsync the directory. Plaintext never touches disk. On
   * any failure (source error, abort, hash mismatch) the staging file is
   * removed and nothing is stored.
   */
  async ingest(source: ByteSource, opts: IngestOptions = {}): Promise<IngestResult> {
    const { expectedSha256, onProgress, onData, signal } = opts;
    if (expectedSha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(expectedSha256)) {
      throw new KioskError('invalid-input', `expected SHA-256 is not 64 hex digits (rule store.ingest.expected-sha256)`);
    }
    if (signal?.aborted) throw abortError(signal);
    const objectKey = crypto.randomBytes(32);
    const sealer = new SlotSealer(objectKey, this.#chunkSize);
    const stagingPath = path.join(this.#stagingDir, `${crypto.randomBytes(8).toString('hex')}.cks.part`);
    // O_DIRECT where the file system has it: the object is not read back soon (pipeline/direct-file-sink).
    const sink = await DirectFileSink.create(stagingPath, { mode: 0o600, wipe: false });
    const hasher = new Sha256Stream();
    // Per slot, in order: its sealed bytes, awaited and written in turn, and the
    // slot's release, once both workers are done with it.
    const inFlight: Array<{ sealed: Promise<Sealed>; released: Promise<void> }> = [];
    const writeNext = async (): Promise<void> => {
      const { sealed, released } = inFlight.shift()!;
      const s = await sealed;
      let written: Promise<void>;
      try {
        // The worker's aligned buffer is written as it lies, and is given back once on disk;
        // inline-sealed pieces are copied into the sink's blocks before write() returns.
        ({ written } = s.aligned ? await sink.writeAligned(s.aligned.buf, s.aligned.lead, s.aligned.len) : await sink.write(s.pieces));
      } catch (e) {
        s.release();
        throw e;
      }
      written.then(s.release, s.release);
      await released;
    };
    let closed = false;
    try {
      let size = 0;
      await sink.write([sealer.header.bytes]);
      for await (const slot of fillSlots(source)) {
        if (signal?.aborted) {
          releaseSlot(slot, slot.length);
          throw abortError(signal);
        }
        onData?.(slot);
        size += slot.length;
        // Sealed on the cipher worker and hashed on the hash worker, both reading the
        // slot where it lies; wiped and taken back once both are done.
        const sealed = sealer.seal(slot);
        const hashed = hasher.update(slot);
        const released = Promise.allSettled([sealed, hashed]).then(([a, b]) => {
          releaseSlot(slot, slot.length);
          if (a.status === 'rejected') throw a.reason;
          if (b.status === 'rejected') throw b.reason;
        });
        sealed.catch(() => undefined);
        released.catch(() => undefined);
        inFlight.push({ sealed, released });
        onProgress?.(size);
        while (inFlight.length > MAX_IN_FLIGHT) await writeNext();
      }
      if (signal?.aborted) throw abortError(signal);
      const last = sealer.finish();
      last.catch(() => undefined);
      inFlight.push({ sealed: last, released: Promise.resolve() });
      while (inFlight.length) await writeNext();
      await sink.finish();
      const sha256 = await hasher.digest();
      if (expectedSha256 !== undefined && expectedSha256.toLowerCase() !== sha256) {
        throw new KioskError(
          'integrity',
          `content SHA-256 mismatch: expected ${expectedSha256.toLowerCase()}, got ${sha256}; nothing stored (rule store.ingest.sha256)`,
        );
      }
      await sink.fh.sync();
      // Write-once: the object file is read-only from here on.
      await sink.fh.chmod(0o400);
      await sink.fh.close();
      closed = true;
      const objectId = `${sha256}-${crypto.randomBytes(4).toString('hex')}`;
      const finalPath = this.objectPath(objectId);
      const prefixDir = path.dirname(finalPath);
      if (!fs.existsSync(prefixDir)) {
        await fsp.mkdir(prefixDir, { recursive: true, mode: 0o700 });
        await fsyncDir(this.#objectsDir);
      }
      await fsp.rename(stagingPath, finalPath);
      await fsyncDir(prefixDir);
      if (this.#replica) {
        try {
          await this.#replica.afterStore(objectId);
        } catch (e) {
          // Not on both stores: on neither (the catalog never heard of it).
          await fsp.rm(finalPath, { force: true });
          await fsyncDir(prefixDir);
          throw e;
        }
      }
      const wrappedKey = this.#deviceKey.wrapKey(objectKey, objectKeyLabel(objectId));
      return { sha256, size, objectId, wrappedKey };
    } catch (e) {
      // Let pending seals, hashes and writes settle before closing and deleting the staging file.
      for (const { sealed, released } of inFlight.splice(0)) {
        await sealed.then((s) => s.release(), () => undefined);
        await released.catch(() => undefined);
      }
      await sink.settle();
      hasher.abandon();
      if (!closed) await sink.fh.close().catch(() => undefined);
      await fsp.rm(stagingPath, { force: true });
      throw e;
    } finally {
      sealer.dispose();
      objectKey.fill(0);
    }
  }

  reader(objectId: string, wrappedKey: Buffer, size: number, hooks?: ReaderHooks): ObjectReader {
    return createObjectReader(this.objectPath(objectId), objectId, wrappedKey, size, this.#deviceKey, hooks);
  }

  /** Re-reads and authenticates every chunk and re-checks the whole-content SHA-256 (DC-4). */
  async verifyObject(
    objectId: string,
    wrappedKey: Buffer,
    size: number,
    expectedSha256: string,
  ): Promise<{ ok: true } | { ok: false; problem: string }> {
    let problemText: string | undefined;
    const r = this.reader(objectId, wrappedKey, size, {
      onIntegrityFailure: (info) => {
        problemText ??= `object ${info.objectId}: ${info.reason}${info.chunk === undefined ? '' : ` (chunk ${info.chunk})`}`;
      },
    });
    // A large object is opened on the cipher worker into slots, taken as they
    // are; a small one's decrypted chunks are copied into one. The collector
    // hashes (on the hash worker for whole slots) and wipes each (../pipeline).
    const collector = new SlotCollector();
    let n: number;
    let got: string;
    try {
      for await (const b of r.readSlots()) await collector.push(b);
      ({ sha256: got, size: n } = await collector.finish());
    } catch (e) {
      await collector.abandon();
      return { ok: false, problem: problemText ?? (e instanceof Error ? e.message : String(e)) };
    }
    if (n !== size) return { ok: false, problem: `object ${objectId}: read ${n} bytes, expected ${size}` };
    if (got !== expectedSha256.toLowerCase()) {
      return { ok: false, problem: `object ${objectId}: SHA-256 mismatch: expected ${expectedSha256.toLowerCase()}, got ${got}` };
    }
    return { ok: true };
  }

  /**
   * Deletes the object file. The caller must also drop the wrapped key: that is
   * what makes the deletion final (crypto-shredding), since on SSDs and
   * journaling file systems overwriting the file in place proves nothing (PL-7).
   */
  async shred(objectId: string): Promise<void> {
    const p = this.objectPath(objectId);
    try {
      await fsp.unlink(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        await this.#replica?.afterShred(objectId);
        return;
      }
      throw e;
    }
    await fsyncDir(path.dirname(p));
    await this.#replica?.afterShred(objectId);
  }

  /**
   * Start-up clean-up after a crash (Q-1): removes object files whose id is not
   * in `known` (renamed into place but never recorded in the catalog) and
   * everything in staging. Returns the object ids and `staging/<name>` entries removed.
   */
  /**
   * Clears what an interrupted import or purge left: an object the catalog
   * marks shredded is removed; a file the catalog does not know at all is
   * moved into `quarantineDir/<time>/` (never deleted: it may be evidence of
   * something court IT must see); staging scratch is removed. Returns what was
   * quarantined, as `objects/<prefix>/<name>` paths. The caller must own the
   * data directory (an import in another process would look like an orphan).
   */
  async sweepOrphans(known: Set<string>, opts: { shredded: Set<string>; quarantineDir: string }): Promise<string[]> {
    const quarantined: string[] = [];
    let qdir: string | null = null;
    for (const prefix of await fsp.readdir(this.#objectsDir, { withFileTypes: true })) {
      if (!prefix.isDirectory() || !/^[0-9a-f]{2}$/.test(prefix.name)) continue;
      const dir = path.join(this.#objectsDir, prefix.name);
      let changed = false;
      for (const entry of await fsp.readdir(dir)) {
        if (known.has(entry)) continue;
        changed = true;
        if (opts.shredded.has(entry)) {
          await fsp.rm(path.join(dir, entry), { force: true, recursive: true });
          continue;
        }
        if (qdir === null) {
          qdir = path.join(opts.quarantineDir, new Date().toISOString().replace(/[:.]/g, '-'));
          await fsp.mkdir(qdir, { recursive: true, mode: 0o700 });
        }
        await fsp.rename(path.join(dir, entry), path.join(qdir, `${prefix.name}-${entry}`));
        quarantined.push(`objects/${prefix.name}/${entry}`);
      }
      if (changed) await fsyncDir(dir);
    }
    if (qdir !== null) {
      await fsyncDir(qdir);
      await fsyncDir(path.dirname(qdir));
    }
    const staged = await fsp.readdir(this.#stagingDir);
    for (const entry of staged) await fsp.rm(path.join(this.#stagingDir, entry), { force: true, recursive: true });
    if (staged.length) await fsyncDir(this.#stagingDir);
    return quarantined;
  }
}
