// Streaming line reader with a hard line-length limit: a manifest of a
// million lines or a single 100 MB line is read in bounded memory. Line ends
// are LF, CR or CRLF (RFC 8493 §2.3), also when CR and LF straddle chunks.

export interface TextDecoderLike {
  /** Decodes the next chunk; throws on bytes that are not valid in the encoding. */
  decode(chunk: Uint8Array): string;
  /** Flushes state at end of input; throws on a truncated sequence. */
  end(): string;
}

export type LineEvent =
  | { readonly kind: 'line'; readonly lineNo: number; readonly text: string }
  | { readonly kind: 'too-long'; readonly lineNo: number };

const EOL = /[\r\n]/g;

export async function* readLines(
  chunks: AsyncIterable<Uint8Array>,
  decoder: TextDecoderLike,
  maxLineChars: number,
): AsyncGenerator<LineEvent> {
  let buf = '';
  let lineNo = 0;
  let discarding = false;

  function* drain(final: boolean): Generator<LineEvent> {
    let pos = 0;
    EOL.lastIndex = 0;
    for (;;) {
      const m = EOL.exec(buf);
      if (!m) break;
      const i = m.index;
      let next = i + 1;
      if (buf[i] === '\r') {
        if (i + 1 < buf.length) {
          if (buf[i + 1] === '\n') next = i + 2;
        } else if (!final) {
          break; // CR at chunk end: the LF of a CRLF may follow in the next chunk
        }
      }
      lineNo++;
      const len = i - pos;
      if (discarding) {
        discarding = false;
      } else if (len > maxLineChars) {
        yield { kind: 'too-long', lineNo };
      } else {
        yield { kind: 'line', lineNo, text: buf.slice(pos, i) };
      }
      pos = next;
      EOL.lastIndex = next;
    }
    buf = buf.slice(pos);
    if (buf.length > maxLineChars) {
      if (!discarding) yield { kind: 'too-long', lineNo: lineNo + 1 };
      discarding = true;
      // Keep a trailing CR: it may be the first half of a CRLF.
      buf = buf.endsWith('\r') ? '\r' : '';
    }
    if (final && buf.length > 0) {
      lineNo++;
      if (!discarding) yield { kind: 'line', lineNo, text: buf };
      buf = '';
    }
  }

  for await (const chunk of chunks) {
    buf += decoder.decode(chunk);
    yield* drain(false);
  }
  buf += decoder.end();
  yield* drain(true);
}
