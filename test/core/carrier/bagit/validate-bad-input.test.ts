// Bad input made in a temp dir, one case per rule: each asserts the problem
// names the offending file and the rule.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BagReport, validateBag } from '../../../../app/core/carrier';
import { refreshTagManifest, removeDir, sha256, tempDir, writeBag } from '../helpers';

let tmp: string;
let bag: string;
beforeEach(() => {
  tmp = tempDir();
  bag = path.join(tmp, 'bag');
});
afterEach(() => removeDir(tmp));

const HELLO = { 'data/hello.txt': 'hello\n' };

function has(r: BagReport, file: string, rule: string): void {
  expect(r.valid).toBe(false);
  expect(r.problems).toContainEqual(expect.objectContaining({ file, rule }));
}

describe('validateBag: a well-formed bag', () => {
  it('accepts a hand-made BagIt 1.0 bag and reports its payload by NFC path', async () => {
    writeBag(bag, { payload: { ...HELLO, ['data/sub/Protókół.pdf'.normalize('NFD')]: 'pdf' } });
    const r = await validateBag(bag);
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.version).toBe('1.0');
    expect(r.encoding).toBe('UTF-8');
    expect(r.payload.get('data/hello.txt')).toEqual({ rel: 'data/hello.txt', size: 6, digests: { sha256: sha256('hello\n') } });
    // Keyed by NFC, opened by the name as walked (FORMATS.md: compared after NFC).
    expect(r.payload.get('data/sub/Protókół.pdf'.normalize('NFC'))?.rel).toBe('data/sub/Protókół.pdf'.normalize('NFD'));
    expect(r.tagFiles.get('bagit.txt')?.digests.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.bagInfo).toEqual([['Payload-Oxum', '9.2']]);
  });

  it('accepts CRLF and CR line endings and a last line without a newline', async () => {
    writeBag(bag, {
      payload: HELLO,
      declaration: 'BagIt-Version: 1.0\r\nTag-File-Character-Encoding: UTF-8',
      manifest: `${sha256('hello\n')}  data/hello.txt`,
      bagInfo: 'Payload-Oxum: 6.1\rSource-Organization: Sąd Rejonowy\r  dla Krakowa\r',
    });
    const r = await validateBag(bag);
    expect(r.problems).toEqual([]);
    expect(r.bagInfo).toEqual([
      ['Payload-Oxum', '6.1'],
      ['Source-Organization', 'Sąd Rejonowy dla Krakowa'],
    ]);
  });

  it('decodes %25, %0A and %0D in 1.0 manifest paths', async () => {
    writeBag(bag, { payload: { 'data/100%.txt': 'a', 'data/two\nlines.txt': 'b' } });
    const r = await validateBag(bag);
    expect(r.problems).toEqual([]);
    expect(r.payload.has('data/two\nlines.txt')).toBe(true);
  });
});

