// Carrier discovery (DC-3): packages up to 3 levels below the root, bags not
// descended into, symlinks never followed, plain folders without SHA256SUMS
// refused (DC-4).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPackages, scanCarrier } from '../../../app/core/carrier';
import { removeDir, sha256, tempDir, writeBag } from './helpers';

let tmp: string;
let root: string;
beforeEach(() => {
  tmp = tempDir();
  root = path.join(tmp, 'carrier');
  fs.mkdirSync(root);
});
afterEach(() => removeDir(tmp));

function plain(dir: string, sums = true): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'REC01.MP4'), 'video');
  if (sums) fs.writeFileSync(path.join(dir, 'SHA256SUMS'), `${sha256('video')}  REC01.MP4\n`);
}

describe('[DC-3] findPackages', () => {
  it('[DC-3] finds bags and plain folders at depths 1 to 3 but not 4, and not inside a bag', async () => {
    writeBag(path.join(root, 'bag1'), { payload: { 'data/a.txt': 'a' } });
    writeBag(path.join(root, 'bag1/data/inner'), { payload: { 'data/b.txt': 'b' } }); // a bag in a bag is payload
    writeBag(path.join(root, 'x/bag2'), { payload: { 'data/a.txt': 'a' } });
    plain(path.join(root, 'x/y/plain3'));
    writeBag(path.join(root, 'x/y/z/bag4'), { payload: { 'data/a.txt': 'a' } });
    const found = await findPackages(root);
    expect(found).toEqual([
      { path: path.join(root, 'bag1'), kind: 'bag' },
      { path: path.join(root, 'x/bag2'), kind: 'bag' },
      { path: path.join(root, 'x/y/plain3'), kind: 'plain' },
    ]);
    expect(await findPackages(root, 4)).toContainEqual({ path: path.join(root, 'x/y/z/bag4'), kind: 'bag' });
  });

  it('[DC-3] treats a carrier whose root is a bag as one package', async () => {
    writeBag(root, { payload: { 'data/a.txt': 'a' } });
    expect(await findPackages(root)).toEqual([{ path: root, kind: 'bag' }]);
  });

  it('[DC-3] does not follow a symlinked directory', async () => {
    const elsewhere = path.join(tmp, 'elsewhere');
    writeBag(path.join(elsewhere, 'bag'), { payload: { 'data/a.txt': 'a' } });
    fs.symlinkSync(elsewhere, path.join(root, 'link'));
    fs.symlinkSync(path.join(elsewhere, 'bag'), path.join(root, 'linked-bag'));
    const scan = await scanCarrier(root);
    expect(scan.packages).toEqual([]);
    expect(scan.problems).toContainEqual(expect.objectContaining({ file: 'link', rule: 'carrier.special-file' }));
    expect(scan.problems).toContainEqual(expect.objectContaining({ file: 'linked-bag', rule: 'carrier.special-file' }));
  });

  it('[DC-4] refuses a folder of .mp4 files without SHA256SUMS, naming the missing file and the rule', async () => {
    plain(path.join(root, 'nosums'), false);
    const scan = await scanCarrier(root);
    expect(scan.packages).toEqual([]);
    expect(scan.refused).toEqual([
      {
        path: path.join(root, 'nosums'),
        problems: [expect.objectContaining({ file: 'nosums/SHA256SUMS', rule: 'plain.sums.missing' })],
      },
    ]);
  });

  it('[Q-1] refuses an unfinished export (INCOMPLETE-EXPORT-…) with export.incomplete even when it holds a valid bag, and still finds the others; a root so named is refused itself', async () => {
    writeBag(path.join(root, 'INCOMPLETE-EXPORT-KM-1-24_export_20261123T152834Z'), { payload: { 'data/a.txt': 'a' } });
    fs.mkdirSync(path.join(root, 'x/INCOMPLETE-EXPORT-empty'), { recursive: true });
    writeBag(path.join(root, 'KM-1-24_export_20261123T152834Z'), { payload: { 'data/a.txt': 'a' } });
    const scan = await scanCarrier(root);
    expect(scan.packages).toEqual([{ path: path.join(root, 'KM-1-24_export_20261123T152834Z'), kind: 'bag' }]);
    expect(scan.refused.map((r) => r.problems)).toEqual([
      [expect.objectContaining({ file: 'INCOMPLETE-EXPORT-KM-1-24_export_20261123T152834Z', rule: 'export.incomplete', message: expect.stringContaining('never finished') })],
      [expect.objectContaining({ file: 'x/INCOMPLETE-EXPORT-empty', rule: 'export.incomplete' })],
    ]);
    const itself = await scanCarrier(path.join(root, 'INCOMPLETE-EXPORT-KM-1-24_export_20261123T152834Z'));
    expect(itself.packages).toEqual([]);
    expect(itself.refused[0]?.problems).toEqual([expect.objectContaining({ file: 'INCOMPLETE-EXPORT-KM-1-24_export_20261123T152834Z', rule: 'export.incomplete' })]);
  });

  it('skips system folders of removable media', async () => {
    plain(path.join(root, 'System Volume Information'), false);
    plain(path.join(root, '.Trashes'), false);
    const scan = await scanCarrier(root);
    expect(scan.refused).toEqual([]);
  });
});
