// kioskctl as court IT runs it: the real script, real exit codes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kioskctl, kioskctlJson } from '../helpers/kioskctl';
import { REPO, scratch } from '../helpers/paths';

describe('kioskctl', () => {
  it('--help prints the commands and exits 0', () => {
    const r = kioskctl(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['config check', 'list', 'serve', 'demo-carrier']) expect(r.stdout).toContain(c);
  });

  it('exits 2 on usage errors', () => {
    expect(kioskctl([]).code).toBe(2);
    expect(kioskctl(['frobnicate']).code).toBe(2);
    expect(kioskctl(['list', '--no-such-flag']).code).toBe(2);
    expect(kioskctl(['config', 'check']).code).toBe(2);
  });

  it('config check accepts every file in kiosk-config/', () => {
    for (const f of fs.readdirSync(path.join(REPO, 'kiosk-config'))) {
      const r = kioskctlJson<{ valid: boolean }>(['config', 'check', path.join(REPO, 'kiosk-config', f)]);
      expect(r.code, f).toBe(0);
      expect(r.json.valid, f).toBe(true);
    }
  });

  it('[Q-2] config check rejects an unknown key and a bad value with exit 1, naming the key', () => {
    const dir = scratch();
    const base = JSON.parse(fs.readFileSync(path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json'), 'utf8')) as Record<string, unknown>;
    const unknown = path.join(dir, 'unknown.json');
    fs.writeFileSync(unknown, JSON.stringify({ ...base, screensaver: true }));
    const r1 = kioskctl(['config', 'check', unknown]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain('screensaver');
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ ...base, jurisdiction: 'DE' }));
    const r2 = kioskctlJson<{ valid: boolean; problems: Array<{ field: string; file: string }> }>(['config', 'check', bad]);
    expect(r2.code).toBe(1);
    expect(r2.json.valid).toBe(false);
    expect(r2.json.problems).toContainEqual(expect.objectContaining({ field: 'jurisdiction', file: bad }));
  });

  it('list --json on an empty data directory prints an empty list', () => {
    const r = kioskctlJson<{ recordings: unknown[] }>(['list'], { KIOSK_DATA_DIR: scratch() });
    expect(r.code).toBe(0);
    expect(r.json).toEqual({ recordings: [] });
  });

  it('--data-dir overrides KIOSK_DATA_DIR and the catalog is created there', () => {
    const a = scratch();
    const b = scratch();
    expect(kioskctl(['list', '--data-dir', b], { KIOSK_DATA_DIR: a }).code).toBe(0);
    expect(fs.existsSync(path.join(b, 'catalog.sqlite'))).toBe(true);
    expect(fs.existsSync(path.join(a, 'catalog.sqlite'))).toBe(false);
  });
});

describe('kioskctl speaks plainly (defect 10)', () => {
  const fresh = () => ({ KIOSK_DATA_DIR: scratch() });
  const UA_CONFIG = path.join(REPO, 'kiosk-config', 'court-ua.json');

  it('[Q-2] [defect 10] import of a path that does not exist is an environment error: exit 2, the path named', () => {
    const r = kioskctl(['import', '/nonexistent', '--lang', 'en'], fresh());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such file or folder: /nonexistent');
    expect(kioskctl(['check', '/nonexistent'], fresh()).code).toBe(2);
  });

  it('[defect 10] verify --case of a case the catalog does not hold exits 2 and says nothing was verified, never "all intact"', () => {
    const r = kioskctl(['verify', '--case', 'KM 999/99', '--lang', 'en'], fresh());
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('intact');
    expect(r.stderr).toContain('no case “KM 999/99” in the catalog');
  });

  it('[defect 10] export with missing flags names each of them in one line and points to its own help, not 40 lines of the global help', () => {
    const r = kioskctl(['export', '--case', 'KM 123/24', '--to', '/tmp/x', '--lang', 'en'], fresh());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing: --purpose, --recipient, --operator');
    expect(r.stderr).toContain('kioskctl export --help');
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
  });

  it('[defect 10] "import --help" prints the import command\'s own help and exits 0', () => {
    const r = kioskctl(['import', '--help', '--lang', 'en']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kioskctl import PATH [--operator NAME]');
    expect(r.stdout).not.toContain('demo-carrier');
    const all = kioskctl(['--help']);
    expect(all.stdout).toContain('demo-carrier');
  });

  it('[Q-4] [defect 10] messages are in the kiosk\'s default language, --lang overrides, JSON is the same in every language', () => {
    const uk = kioskctl(['frobnicate'], { ...fresh(), KIOSK_CONFIG: UA_CONFIG });
    expect(uk.code).toBe(2);
    expect(uk.stderr).toContain('невідома команда: frobnicate');
    const help = kioskctl(['import', '--help'], { ...fresh(), KIOSK_CONFIG: UA_CONFIG });
    expect(help.stdout).toContain('Використання');
    const en = kioskctl(['frobnicate', '--lang', 'en'], { ...fresh(), KIOSK_CONFIG: UA_CONFIG });
    expect(en.stderr).toContain('unknown command: frobnicate');
    // A command's own summary too: verify of an empty kiosk, in Ukrainian.
    const verified = kioskctl(['verify'], { ...fresh(), KIOSK_CONFIG: UA_CONFIG });
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('verify: 0 записів і рядки каталогу цілі');
    const dir = fresh();
    const a = kioskctl(['list', '--json', '--lang', 'pl'], dir);
    const b = kioskctl(['list', '--json', '--lang', 'uk'], dir);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toEqual(JSON.parse(b.stdout));
  });
});