describe('[Q-2] validateBag: path escapes in manifests and fetch.txt', () => {
  const h = sha256('x');
  const cases: Array<[string, string, string]> = [
    ['a ".." segment', `${h}  data/../../etc/passwd`, 'bagit.path.escape'],
    ['an absolute path', `${h}  /etc/passwd`, 'bagit.path.absolute'],
    ['a drive letter', `${h}  C:/Windows/system.ini`, 'bagit.path.absolute'],
    ['"~"', `${h}  ~/secret`, 'bagit.path.home'],
    ['"~user"', `${h}  ~root/secret`, 'bagit.path.home'],
    ['a backslash', `${h}  data\\..\\..\\secret`, 'bagit.path.backslash'],
    ['a UNC path', `${h}  \\\\?\\UNC\\server\\share`, 'bagit.path.backslash'],
    ['percent-encoded dots', `${h}  data/%2e%2e/%2E%2E/secret`, 'bagit.path.encoded-dot'],
    ['an unencoded % (1.0)', `${h}  data/50%off.txt`, 'bagit.path.percent-encoding'],
    ['a path outside data/', `${h}  bag-info.txt`, 'bagit.manifest.outside-payload'],
  ];
  for (const [what, line, rule] of cases) {
    it(`[Q-2] rejects a manifest entry with ${what} (${rule})`, async () => {
      writeBag(bag, { payload: HELLO, extraManifestLines: [line] });
      const r = await validateBag(bag);
      has(r, 'manifest-sha256.txt', rule);
      const p = r.problems.find((x) => x.rule === rule);
      expect(p?.field).toBe('line 2');
    });
  }

  it('[Q-2] rejects a fetch.txt entry that escapes the bag (bagit.path.escape)', async () => {
    writeBag(bag, { payload: HELLO, fetch: 'https://example.org/x 1 ../../outside.txt\n' });
    has(await validateBag(bag), 'fetch.txt', 'bagit.path.escape');
  });

  it('[Q-2] rejects a fetch.txt entry naming a tag file (bagit.fetch.outside-payload)', async () => {
    writeBag(bag, { payload: HELLO, fetch: 'https://example.org/x - bagit.txt\n' });
    has(await validateBag(bag), 'fetch.txt', 'bagit.fetch.outside-payload');
  });

  it('accepts a fetch.txt whose files are all present and listed', async () => {
    writeBag(bag, { payload: HELLO, fetch: 'https://example.org/hello 6 data/hello.txt\n' });
    const r = await validateBag(bag);
    expect(r.problems).toEqual([]);
  });

  it('[Q-2] rejects a fetch.txt file that is missing: the kiosk never fetches (bagit.manifest.missing-file)', async () => {
    writeBag(bag, {
      payload: HELLO,
      extraManifestLines: [`${sha256('x')}  data/remote.mp4`],
      fetch: 'https://example.org/remote.mp4 1 data/remote.mp4\n',
    });
    const r = await validateBag(bag);
    has(r, 'data/remote.mp4', 'bagit.manifest.missing-file');
    expect(r.problems.find((p) => p.rule === 'bagit.manifest.missing-file')?.message).toContain('fetch.txt');
  });
});

describe('[Q-2] validateBag: carrier safety', () => {
  it('[Q-2] rejects a symbolic link to a file and never reads through it (carrier.special-file)', async () => {
    const outside = path.join(tmp, 'outside-secret.txt');
    fs.writeFileSync(outside, 'secret');
    writeBag(bag, { payload: HELLO, extraManifestLines: [`${sha256('secret')}  data/link.txt`] });
    fs.symlinkSync(outside, path.join(bag, 'data/link.txt'));
    const r = await validateBag(bag);
    has(r, 'data/link.txt', 'carrier.special-file');
    expect(r.payload.has('data/link.txt')).toBe(false);
  });

  it('[Q-2] rejects a symbolic link to a directory and does not walk into it (carrier.special-file)', async () => {
    const outside = path.join(tmp, 'outside-dir');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
    writeBag(bag, { payload: HELLO });
    fs.symlinkSync(outside, path.join(bag, 'data/linked-dir'));
    const r = await validateBag(bag);
    has(r, 'data/linked-dir', 'carrier.special-file');
    expect([...r.payload.keys()]).toEqual(['data/hello.txt']);
  });

  it('[Q-2] rejects a symbolic link as the payload directory (carrier.special-file)', async () => {
    const outside = path.join(tmp, 'outside-data');
    fs.mkdirSync(outside);
    writeBag(bag, { payload: {} });
    fs.rmSync(path.join(bag, 'data'), { recursive: true });
    fs.symlinkSync(outside, path.join(bag, 'data'));
    has(await validateBag(bag), 'data', 'carrier.special-file');
  });

  it('[Q-2] rejects a FIFO without opening it (carrier.special-file)', async () => {
    writeBag(bag, { payload: HELLO, extraManifestLines: [`${sha256('')}  data/pipe`] });
    execFileSync('mkfifo', [path.join(bag, 'data/pipe')]);
    // Opening a FIFO for reading would block until a writer comes; finishing at all shows it was not opened.
    const r = await validateBag(bag, { readTimeoutMs: 60_000 });
    has(r, 'data/pipe', 'carrier.special-file');
  });

  it('[Q-2] rejects two names that differ only in Unicode normalisation (carrier.name-collision)', async () => {
    const nfcName = 'data/Núñez.txt'.normalize('NFC');
    const nfdName = 'data/Núñez.txt'.normalize('NFD');
    writeBag(bag, { payload: { [nfcName]: 'a', [nfdName]: 'b' } });
    const names = fs.readdirSync(path.join(bag, 'data'));
    expect(names.length).toBe(2); // the file system keeps both, as ext4 and exFAT-on-Linux do
    const r = await validateBag(bag);
    expect(r.valid).toBe(false);
    const p = r.problems.find((x) => x.rule === 'carrier.name-collision' && x.file.startsWith('data/N'));
    expect(p?.message).toContain('normalisation');
  });

  it('[Q-2] rejects two names that differ only in case (carrier.name-collision)', async () => {
    writeBag(bag, { payload: { 'data/rec.mp4': 'a', 'data/REC.mp4': 'b' } });
    const r = await validateBag(bag);
    has(r, 'data/rec.mp4', 'carrier.name-collision');
    expect(r.problems.find((x) => x.rule === 'carrier.name-collision')?.message).toContain('case');
  });

  it('[Q-2] rejects directories that differ only in case (carrier.name-collision)', async () => {
    writeBag(bag, { payload: { 'data/Sub/a.txt': 'a', 'data/sub/b.txt': 'b' } });
    has(await validateBag(bag), 'data/sub', 'carrier.name-collision');
  });
});

