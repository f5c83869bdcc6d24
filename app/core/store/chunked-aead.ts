// The on-disk format of a stored object, modelled on C2SP chunked-encryption
// and age's STREAM (https://github.com/C2SP/C2SP/blob/main/chunked-encryption.md):
//
//   header  = "CKS1" ‖ version(1) ‖ reserved(3, zero) ‖ chunkSize(u32 BE) ‖ salt(32)   (44 bytes)
//   payload = chunk_0 ‖ … ‖ chunk_{n-1},  chunk_i = AES-256-GCM(payloadKey, nonce_i, plain_i, aad=header) ‖ tag(16)
//   payloadKey = HKDF-SHA256(ikm=objectKey, salt=salt, info="court-kiosk/chunked/v1")
//   nonce_i = i as 11-byte big-endian ‖ (0x01 if i is the last chunk else 0x00)
//
// Every chunk but the last holds exactly chunkSize plaintext bytes; the last
// holds 1..chunkSize bytes, or 0 bytes only when the whole plaintext is empty.
// The counter in the nonce detects reordering and swapping; the last-chunk
// flag detects truncation at a chunk boundary and appended chunks; the
// per-object salt/key detects chunks copied from another object; the header
// as AAD binds the chunk size and version to every chunk. Each chunk can be
// authenticated on its own, which gives cheap random access for range reads.
import crypto from 'node:crypto';

export const MAGIC = Buffer.from('CKS1', 'ascii');
export const FORMAT_VERSION = 1;
export const HEADER_LEN = 44;
export const TAG_LEN = 16;
export const SALT_LEN = 32;
const KEY_INFO = 'court-kiosk/chunked/v1';

/**
 * 256 KiB for new objects. OpenSSL's AES-256-GCM runs at 2.6 GB/s here in
 * 64 KiB chunks and 3.9 GB/s in 256 KiB ones (a cipher context per chunk costs
 * more than its 16-byte tag); a range read for a few hundred bytes (an MP4
 * box, a player seek) then decrypts at most two chunks, 0.2 ms. Objects
 * written before keep their 64 KiB chunks and are read as they are: the
 * header records each object's chunk size and binds it as AAD, so the size is
 * a parameter of format 1, not a new format, and nothing is migrated.
 */
export const DEFAULT_CHUNK_SIZE = 256 * 1024;
export const MIN_CHUNK_SIZE = 1024;
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;

/** A format or authentication failure, without the object's name; the store turns it into an IntegrityError. */
export class ChunkFormatError extends Error {
  constructor(
    readonly reason: string,
    readonly chunk?: number,
  ) {
    super(chunk === undefined ? reason : `${reason} (chunk ${chunk})`);
  }
}

export interface Header {
  readonly chunkSize: number;
  readonly salt: Buffer;
  /** The exact 44 header bytes, used as AAD of every chunk. */
  readonly bytes: Buffer;
}

export function encodeHeader(chunkSize: number, salt: Buffer): Header {
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new RangeError(`chunk size must be an integer in [${MIN_CHUNK_SIZE}, ${MAX_CHUNK_SIZE}]`);
  }
  if (salt.length !== SALT_LEN) throw new RangeError(`salt must be ${SALT_LEN} bytes`);
  const bytes = Buffer.alloc(HEADER_LEN);
  MAGIC.copy(bytes, 0);
  bytes[4] = FORMAT_VERSION;
  bytes.writeUInt32BE(chunkSize, 8);
  salt.copy(bytes, 12);
  return { chunkSize, salt: Buffer.from(salt), bytes };
}

export function parseHeader(buf: Buffer): Header {
  if (buf.length < HEADER_LEN) throw new ChunkFormatError('file shorter than the header');
  const bytes = Buffer.from(buf.subarray(0, HEADER_LEN));
  if (!bytes.subarray(0, 4).equals(MAGIC)) throw new ChunkFormatError('bad magic (not a CKS1 object)');
  if (bytes[4] !== FORMAT_VERSION) throw new ChunkFormatError(`unsupported format version ${bytes[4]}`);
  if (bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) throw new ChunkFormatError('reserved header bytes not zero');
  const chunkSize = bytes.readUInt32BE(8);
  if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new ChunkFormatError(`implausible chunk size ${chunkSize}`);
  }
  return { chunkSize, salt: Buffer.from(bytes.subarray(12, 12 + SALT_LEN)), bytes };
}

export function derivePayloadKey(objectKey: Buffer, salt: Buffer): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', objectKey, salt, KEY_INFO, 32));
}

export function nonceFor(counter: number, last: boolean): Buffer {
  if (!Number.isSafeInteger(counter) || counter < 0 || counter >= 2 ** 48) throw new RangeError('chunk counter out of range');
  const n = Buffer.alloc(12);
  // Bytes 0..4 of the 11-byte counter stay zero: 2^48 chunks is far beyond any recording.
  n.writeUIntBE(counter, 5, 6);
  n[11] = last ? 1 : 0;
  return n;
}

