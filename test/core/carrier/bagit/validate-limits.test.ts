// Hostile sizes: a manifest of a million lines and a single 100 MB line are
// handled in bounded memory and end in problems, not crashes.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateBag } from '../../../../app/core/carrier';
import { removeDir, tempDir, writeBag } from '../helpers';

let tmp: string;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => removeDir(tmp));

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** Writes `count` lines made by `line(i)` in blocks, never holding the file in memory. */
function writeLines(file: string, count: number, line: (i: number) => string): void {
  const fd = fs.openSync(file, 'w');
  try {
    const block = 10_000;
    for (let start = 0; start < count; start += block) {
      let s = '';
      for (let i = start; i < Math.min(count, start + block); i++) s += line(i);
      fs.writeSync(fd, s);
    }
  } finally {
    fs.closeSync(fd);
  }
}

describe('[Q-2] validateBag: bounded memory on hostile manifests', () => {
  it('[Q-2] stops a million-entry manifest at the entry cap with one problem (bagit.manifest.too-many-entries)', async () => {
    const bag = path.join(tmp, 'million-entries');
    writeBag(bag, { payload: { 'data/hello.txt': 'hello\n' }, tagManifest: false, bagInfo: null });
    const digests = Array.from({ length: 97 }, (_, i) => md5(String(i)));
    writeLines(path.join(bag, 'manifest-md5.txt'), 1_000_000, (i) => `${digests[i % 97] ?? ''}  data/f${String(i).padStart(7, '0')}\n`);
    const r = await validateBag(bag);
    expect(r.valid).toBe(false);
    const capped = r.problems.filter((p) => p.rule === 'bagit.manifest.too-many-entries');
    expect(capped).toEqual([expect.objectContaining({ file: 'manifest-md5.txt', field: 'line 100001' })]);
    // A truncated manifest must not turn into a hundred thousand "missing file" problems past the per-rule cap.
    expect(r.problems.length).toBeLessThan(2100);
    fs.rmSync(path.join(bag, 'manifest-md5.txt'));
  });

  it('[Q-2] streams all of a million-line manifest and caps the duplicate problems (bagit.manifest.duplicate)', async () => {
    const bag = path.join(tmp, 'million-dups');
    writeBag(bag, { payload: { 'data/hello.txt': 'hello\n' }, tagManifest: false, bagInfo: null });
    const line = `${md5('hello\n')}  data/hello.txt\n`;
    writeLines(path.join(bag, 'manifest-md5.txt'), 1_000_000, () => line);
    const r = await validateBag(bag);
    const dups = r.problems.filter((p) => p.rule === 'bagit.manifest.duplicate');
    expect(dups.length).toBe(1001);
    expect(dups[1000]?.message).toContain(`${999_999 - 1000} more`);
    expect(r.payload.get('data/hello.txt')?.digests.md5).toBe(md5('hello\n'));
    fs.rmSync(path.join(bag, 'manifest-md5.txt'));
  });

  it('[Q-2] reports a 100 MB manifest line as too long and reads the next line (bagit.line.too-long)', async () => {
    const bag = path.join(tmp, 'long-line');
    writeBag(bag, { payload: { 'data/hello.txt': 'hello\n' }, tagManifest: false, bagInfo: null });
    const file = path.join(bag, 'manifest-md5.txt');
    const fd = fs.openSync(file, 'w');
    const mb = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 100; i++) fs.writeSync(fd, mb);
    fs.writeSync(fd, `\r\n${md5('hello\n')}  data/hello.txt\r\n`);
    fs.closeSync(fd);
    const r = await validateBag(bag);
    expect(r.problems).toContainEqual(expect.objectContaining({ file: 'manifest-md5.txt', rule: 'bagit.line.too-long', field: 'line 1' }));
    // Line 2 was read: hello.txt is listed in every manifest, so nothing is unlisted or missing.
    expect(r.problems.filter((p) => p.rule !== 'bagit.line.too-long')).toEqual([]);
    fs.rmSync(file);
  });

  it('[Q-2] honours a smaller maxLineBytes for bag-info.txt (bagit.line.too-long)', async () => {
    const bag = path.join(tmp, 'long-info');
    writeBag(bag, { payload: { 'data/hello.txt': 'hello\n' }, tagManifest: false, bagInfo: `External-Description: ${'x'.repeat(5000)}\nContact-Name: A\n` });
    const r = await validateBag(bag, { maxLineBytes: 1024 });
    expect(r.problems).toContainEqual(expect.objectContaining({ file: 'bag-info.txt', rule: 'bagit.line.too-long', field: 'line 1' }));
    expect(r.bagInfo).toEqual([['Contact-Name', 'A']]);
  });
});
