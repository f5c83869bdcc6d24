// The writer must produce bags the validator accepts, byte for byte as
// RFC 8493 describes, and refuse what the validator would reject.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BagWriter, validateBag } from '../../../../app/core/carrier';
import { KioskError } from '../../../../app/core/errors';
import { removeDir, sha256, tempDir } from '../helpers';

let tmp: string;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => removeDir(tmp));

async function* chunks(...parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield typeof p === 'string' ? Buffer.from(p) : p;
}

describe('BagWriter', () => {
  it('writes a crp/1-shaped bag that validates, round trip', async () => {
    const dir = path.join(tmp, 'out', 'KM12324');
    const w = await BagWriter.create(dir);
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 0x5a);
    const rec = await w.addPayloadFile('KM12324-20240305-01.mp4', chunks(big.subarray(0, 1000), big.subarray(1000)));
    expect(rec).toEqual({ sha256: sha256(big), size: big.length });
    await w.addPayloadFile('data/protokół.pdf', chunks('%PDF-1.7'));
    await w.addPayloadFile('sub dir/100% done\nnow.vtt', chunks('WEBVTT\n'));
    await w.addTagFile('recordings.json', JSON.stringify({ profile: 'crp/1', recordings: [] }));
    await w.finish([
      ['BagIt-Profile-Identifier', 'crp/1'],
      ['Source-Organization', 'Sąd Rejonowy dla Krakowa-Śródmieścia\nw Krakowie'],
    ]);

    const r = await validateBag(dir);
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.version).toBe('1.0');
    expect(r.payload.get('data/KM12324-20240305-01.mp4')).toEqual({ rel: 'data/KM12324-20240305-01.mp4', size: big.length, digests: { sha256: sha256(big) } });
    expect(r.payload.has('data/sub dir/100% done\nnow.vtt')).toBe(true);
    expect(r.bagInfo[0]).toEqual(['BagIt-Profile-Identifier', 'crp/1']);
    expect(r.bagInfo[1]).toEqual(['Source-Organization', 'Sąd Rejonowy dla Krakowa-Śródmieścia w Krakowie']);
    expect(r.bagInfo.find(([l]) => l === 'Payload-Oxum')?.[1]).toBe(`${big.length + 8 + 7}.3`);
    expect(r.bagInfo.find(([l]) => l === 'Bagging-Date')?.[1]).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    expect(fs.readFileSync(path.join(dir, 'bagit.txt'), 'utf8')).toBe('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
    expect(fs.readFileSync(path.join(dir, 'manifest-sha256.txt'), 'utf8')).toContain('  data/sub dir/100%25 done%0Anow.vtt\n');
    const tagManifest = fs.readFileSync(path.join(dir, 'tagmanifest-sha256.txt'), 'utf8');
    for (const f of ['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', 'recordings.json']) {
      expect(tagManifest).toContain(`${sha256(fs.readFileSync(path.join(dir, f)))}  ${f}\n`);
    }
    expect(tagManifest).not.toContain('tagmanifest');
  });

  it('leaves extraUnlistedTagFiles out of the tag manifest and the bag stays valid', async () => {
    const dir = path.join(tmp, 'b');
    const w = await BagWriter.create(dir);
    await w.addPayloadFile('a.txt', chunks('a'));
    await w.addTagFile('notes/readme.txt', 'hello');
    await w.finish([], { extraUnlistedTagFiles: ['notes/readme.txt'] });
    expect(fs.readFileSync(path.join(dir, 'tagmanifest-sha256.txt'), 'utf8')).not.toContain('readme');
    const r = await validateBag(dir);
    expect(r.valid).toBe(true);
    expect(r.tagFiles.get('notes/readme.txt')).toEqual({ rel: 'notes/readme.txt', size: 5, digests: {} });
  });

  it('[Q-2] refuses paths the validator would reject, naming the rule', async () => {
    const w = await BagWriter.create(path.join(tmp, 'c'));
    const refused = async (p: Promise<unknown>, rule: string): Promise<void> => {
      const e: unknown = await p.then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(KioskError);
      expect((e as KioskError).problems.map((x) => x.rule)).toContain(rule);
    };
    await refused(w.addPayloadFile('../escape.mp4', chunks('x')), 'bagit.path.escape');
    await refused(w.addPayloadFile('/abs.mp4', chunks('x')), 'bagit.path.not-normal');
    await refused(w.addPayloadFile('a\\b.mp4', chunks('x')), 'bagit.path.backslash');
    await w.addPayloadFile('rec.mp4', chunks('x'));
    await refused(w.addPayloadFile('REC.mp4', chunks('y')), 'carrier.name-collision');
    await refused(w.addTagFile('BagIt.txt', 'x'), 'bagit.writer.reserved-name');
    await refused(w.addTagFile('data/x.json', 'x'), 'bagit.tagmanifest.payload-path');
    expect(fs.existsSync(path.join(tmp, 'escape.mp4'))).toBe(false);
  });

  it('refuses a non-empty directory and a second finish', async () => {
    fs.mkdirSync(path.join(tmp, 'full'));
    fs.writeFileSync(path.join(tmp, 'full', 'x'), 'x');
    await expect(BagWriter.create(path.join(tmp, 'full'))).rejects.toBeInstanceOf(KioskError);
    const w = await BagWriter.create(path.join(tmp, 'd'));
    await w.finish([]);
    await expect(w.finish([])).rejects.toBeInstanceOf(KioskError);
    expect((await validateBag(path.join(tmp, 'd'))).valid).toBe(true);
  });

  it('removes a half-written payload file when the source fails', async () => {
    const dir = path.join(tmp, 'e');
    const w = await BagWriter.create(dir);
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('partial');
      throw new Error('source broke');
    }
    await expect(w.addPayloadFile('x.mp4', failing())).rejects.toThrow('source broke');
    expect(fs.existsSync(path.join(dir, 'data/x.mp4'))).toBe(false);
    await w.addPayloadFile('x.mp4', chunks('whole'));
    await w.finish([]);
    expect((await validateBag(dir)).valid).toBe(true);
  });
});