/** Number of chunks for a plaintext of `size` bytes (an empty plaintext is one empty final chunk). */
export function chunkCount(size: number, chunkSize: number): number {
  return size === 0 ? 1 : Math.ceil(size / chunkSize);
}

/** Plaintext length of chunk `i`. */
export function plainLength(i: number, size: number, chunkSize: number): number {
  const n = chunkCount(size, chunkSize);
  return i < n - 1 ? chunkSize : size - (n - 1) * chunkSize;
}

/** File offset of sealed chunk `i`. */
export function chunkOffset(i: number, chunkSize: number): number {
  return HEADER_LEN + i * (chunkSize + TAG_LEN);
}

/** Total object file length for a plaintext of `size` bytes. */
export function objectLength(size: number, chunkSize: number): number {
  return HEADER_LEN + size + chunkCount(size, chunkSize) * TAG_LEN;
}

/** Encrypts one chunk; returns [ciphertext, tag] so callers can writev without a copy. */
export function sealChunk(key: Buffer, header: Header, counter: number, last: boolean, plain: Buffer): [Buffer, Buffer] {
  const c = crypto.createCipheriv('aes-256-gcm', key, nonceFor(counter, last));
  c.setAAD(header.bytes);
  const ct = c.update(plain);
  const rest = c.final();
  return [rest.length ? Buffer.concat([ct, rest]) : ct, c.getAuthTag()];
}

/** Authenticates and decrypts one sealed chunk; nothing is returned unless the tag verifies. */
export function openChunk(key: Buffer, header: Header, counter: number, last: boolean, sealed: Buffer): Buffer {
  if (sealed.length < TAG_LEN) throw new ChunkFormatError('chunk shorter than its tag', counter);
  const d = crypto.createDecipheriv('aes-256-gcm', key, nonceFor(counter, last));
  d.setAAD(header.bytes);
  d.setAuthTag(sealed.subarray(sealed.length - TAG_LEN));
  const body = d.update(sealed.subarray(0, sealed.length - TAG_LEN));
  try {
    const rest = d.final();
    return rest.length ? Buffer.concat([body, rest]) : body;
  } catch {
    // Drop the unauthenticated output before anyone can see it.
    body.fill(0);
    throw new ChunkFormatError('chunk authentication failed', counter);
  }
}

/**
 * Streaming encryptor: feed plaintext in any piece sizes; it holds back one
 * full chunk until it knows whether more follows, because only then can it
 * set the last-chunk flag.
 */
export class ChunkSealer {
  readonly header: Header;
  readonly #key: Buffer;
  readonly #pending: Buffer;
  #fill = 0;
  #counter = 0;
  #done = false;

  constructor(objectKey: Buffer, chunkSize: number = DEFAULT_CHUNK_SIZE) {
    this.header = encodeHeader(chunkSize, crypto.randomBytes(SALT_LEN));
    this.#key = derivePayloadKey(objectKey, this.header.salt);
    this.#pending = Buffer.allocUnsafe(chunkSize);
  }

  /** Returns the sealed pieces (ciphertext, tag, …) produced by this input. */
  push(data: Uint8Array): Buffer[] {
    if (this.#done) throw new Error('ChunkSealer: push after finish');
    const out: Buffer[] = [];
    const cs = this.header.chunkSize;
    let off = 0;
    while (off < data.length) {
      if (this.#fill === cs) {
        out.push(...sealChunk(this.#key, this.header, this.#counter++, false, this.#pending));
        this.#fill = 0;
      }
      // A whole chunk straight from the input, when more input follows it, saves a copy.
      if (this.#fill === 0 && data.length - off > cs) {
        out.push(...sealChunk(this.#key, this.header, this.#counter++, false, Buffer.from(data.buffer, data.byteOffset + off, cs)));
        off += cs;
        continue;
      }
      const n = Math.min(cs - this.#fill, data.length - off);
      this.#pending.set(data.subarray(off, off + n), this.#fill);
      this.#fill += n;
      off += n;
    }
    return out;
  }

  /** Seals the final chunk and wipes the key and the plaintext buffer. */
  finish(): Buffer[] {
    if (this.#done) throw new Error('ChunkSealer: finish twice');
    this.#done = true;
    const out = sealChunk(this.#key, this.header, this.#counter++, true, this.#pending.subarray(0, this.#fill));
    this.dispose();
    return out;
  }

  /**
   * Hands the stream, before any chunk is sealed, to a sealer elsewhere (the
   * cipher worker, ./slot-sealer): returns the payload key in an ArrayBuffer of
   * its own, to be transferred, and wipes this sealer.
   */
  handOver(): ArrayBuffer {
    if (this.#done || this.#counter !== 0 || this.#fill !== 0) throw new Error('ChunkSealer: hand-over after use');
    const key = new Uint8Array(new ArrayBuffer(this.#key.length));
    key.set(this.#key);
    this.dispose();
    return key.buffer;
  }

  get chunks(): number {
    return this.#counter;
  }

  dispose(): void {
    this.#done = true;
    this.#key.fill(0);
    this.#pending.fill(0);
  }
}
