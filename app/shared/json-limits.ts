// Bounds for JSON that comes from outside (a carrier's recordings.json, a TIS
// listing): the nesting depth is measured on the text, in one linear pass with
// no recursion, before anything parses it, so a value 10,000 levels deep is a
// named refusal rather than a stack overflow in a recursive consumer
// (canonical JSON, schema checks, JSON.stringify).

/** Deepest nesting of arrays and objects accepted; recordings.json needs 5. */
export const MAX_JSON_DEPTH = 64;

/** The first depth above `max` that `text` reaches, or null when it stays within. Brackets inside strings do not count. */
export function jsonDepthAbove(text: string, max: number = MAX_JSON_DEPTH): number | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return null;
}
