// Acceptance (hardening issue, line 1), the part that is not MP4: the corpus of
// scripts/make-hostile-carrier.ts. The real kioskctl, under /usr/bin/time -v,
// refuses each hostile case with exit 1 and its rule, in `check` and in
// `import`, within 10 s and 512 MiB of resident memory, with the store
// unchanged; and accepts the NFD-named payload in both. Before: the 10,000-deep
// value was accepted by check and then overflowed the stack of the catalog's
// canonical JSON at import, and the NFD name made check and import fail with
// a raw ENOENT naming a machine path.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CarrierExpectation, makeHostileCarrier } from '../../../scripts/make-hostile-carrier';
import { copyOfDemo } from '../../helpers/demo';
import { KioskDir } from '../../helpers/kiosk-dir';
import { scratch } from '../../helpers/paths';
import { measuredKioskctl } from '../../helpers/time-v';

const REFUSED = ['json-10000-deep', 'manifest-100k-lines', 'bag-info-1gib-line'];
const MAX_SECONDS = 10;
const MAX_RSS_KIB = 512 * 1024;

interface Outcome {
  valid?: boolean;
  problems: Array<{ file: string; rule: string; message: string }>;
  imported?: Array<{ identifier: string }>;
}

let corpus: string;
let expected: Record<string, CarrierExpectation>;
let kiosk: KioskDir;
const measurements: string[] = [];

beforeAll(async () => {
  corpus = scratch('hostile-carrier-');
  expected = await makeHostileCarrier(corpus);
  kiosk = new KioskDir();
  expect(kiosk.ctl(['import', copyOfDemo('pl')]).code).toBe(0);
}, 300_000);

afterAll(() => {
  // The 1 GiB line is sparse, but remove it all the same.
  if (corpus) fs.rmSync(corpus, { recursive: true, force: true });
  console.log(`kioskctl under /usr/bin/time -v (command case seconds max-RSS-MiB):\n${measurements.join('\n')}`);
});

function measured(command: string, name: string) {
  const r = measuredKioskctl<Outcome>([command, path.join(corpus, name)], kiosk.env);
  measurements.push(`${command} ${name} ${r.seconds.toFixed(2)} ${(r.maxRssKiB / 1024).toFixed(0)}`);
  expect(r.seconds, `${command} ${name} took ${r.seconds} s`).toBeLessThan(MAX_SECONDS);
  expect(r.maxRssKiB, `${command} ${name} peaked at ${r.maxRssKiB} KiB`).toBeLessThan(MAX_RSS_KIB);
  return r;
}

describe('[Q-2] a hostile carrier: the package text and its names', () => {
  it('the corpus has every case the hardening issue names', () => {
    expect(Object.keys(expected).sort()).toEqual([...REFUSED, 'nfd-named-payload'].sort());
  });

  it.each(REFUSED)('[Q-2] %s: check and import refuse it with its rule within 10 s and 512 MiB, and the store is unchanged', (name) => {
    const exp = expected[name]!;
    const before = kiosk.dump();
    const objects = kiosk.objectFiles();
    for (const command of ['check', 'import']) {
      const r = measured(command, name);
      const what = `${command} ${name}: ${JSON.stringify(r.json.problems).slice(0, 2000)}`;
      expect(r.code, what).toBe(1);
      expect(r.json.problems.find((p) => p.rule === exp.rule && p.file.endsWith(exp.file!)), what).toBeDefined();
      if (command === 'import') expect(r.json.imported).toEqual([]);
    }
    expect(kiosk.dump()).toBe(before);
    expect(kiosk.objectFiles()).toEqual(objects);
  });

  it('[Q-2] nfd-named-payload (names as macOS writes them, NFD on disk and in the manifest, NFC in recordings.json) is accepted by check and imported', () => {
    const c = measured('check', 'nfd-named-payload');
    expect(c.json.problems).toEqual([]);
    expect(c.code).toBe(0);
    const i = measured('import', 'nfd-named-payload');
    expect(i.json.problems).toEqual([]);
    expect(i.code).toBe(0);
    expect(i.json.imported).toEqual([expect.objectContaining({ identifier: 'KM90026-NFD' })]);
  });

  it('kioskctl verify finds the store intact', () => {
    expect(kiosk.ctl(['verify']).code).toBe(0);
  });
});
