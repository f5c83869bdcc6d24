// SHA256SUMS of a plain folder: sha256sum's text and binary forms; malformed
// lines and escaping names are problems naming the file and the rule.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSha256Sums } from '../../../app/core/carrier';
import { removeDir, sha256, tempDir } from './helpers';

let tmp: string;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => removeDir(tmp));

const H = sha256('video');

function sums(text: string): string {
  const f = path.join(tmp, 'SHA256SUMS');
  fs.writeFileSync(f, text);
  return f;
}

describe('parseSha256Sums', () => {
  it('reads text-mode and binary-mode lines, CRLF too', async () => {
    const r = await parseSha256Sums(sums(`${H}  REC01.mp4\r\n${H.toUpperCase()} *sub/REC02.mp4\r\n`));
    expect(r.problems).toEqual([]);
    expect(r.entries).toEqual([
      { name: 'REC01.mp4', sha256: H, binary: false },
      { name: 'sub/REC02.mp4', sha256: H, binary: true },
    ]);
  });

  it('[Q-2] reports a malformed line with file, rule and line (plain.sums.format)', async () => {
    const r = await parseSha256Sums(sums(`${H}  ok.mp4\n${H.slice(0, 60)}  short.mp4\n${H}\tTAB.mp4\n`));
    expect(r.entries.map((e) => e.name)).toEqual(['ok.mp4']);
    expect(r.problems).toEqual([
      expect.objectContaining({ file: 'SHA256SUMS', rule: 'plain.sums.format', field: 'line 2' }),
      expect.objectContaining({ file: 'SHA256SUMS', rule: 'plain.sums.format', field: 'line 3' }),
    ]);
  });

  it('[Q-2] reports names that escape the folder (plain.path.*)', async () => {
    const r = await parseSha256Sums(sums(`${H}  ../../etc/passwd\n${H}  /etc/shadow\n${H}  ~/x.mp4\n`));
    expect(r.entries).toEqual([]);
    expect(r.problems.map((p) => [p.file, p.rule])).toEqual([
      ['SHA256SUMS', 'plain.path.escape'],
      ['SHA256SUMS', 'plain.path.absolute'],
      ['SHA256SUMS', 'plain.path.home'],
    ]);
  });

  it('[Q-2] reports a name listed twice, also by case (plain.sums.duplicate)', async () => {
    const r = await parseSha256Sums(sums(`${H}  rec.mp4\n${H}  REC.MP4\n`));
    expect(r.problems).toEqual([expect.objectContaining({ file: 'SHA256SUMS', rule: 'plain.sums.duplicate', field: 'line 2' })]);
  });

  it('[Q-2] reports a missing SHA256SUMS (plain.sums.missing)', async () => {
    const r = await parseSha256Sums(path.join(tmp, 'SHA256SUMS'));
    expect(r.problems).toEqual([expect.objectContaining({ file: 'SHA256SUMS', rule: 'plain.sums.missing' })]);
  });
});