describe('[Q-2] validateBag: content and completeness', () => {
  it('[Q-2] rejects a payload file whose hash does not match (bagit.manifest.hash)', async () => {
    writeBag(bag, { payload: HELLO, manifest: `${sha256('other')}  data/hello.txt\n` });
    const r = await validateBag(bag);
    has(r, 'data/hello.txt', 'bagit.manifest.hash');
    expect(r.problems.find((p) => p.rule === 'bagit.manifest.hash')?.field).toBe('manifest-sha256.txt');
  });

  it('[Q-2] rejects a truncated payload file (bagit.manifest.hash, bagit.baginfo.oxum)', async () => {
    writeBag(bag, { payload: { 'data/rec.mp4': Buffer.alloc(4096, 7) } });
    fs.truncateSync(path.join(bag, 'data/rec.mp4'), 1000);
    const r = await validateBag(bag);
    has(r, 'data/rec.mp4', 'bagit.manifest.hash');
    has(r, 'bag-info.txt', 'bagit.baginfo.oxum');
  });

  it('[Q-2] rejects an extra payload file not in the manifest (bagit.manifest.unlisted-file)', async () => {
    writeBag(bag, { payload: HELLO, bagInfo: null });
    fs.writeFileSync(path.join(bag, 'data/extra.mp4'), 'x');
    has(await validateBag(bag), 'data/extra.mp4', 'bagit.manifest.unlisted-file');
  });

  it('[Q-2] rejects a payload file in one manifest but not another (1.0: bagit.manifest.unlisted-file)', async () => {
    writeBag(bag, { payload: HELLO, bagInfo: null, tagManifest: false });
    fs.writeFileSync(path.join(bag, 'manifest-md5.txt'), '');
    const r = await validateBag(bag);
    has(r, 'data/hello.txt', 'bagit.manifest.unlisted-file');
    expect(r.problems.find((p) => p.rule === 'bagit.manifest.unlisted-file')?.field).toBe('manifest-md5.txt');
  });

  it('[Q-2] rejects a listed file that is missing (bagit.manifest.missing-file)', async () => {
    writeBag(bag, { payload: HELLO, extraManifestLines: [`${sha256('x')}  data/gone.mp4`] });
    has(await validateBag(bag), 'data/gone.mp4', 'bagit.manifest.missing-file');
  });

  it('[Q-2] rejects a wrong Payload-Oxum (bagit.baginfo.oxum)', async () => {
    writeBag(bag, { payload: HELLO, bagInfo: 'Payload-Oxum: 7.1\n' });
    has(await validateBag(bag), 'bag-info.txt', 'bagit.baginfo.oxum');
  });

  it('[Q-2] rejects a malformed or repeated Payload-Oxum (bagit.baginfo.oxum-format, bagit.baginfo.repeated)', async () => {
    writeBag(bag, { payload: HELLO, bagInfo: 'Payload-Oxum: six\nPayload-Oxum: 6.1\n' });
    const r = await validateBag(bag);
    has(r, 'bag-info.txt', 'bagit.baginfo.oxum-format');
    has(r, 'bag-info.txt', 'bagit.baginfo.repeated');
  });

  it('[Q-2] rejects a tag file whose hash does not match the tag manifest (bagit.tagmanifest.hash)', async () => {
    writeBag(bag, { payload: HELLO });
    fs.appendFileSync(path.join(bag, 'bag-info.txt'), 'Source-Organization: changed\n');
    has(await validateBag(bag), 'bag-info.txt', 'bagit.tagmanifest.hash');
  });

  it('[Q-2] rejects a 1.0 tag manifest that omits a payload manifest (bagit.tagmanifest.incomplete)', async () => {
    writeBag(bag, { payload: HELLO });
    fs.writeFileSync(path.join(bag, 'tagmanifest-sha256.txt'), `${sha256(fs.readFileSync(path.join(bag, 'bagit.txt')))}  bagit.txt\n`);
    has(await validateBag(bag), 'tagmanifest-sha256.txt', 'bagit.tagmanifest.incomplete');
  });

  it('[Q-2] rejects a path listed twice in a 1.0 manifest, even with the same hash (bagit.manifest.duplicate)', async () => {
    writeBag(bag, { payload: HELLO, extraManifestLines: [`${sha256('hello\n')}  data/hello.txt`] });
    has(await validateBag(bag), 'manifest-sha256.txt', 'bagit.manifest.duplicate');
  });

  it('[Q-2] rejects a bag without a payload manifest (bagit.manifest.missing)', async () => {
    writeBag(bag, { payload: HELLO, tagManifest: false });
    fs.rmSync(path.join(bag, 'manifest-sha256.txt'));
    has(await validateBag(bag), 'manifest-sha256.txt', 'bagit.manifest.missing');
  });

  it('[Q-2] rejects a manifest line that is not "checksum filepath" (bagit.manifest.format)', async () => {
    writeBag(bag, { payload: HELLO, extraManifestLines: ['not a manifest line', 'abc123  data/hello.txt'] });
    const r = await validateBag(bag);
    has(r, 'manifest-sha256.txt', 'bagit.manifest.format');
    expect(r.problems.filter((p) => p.rule === 'bagit.manifest.format').map((p) => p.field)).toEqual(['line 2', 'line 3']);
  });

  it('[Q-2] rejects a manifest for an algorithm it cannot check (bagit.manifest.algorithm-unsupported)', async () => {
    writeBag(bag, { payload: HELLO, tagManifest: false });
    fs.writeFileSync(path.join(bag, 'manifest-blake3.txt'), 'ab  data/hello.txt\n');
    has(await validateBag(bag), 'manifest-blake3.txt', 'bagit.manifest.algorithm-unsupported');
  });

  it('[Q-2] rejects a bag without data/ (bagit.payload.missing)', async () => {
    writeBag(bag, { payload: {} });
    fs.rmdirSync(path.join(bag, 'data'));
    has(await validateBag(bag), 'data', 'bagit.payload.missing');
  });
});

