// Canonical JSON: object keys sorted, no insignificant whitespace, so the same
// value always has the same bytes — what keyed hashes and signatures cover.
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Deeper than any value the kiosk writes (carrier JSON is refused past MAX_JSON_DEPTH = 64); a guard, not a format rule. */
export const MAX_CANONICAL_DEPTH = 256;

export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_CANONICAL_DEPTH) throw new RangeError(`canonicalJson: nested deeper than ${MAX_CANONICAL_DEPTH} levels (rule json.depth)`);
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v, depth + 1)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v, depth + 1)}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: unsupported ${typeof value}`);
}
