import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ChunkFormatError,
  ChunkSealer,
  HEADER_LEN,
  TAG_LEN,
  chunkCount,
  derivePayloadKey,
  encodeHeader,
  nonceFor,
  objectLength,
  openChunk,
  parseHeader,
  plainLength,
} from '../../../app/core/store/chunked-aead';

describe('chunked AEAD format', () => {
  it('nonce is the 11-byte big-endian counter followed by the last-chunk flag', () => {
    expect(nonceFor(0, false).toString('hex')).toBe('000000000000000000000000');
    expect(nonceFor(1, true).toString('hex')).toBe('000000000000000000000101');
    expect(nonceFor(0x0102030405, false).toString('hex')).toBe('000000000000010203040500');
    expect(() => nonceFor(-1, false)).toThrow(RangeError);
  });

  it('header round-trips and rejects bad magic, version, reserved bytes and chunk size', () => {
    const h = encodeHeader(65536, crypto.randomBytes(32));
    expect(h.bytes.length).toBe(HEADER_LEN);
    expect(h.bytes.subarray(0, 4).toString()).toBe('CKS1');
    const p = parseHeader(h.bytes);
    expect(p.chunkSize).toBe(65536);
    expect(p.salt.equals(h.salt)).toBe(true);
    for (const [at, v] of [[0, 0x58], [4, 2], [6, 1], [8, 0xff]] as [number, number][]) {
      const b = Buffer.from(h.bytes);
      b[at] = v;
      expect(() => parseHeader(b)).toThrow(ChunkFormatError);
    }
    expect(() => parseHeader(h.bytes.subarray(0, 10))).toThrow(ChunkFormatError);
  });

  it('sizes: empty content is one empty chunk; exact multiples have no empty trailing chunk', () => {
    expect(chunkCount(0, 1024)).toBe(1);
    expect(plainLength(0, 0, 1024)).toBe(0);
    expect(chunkCount(2048, 1024)).toBe(2);
    expect(plainLength(1, 2048, 1024)).toBe(1024);
    expect(chunkCount(2049, 1024)).toBe(3);
    expect(plainLength(2, 2049, 1024)).toBe(1);
    expect(objectLength(2049, 1024)).toBe(HEADER_LEN + 2049 + 3 * TAG_LEN);
  });

  it('a sealed stream opens chunk by chunk, and only with the right counter, flag and header', () => {
    const objectKey = crypto.randomBytes(32);
    const s = new ChunkSealer(objectKey, 1024);
    const plain = crypto.randomBytes(2500);
    const pieces = [...s.push(plain.subarray(0, 1000)), ...s.push(plain.subarray(1000)), ...s.finish()];
    const sealed = Buffer.concat(pieces);
    expect(sealed.length).toBe(2500 + 3 * TAG_LEN);
    const key = derivePayloadKey(objectKey, s.header.salt);
    const at = (i: number): Buffer => sealed.subarray(i * 1040, Math.min(sealed.length, (i + 1) * 1040));
    expect(Buffer.concat([0, 1, 2].map((i) => openChunk(key, s.header, i, i === 2, at(i)))).equals(plain)).toBe(true);
    expect(() => openChunk(key, s.header, 1, true, at(1))).toThrow(ChunkFormatError);
    expect(() => openChunk(key, s.header, 2, false, at(2))).toThrow(ChunkFormatError);
    expect(() => openChunk(key, s.header, 0, false, at(1))).toThrow(ChunkFormatError);
    const otherHeader = encodeHeader(2048, s.header.salt);
    expect(() => openChunk(key, otherHeader, 0, false, at(0))).toThrow(ChunkFormatError);
  });
});