describe('[Q-2] validateBag: declaration and encodings', () => {
  it('[Q-2] rejects a UTF-8 BOM in bagit.txt (bagit.declaration.bom)', async () => {
    writeBag(bag, { payload: HELLO, declaration: '\uFEFFBagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n' });
    has(await validateBag(bag), 'bagit.txt', 'bagit.declaration.bom');
  });

  it('[Q-2] rejects a missing bagit.txt (bagit.declaration.missing)', async () => {
    writeBag(bag, { payload: HELLO, tagManifest: false });
    fs.rmSync(path.join(bag, 'bagit.txt'));
    has(await validateBag(bag), 'bagit.txt', 'bagit.declaration.missing');
  });

  it('[Q-2] rejects trailing whitespace and extra lines in bagit.txt (bagit.declaration.format)', async () => {
    writeBag(bag, { payload: HELLO, declaration: 'BagIt-Version: 1.0 \nTag-File-Character-Encoding: UTF-8\nExtra: 1\n' });
    const r = await validateBag(bag);
    expect(r.problems.filter((p) => p.file === 'bagit.txt' && p.rule === 'bagit.declaration.format').map((p) => p.field)).toEqual(['line 1', 'line 3']);
  });

  it('[Q-2] rejects an unknown BagIt version (bagit.declaration.version-unsupported)', async () => {
    writeBag(bag, { payload: HELLO, declaration: 'BagIt-Version: 2.0\nTag-File-Character-Encoding: UTF-8\n' });
    has(await validateBag(bag), 'bagit.txt', 'bagit.declaration.version-unsupported');
  });

  it('[Q-2] rejects an unsupported tag-file encoding (bagit.declaration.encoding-unsupported)', async () => {
    writeBag(bag, { payload: HELLO, declaration: 'BagIt-Version: 1.0\nTag-File-Character-Encoding: EBCDIC\n' });
    has(await validateBag(bag), 'bagit.txt', 'bagit.declaration.encoding-unsupported');
  });

  it('[Q-2] rejects a UTF-8 BOM in a 1.0 manifest (bagit.encoding.bom)', async () => {
    writeBag(bag, { payload: HELLO, manifest: `\uFEFF${sha256('hello\n')}  data/hello.txt\n` });
    has(await validateBag(bag), 'manifest-sha256.txt', 'bagit.encoding.bom');
  });

  it('[Q-2] rejects a tag file that is not valid in the declared encoding (bagit.encoding.invalid)', async () => {
    writeBag(bag, { payload: HELLO, bagInfo: null });
    fs.writeFileSync(path.join(bag, 'bag-info.txt'), Buffer.from([0x41, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    refreshTagManifest(bag);
    has(await validateBag(bag), 'bag-info.txt', 'bagit.encoding.invalid');
  });

  it('[Q-2] rejects "Label : value" in a 1.0 bag-info.txt but accepts it before 1.0 (bagit.baginfo.format)', async () => {
    writeBag(bag, { payload: HELLO, bagInfo: 'Source-Organization : Court\n' });
    has(await validateBag(bag), 'bag-info.txt', 'bagit.baginfo.format');
    const old = path.join(tmp, 'old');
    writeBag(old, { payload: HELLO, version: '0.97', bagInfo: 'Source-Organization :   Court\n' });
    const r = await validateBag(old);
    expect(r.problems).toEqual([]);
    expect(r.bagInfo).toEqual([['Source-Organization', 'Court']]);
  });

  // RFC 8493 §2.1.1: ENCODING "SHOULD be UTF-8 but ... MAY be any other
  // encoding registered" — so UTF-16 tag files do not make a 1.0 bag invalid.
  // We accept them with a warning; the crp/1 profile (UTF-8 only) is enforced
  // by the layer above, which rejects such a package.
  it('accepts UTF-16 tag files in a 1.0 bag with a warning (bagit.encoding.not-utf8), as RFC 8493 allows', async () => {
    const utf16 = (s: string): Buffer => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()]);
    writeBag(bag, {
      payload: HELLO,
      declaration: 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-16\n',
      manifest: utf16(`${sha256('hello\n')}  data/hello.txt\n`),
      bagInfo: utf16('Payload-Oxum: 6.1\nContact-Name: Zażółć\n'),
      tagManifest: false, // the helper writes it in UTF-8
    });
    const r = await validateBag(bag);
    expect(r.problems).toEqual([]);
    expect(r.warnings).toContainEqual(expect.objectContaining({ file: 'bagit.txt', rule: 'bagit.encoding.not-utf8' }));
    expect(r.bagInfo).toContainEqual(['Contact-Name', 'Zażółć']);
  });
});

describe('[Q-2] validateBag: problem flood', () => {
  it('[Q-2] caps problems per rule at 1000 and adds one summary', async () => {
    const bad = Array.from({ length: 1500 }, (_, i) => `zz${i}`);
    writeBag(bag, { payload: HELLO, extraManifestLines: bad });
    const r = await validateBag(bag);
    const fmt = r.problems.filter((p) => p.rule === 'bagit.manifest.format');
    expect(fmt.length).toBe(1001);
    expect(fmt[1000]?.message).toContain('500 more');
    expect(fmt[1000]?.file).toBe('manifest-sha256.txt');
  });
});

describe('validateBag: abort', () => {
  it('rejects with the abort reason when the signal is aborted', async () => {
    writeBag(bag, { payload: HELLO });
    const ac = new AbortController();
    ac.abort(new Error('carrier removed'));
    await expect(validateBag(bag, { signal: ac.signal })).rejects.toThrow('carrier removed');
  });
});
