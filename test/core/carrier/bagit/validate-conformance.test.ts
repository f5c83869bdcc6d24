// The Library of Congress BagIt conformance suite, one case per directory.
// INDEX.md is the contract: valid/* accepted; invalid/*, linux-only/* and
// windows-only/* rejected; warning/* rejected or warned about.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateBag } from '../../../../app/core/carrier';
import { sharedDir } from '../helpers';

const suite = path.join(sharedDir, 'testdata/bagit-conformance-suite');

function cases(): Array<{ name: string; category: string; dir: string }> {
  const out: Array<{ name: string; category: string; dir: string }> = [];
  for (const version of fs.readdirSync(suite).filter((d) => /^v\d/.test(d)).sort()) {
    for (const category of fs.readdirSync(path.join(suite, version)).sort()) {
      for (const c of fs.readdirSync(path.join(suite, version, category)).sort()) {
        const dir = path.join(suite, version, category, c);
        if (fs.statSync(dir).isDirectory()) out.push({ name: `${version}/${category}/${c}`, category, dir });
      }
    }
  }
  return out;
}

const all = cases();
const RULE = /^(bagit|carrier)\.[a-z0-9-]+(\.[a-z0-9-]+)*$/;

describe('BagIt conformance suite', () => {
  it('finds every case of the suite in ../shared', () => {
    expect(all.length).toBe(60);
    const index = fs.readFileSync(path.join(suite, 'INDEX.md'), 'utf8');
    for (const c of all) expect(index).toContain(c.name.split('/').slice(0, 2).join('/'));
  });

  for (const c of all) {
    if (c.category === 'valid') {
      it(`bagit conformance ${c.name} is accepted`, async () => {
        const r = await validateBag(c.dir);
        expect(r.problems).toEqual([]);
        expect(r.valid).toBe(true);
        expect(r.payload.size).toBeGreaterThan(0);
      });
    } else if (c.category === 'warning') {
      it(`[Q-2] bagit conformance ${c.name} is rejected or warned about`, async () => {
        const r = await validateBag(c.dir);
        expect(!r.valid || r.warnings.length > 0).toBe(true);
        for (const p of [...r.problems, ...r.warnings]) {
          expect(p.file).not.toBe('');
          expect(p.rule).toMatch(RULE);
        }
      });
    } else {
      it(`[Q-2] bagit conformance ${c.name} is rejected`, async () => {
        const r = await validateBag(c.dir);
        expect(r.valid).toBe(false);
        expect(r.problems.length).toBeGreaterThan(0);
        for (const p of r.problems) {
          expect(p.file).not.toBe('');
          expect(p.rule).toMatch(RULE);
          expect(p.message.length).toBeGreaterThan(10);
        }
      });
    }
  }

  // Spot checks that the rejection is for the reason the suite intends.
  const expectedRule: Record<string, string> = {
    'v0.97/invalid/baginfo-missing-encoding': 'bagit.declaration.encoding-missing',
    'v0.97/invalid/bom-in-bagit.txt': 'bagit.declaration.bom',
    'v0.97/invalid/corrupt-data-file': 'bagit.manifest.hash',
    'v0.97/invalid/corrupt-tag-file': 'bagit.tagmanifest.hash',
    'v0.97/invalid/extra-file-in-bag': 'bagit.manifest.unlisted-file',
    'v0.97/invalid/invalid-version-number': 'bagit.declaration.version',
    'v0.97/invalid/missing-baginfo': 'bagit.tagmanifest.missing-file',
    'v0.97/invalid/missing-bagit.txt': 'bagit.declaration.missing',
    'v0.97/invalid/out-of-scope-file-paths-using-dot-notation': 'bagit.path.escape',
    'v0.97/invalid/out-of-scope-file-paths-using-dot-notation-for-fetch': 'bagit.path.escape',
    'v0.97/invalid/same-filename-listed-twice-with-different-hashes': 'bagit.manifest.duplicate',
    'v0.97/linux-only/out-of-scope-file-paths-using-absolute-path': 'bagit.path.absolute',
    'v0.97/linux-only/out-of-scope-file-paths-using-shortcut-username-for-fetch': 'bagit.path.home',
    'v0.97/windows-only/out-of-scope-file-paths-using-unc': 'bagit.path.backslash',
    'v1.0/invalid/bagit-with-invalid-whitespace': 'bagit.declaration.format',
    'v1.0/invalid/notAllManifestsListAllFiles': 'bagit.manifest.unlisted-file',
    'v1.0/invalid/same-filename-listed-twice-with-the-same-hash': 'bagit.manifest.duplicate',
  };
  for (const [name, rule] of Object.entries(expectedRule)) {
    it(`[Q-2] bagit conformance ${name} is rejected under rule ${rule}`, async () => {
      const r = await validateBag(path.join(suite, name));
      expect(r.problems.map((p) => p.rule)).toContain(rule);
    });
  }

  it('reads UTF-16 and ISO-8859-1 tag files of 0.97 bags', async () => {
    const r16 = await validateBag(path.join(suite, 'v0.97/valid/UTF-16-encoded-tag-files'));
    expect(r16.encoding).toBe('UTF-16');
    expect(r16.bagInfo.find(([l]) => l === 'Payload-Oxum')?.[1]).toBe('58.2');
    const rl1 = await validateBag(path.join(suite, 'v0.97/valid/ISO-8859-1-encoded-tag-files'));
    expect(rl1.encoding).toBe('ISO-8859-1');
    expect(rl1.version).toBe('0.97');
  });

  it('warns about md5sum binary markers and ./ prefixes, and keeps repeated bag-info labels in order', async () => {
    const md5sum = await validateBag(path.join(suite, 'v0.97/warning/made-with-md5sum-tools'));
    expect(md5sum.warnings.map((w) => w.rule)).toContain('bagit.manifest.binary-marker');
    const rel = await validateBag(path.join(suite, 'v0.97/warning/relative-path'));
    expect(rel.warnings.map((w) => w.rule)).toContain('bagit.path.dot-prefix');
    const dup = await validateBag(path.join(suite, 'v0.97/valid/duplicate-metadata-entries'));
    const labels = dup.bagInfo.map(([l]) => l.toLowerCase());
    expect(labels.filter((l) => l === 'contact-name').length).toBeGreaterThan(1);
  });
});
