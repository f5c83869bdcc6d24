// The nesting bound for JSON from outside, measured on the text without
// recursion, and the recursion guard of canonical JSON behind it.
import { describe, expect, it } from 'vitest';
import { canonicalJson, MAX_CANONICAL_DEPTH } from '../../app/shared/canonical-json';
import { jsonDepthAbove, MAX_JSON_DEPTH } from '../../app/shared/json-limits';
import { canonicalJson as logCanonicalJson } from '../../app/core/viewing-log/canonical-json';

const nested = (depth: number) => `${'['.repeat(depth)}0${']'.repeat(depth)}`;

describe('[Q-2] JSON nesting bounds', () => {
  it('accepts up to MAX_JSON_DEPTH levels and names the first level past it', () => {
    expect(jsonDepthAbove(nested(MAX_JSON_DEPTH))).toBeNull();
    expect(jsonDepthAbove(nested(MAX_JSON_DEPTH + 1))).toBe(MAX_JSON_DEPTH + 1);
    expect(jsonDepthAbove(`{"a":${nested(10)},"b":{"c":[]}}`, 11)).toBeNull();
    expect(jsonDepthAbove(`{"a":${nested(10)}}`, 10)).toBe(11);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthAbove(JSON.stringify({ s: '[[[[{{{{' }), 1)).toBeNull();
    expect(jsonDepthAbove(JSON.stringify({ s: 'say \\"[[[[\\" \\\\' }), 1)).toBeNull();
    expect(jsonDepthAbove(`{"s":"\\"","t":[[0]]}`, 2)).toBe(3);
  });

  it('measures 10,000 levels in one pass, without recursion', () => {
    expect(jsonDepthAbove(nested(10_000))).toBe(MAX_JSON_DEPTH + 1);
  });

  it('both canonical JSON encoders refuse a value nested past their guard instead of overflowing the stack', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(RangeError);
    expect(() => logCanonicalJson({ deep })).toThrow(/nested deeper than 256 levels/);
    let ok: unknown = 0;
    for (let i = 0; i < MAX_CANONICAL_DEPTH; i++) ok = [ok];
    expect(canonicalJson(ok)).toBe(nested(MAX_CANONICAL_DEPTH));
  });
});
