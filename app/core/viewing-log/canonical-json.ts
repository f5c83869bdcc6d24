// Canonical JSON for log entries: object keys sorted (UTF-16 code unit order,
// as RFC 8785), no whitespace. The same entry must always hash to the same
// leaf, whoever re-serialises it.
import { KioskError } from '../errors';
import { problem } from '../../shared/problem';
import { MAX_CANONICAL_DEPTH } from '../../shared/canonical-json';

function reject(where: string, why: string): never {
  const message = `log entry value at ${where} ${why}`;
  throw new KioskError('invalid-input', message, [problem('viewing-log', 'log.entry.json', message, where)]);
}

function encode(v: unknown, where: string, depth: number): string {
  // Recursion is bounded: a value nested deeper than any entry the kiosk writes is refused, not a stack overflow.
  if (depth > MAX_CANONICAL_DEPTH) reject(where.slice(0, 80), `is nested deeper than ${MAX_CANONICAL_DEPTH} levels`);
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return JSON.stringify(v);
    case 'number':
      if (!Number.isFinite(v)) reject(where, 'is not a finite number');
      return JSON.stringify(v);
    case 'object': {
      if (Array.isArray(v)) return `[${v.map((x, i) => encode(x, `${where}[${i}]`, depth + 1)).join(',')}]`;
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) reject(where, 'is not a plain object (pass dates as ISO strings)');
      const rec = v as Record<string, unknown>;
      const parts: string[] = [];
      for (const k of Object.keys(rec).sort()) {
        const x = rec[k];
        // Like JSON.stringify: an absent optional field and an undefined one are the same entry.
        if (x === undefined) continue;
        parts.push(`${JSON.stringify(k)}:${encode(x, `${where}.${k}`, depth + 1)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      return reject(where, `has type ${typeof v}, which JSON cannot carry`);
  }
}

export function canonicalJson(v: unknown): string {
  return encode(v, '$', 0);
}
