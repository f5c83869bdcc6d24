// Tag-file character encodings. RFC 8493 §2.1.1: ENCODING SHOULD be UTF-8
// but MAY be any registered charset for backwards compatibility; the
// conformance suite exercises UTF-8, UTF-16 (with BOM) and ISO-8859-1, and
// those are the ones decoded here. Anything else is reported, not guessed.
import type { TextDecoderLike } from '../lines';

export type TagEncoding = 'utf-8' | 'utf-16' | 'utf-16be' | 'utf-16le' | 'iso-8859-1';

export function normalizeEncoding(label: string): TagEncoding | null {
  const l = label.trim().toLowerCase().replace(/_/g, '-');
  switch (l) {
    case 'utf-8':
    case 'utf8':
    case 'us-ascii': // a subset of UTF-8
    case 'ascii':
      return 'utf-8';
    case 'utf-16':
    case 'utf16':
      return 'utf-16';
    case 'utf-16be':
      return 'utf-16be';
    case 'utf-16le':
      return 'utf-16le';
    case 'iso-8859-1':
    case 'iso8859-1':
    case 'latin1':
    case 'latin-1':
    case 'l1':
      return 'iso-8859-1';
    default:
      return null;
  }
}

/** Bytes that are not valid in the declared encoding. */
export class TagDecodeError extends Error {
  override readonly name = 'TagDecodeError';
}

class WebDecoder implements TextDecoderLike {
  private readonly d: TextDecoder;
  constructor(
    private readonly label: 'utf-8' | 'utf-16be' | 'utf-16le',
    ignoreBOM: boolean,
  ) {
    this.d = new TextDecoder(label, { fatal: true, ignoreBOM });
  }
  decode(chunk: Uint8Array): string {
    try {
      return this.d.decode(chunk, { stream: true });
    } catch {
      throw new TagDecodeError(`not valid ${this.label}`);
    }
  }
  end(): string {
    try {
      return this.d.decode();
    } catch {
      throw new TagDecodeError(`truncated ${this.label} sequence at the end`);
    }
  }
}

// TextDecoder('iso-8859-1') is really windows-1252 (WHATWG); Buffer's latin1 is the real thing.
class Latin1Decoder implements TextDecoderLike {
  decode(chunk: Uint8Array): string {
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
  }
  end(): string {
    return '';
  }
}

/** "UTF-16" without an order: the BOM decides; without one, big-endian (RFC 2781 §4.3). */
class Utf16Decoder implements TextDecoderLike {
  private inner: WebDecoder | null = null;
  private pending: Uint8Array = new Uint8Array(0);
  decode(chunk: Uint8Array): string {
    if (this.inner) return this.inner.decode(chunk);
    const all = new Uint8Array(this.pending.length + chunk.length);
    all.set(this.pending);
    all.set(chunk, this.pending.length);
    if (all.length < 2) {
      this.pending = all;
      return '';
    }
    this.inner = new WebDecoder(all[0] === 0xff && all[1] === 0xfe ? 'utf-16le' : 'utf-16be', false);
    this.pending = new Uint8Array(0);
    return this.inner.decode(all);
  }
  end(): string {
    if (!this.inner) {
      if (this.pending.length > 0) throw new TagDecodeError('truncated UTF-16 input');
      return '';
    }
    return this.inner.end();
  }
}

/**
 * A decoder for one tag file. A UTF-8 BOM is kept as U+FEFF so the caller can
 * report it (RFC 8493 §2.3 forbids it when the encoding is UTF-8); a UTF-16
 * BOM is consumed because that encoding needs it.
 */
export function tagDecoder(enc: TagEncoding): TextDecoderLike {
  switch (enc) {
    case 'utf-8':
      return new WebDecoder('utf-8', true);
    case 'utf-16':
      return new Utf16Decoder();
    case 'utf-16be':
    case 'utf-16le':
      return new WebDecoder(enc, false);
    case 'iso-8859-1':
      return new Latin1Decoder();
  }
}
