// kioskctl as court IT runs it: the real script, real exit codes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashPin } from '../../app/core/auth';
import type { Problem } from '../../app/shared/problem';
import { kioskctl, kioskctlJson } from '../helpers/kioskctl';
import { KIOSKCTL, REPO, scratch } from '../helpers/paths';

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

type CheckJson = { valid: boolean; problems: Problem[] };

/** `kioskctl pin-hash --role ROLE --json` with the secret on stdin, as court IT types it. */
function pinHash(role: string, secret: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(KIOSKCTL, ['pin-hash', '--role', role, '--json'], { input: `${secret}\n`, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The PL example with these accounts, written 0644 into a fresh folder. */
function configWith(accounts: unknown[]): string {
  const base = JSON.parse(fs.readFileSync(path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json'), 'utf8')) as Record<string, unknown>;
  const file = path.join(scratch(), 'config.json');
  fs.writeFileSync(file, JSON.stringify({ ...base, accounts }), { mode: 0o644 });
  return file;
}

describe('kioskctl: secrets and files at rest', () => {
  it('[PL-8.1] pin-hash refuses a clerk PIN under 6 digits and an admin password under 10 characters, and records the policy in what it prints', () => {
    const short = pinHash('clerk', '12345');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('auth.pin.policy');
    expect(short.stdout).not.toContain('12345');
    expect(pinHash('admin', '123456789').stderr).toContain('auth.password.policy');
    const ok = pinHash('clerk', '135790');
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { pinHash: string }).pinHash).toMatch(/^\$scrypt\$ln=17,r=8,p=1,policy=clerk-6\$/);
  });

  it('[PL-8.1] config check refuses short PINs and passwords (hashes made without the policy or under a weaker one), exit 1, naming the rule and the account; pin-hash output passes', async () => {
    const clerk = (JSON.parse(pinHash('clerk', '135790').stdout) as { pinHash: string }).pinHash;
    const admin = (JSON.parse(pinHash('admin', 'correct horse battery').stdout) as { pinHash: string }).pinHash;
    const good = configWith([
      { id: 'ewa', name: 'Ewa Sekretarz', role: 'clerk', pinHash: clerk },
      { id: 'piotr', name: 'Piotr Admin', role: 'admin', pinHash: admin },
    ]);
    const dataDir = scratch();
    expect(kioskctlJson<CheckJson>(['config', 'check', good, '--data-dir', dataDir]).json).toMatchObject({ valid: true, problems: [] });

    const cheap = { ln: 10, r: 8, p: 1 };
    const bad = configWith([
      { id: 'ewa', name: 'Ewa Sekretarz', role: 'clerk', pinHash: await hashPin('4711', cheap) },
      { id: 'jan', name: 'Jan Sekretarz', role: 'clerk', pinHash: await hashPin('4711', cheap, { role: 'clerk', min: 4 }) },
      { id: 'olga', name: 'Olga Admin', role: 'admin', pinHash: await hashPin('short', cheap) },
      { id: 'piotr', name: 'Piotr Admin', role: 'admin', pinHash: admin },
    ]);
    const r = kioskctlJson<CheckJson>(['config', 'check', bad, '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.json.valid).toBe(false);
    expect(r.json.problems.map((p) => [p.file, p.rule, p.field])).toEqual([
      [bad, 'auth.pin.policy', 'accounts[0].pinHash'],
      [bad, 'auth.pin.policy', 'accounts[1].pinHash'],
      [bad, 'auth.password.policy', 'accounts[2].pinHash'],
    ]);
    expect(r.json.problems[1]?.message).toContain('kioskctl pin-hash --role clerk');
    // The kiosk will not start on it either.
    const list = kioskctl(['list', '--config', bad], { KIOSK_DATA_DIR: dataDir });
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('auth.pin.policy');
  });

  it('[DC-1] config check refuses a kiosk-config others may write (0666): exit 2, config.mode naming the file; the kiosk refuses it too', () => {
    const file = configWith([]);
    fs.chmodSync(file, 0o666);
    const dataDir = scratch();
    const r = kioskctlJson<CheckJson>(['config', 'check', file, '--data-dir', dataDir]);
    expect(r.code).toBe(2);
    expect(r.json.problems).toEqual([expect.objectContaining({ file, rule: 'config.mode', message: expect.stringContaining('0666') })]);
    const human = kioskctl(['config', 'check', file, '--data-dir', dataDir]);
    expect(human.code).toBe(2);
    expect(human.stderr).toContain(`${file}: config.mode`);
    const list = kioskctl(['list', '--config', file, '--data-dir', dataDir]);
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('config.mode');
    fs.chmodSync(file, 0o644);
    expect(kioskctl(['config', 'check', file, '--data-dir', dataDir]).code).toBe(0);
  });

  it('[DC-1] config check refuses a 0777 data directory and a group-writable folder in it: exit 2, env.data-dir.mode naming each; the kiosk will not open it', () => {
    const file = configWith([]);
    const dataDir = scratch();
    expect(kioskctl(['list'], { KIOSK_DATA_DIR: dataDir }).code).toBe(0); // a kiosk's data directory, with its folders and key
    fs.chmodSync(dataDir, 0o777);
    fs.chmodSync(path.join(dataDir, 'objects'), 0o770);
    const r = kioskctlJson<CheckJson>(['config', 'check', file], { KIOSK_DATA_DIR: dataDir });
    expect(r.code).toBe(2);
    expect(r.json.problems.map((p) => [p.file, p.rule])).toEqual([
      [dataDir, 'env.data-dir.mode'],
      [path.join(dataDir, 'objects'), 'env.data-dir.mode'],
    ]);
    expect(r.json.problems[0]?.message).toContain('0777');
    for (const args of [['list'], ['verify'], ['import', scratch()]]) {
      const refused = kioskctl(args, { KIOSK_DATA_DIR: dataDir, KIOSK_CONFIG: file });
      expect(refused.code, args[0]).toBe(2);
      expect(refused.stderr, args[0]).toContain('env.data-dir.mode');
    }
    fs.chmodSync(dataDir, 0o700);
    fs.chmodSync(path.join(dataDir, 'objects'), 0o700);
    expect(kioskctl(['config', 'check', file], { KIOSK_DATA_DIR: dataDir }).code).toBe(0);
  });

  it.runIf(process.getuid?.() === 0)('[DC-1] config check and the kiosk refuse a key file the kiosk\'s user does not own: exit 2, env.key-file.owner naming it', () => {
    const file = configWith([]);
    const dataDir = scratch();
    expect(kioskctl(['list'], { KIOSK_DATA_DIR: dataDir }).code).toBe(0);
    // The device key is in the key directory beside the data directory, sealed by systemd-creds (run as root).
    const key = path.join(`${dataDir}-keys`, 'device-key.cred');
    fs.chownSync(key, 65534, 65534);
    const r = kioskctlJson<CheckJson>(['config', 'check', file], { KIOSK_DATA_DIR: dataDir });
    expect(r.code).toBe(2);
    expect(r.json.problems).toEqual([expect.objectContaining({ file: key, rule: 'env.key-file.owner', message: expect.stringContaining('uid 65534') })]);
    const list = kioskctl(['list'], { KIOSK_DATA_DIR: dataDir, KIOSK_CONFIG: file });
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('env.key-file.owner');
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
    expect(r.stderr).toContain('missing: --purpose, --recipient');
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
