// The device key through the real kioskctl and web shell: bound to the machine
// (a copy of the data directory opens nothing), one lookup for every entry
// point, and moved only by `device key export` and `device rekey`, two
// people, logged. Run as root, the key is sealed by systemd-creds with the
// run's own host secret (test/global-setup.ts); "another machine" is another
// host secret.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRecovery } from '../../app/core/keys';
import { SECRETS, TEST_ACCOUNTS, signed } from '../helpers/accounts';
import { copyOfDemo, DEMO_MARKER } from '../helpers/demo';
import { KioskDir } from '../helpers/kiosk-dir';
import { logEntries } from '../helpers/log-entries';
import { kioskctl, kioskctlJson, serveKiosk } from '../helpers/kioskctl';
import { scratch } from '../helpers/paths';

const SEALS = process.getuid?.() === 0 && spawnSync('systemd-creds', ['--version'], { stdio: 'ignore' }).status === 0;

const log = (k: KioskDir, type: string) => logEntries(k.dir, type);

/** A kiosk holding the PL demo; with `replica`, its second copy (PL-5.1) in a directory of its own, required. */
function kioskWithRecordings(opts: { replica?: string } = {}): KioskDir {
  const k = new KioskDir().provision({ accounts: TEST_ACCOUNTS, ...(opts.replica ? { replica: { path: opts.replica, required: true } } : {}) });
  const r = k.ctl(['import', copyOfDemo('pl')]);
  expect(r.code, r.stderr).toBe(0);
  return k;
}

/** Another machine: a systemd-creds host secret of its own. */
function anotherMachine(): NodeJS.ProcessEnv {
  const secret = path.join(scratch('machine-'), 'credential.secret');
  expect(spawnSync('systemd-creds', ['setup'], { env: { ...process.env, SYSTEMD_CREDENTIAL_SECRET: secret }, stdio: 'ignore' }).status).toBe(0);
  return { SYSTEMD_CREDENTIAL_SECRET: secret };
}

function filesWith(dir: string, needle: Buffer): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return hits;
}

const exportArgs = (to: string) => ['export', '--case', 'KM 123/24', '--to', to, '--purpose', 'supervisory', '--recipient', 'Prezes Sądu Okręgowego w Krakowie'];
const PASSPHRASE = 'sejf w pokoju 214, koperta 7';

describe('the device key is bound to the machine (acceptance 3)', () => {
  it('[PL-8.1] [PL-5.1] cp -a of the data directory and its replica to a fresh location opens nothing: verify and export exit 2 naming the missing key; no plaintext in either copy', async () => {
    const replica = scratch('replica-');
    const k = kioskWithRecordings({ replica });
    expect(k.ctl(['verify']).code).toBe(0);
    expect(fs.readdirSync(path.join(replica, 'objects')).length).toBeGreaterThan(0);
    const copy = path.join(scratch('elsewhere-'), 'court-kiosk');
    const copyReplica = `${copy}-replica`;
    expect(spawnSync('cp', ['-a', k.dir, copy]).status).toBe(0);
    expect(spawnSync('cp', ['-a', replica, copyReplica]).status).toBe(0);
    // The copy's configuration names the copied replica, as a restore on another machine would.
    const cfgFile = path.join(copy, 'config.json');
    fs.writeFileSync(cfgFile, JSON.stringify({ ...(JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as object), replica: { path: copyReplica, required: true } }));
    const env = { KIOSK_DATA_DIR: copy };
    const copyKeys = `${copy}-keys`;

    const verify = kioskctl(['verify'], env);
    expect(verify.code, verify.stderr).toBe(2);
    expect(verify.stderr).toContain('keys.device.missing');
    expect(verify.stderr).toContain(copyKeys);
    const to = scratch('carrier-out-');
    const exp = kioskctl([...exportArgs(to), ...signed('anna-it', 'piotr-it').args], env, signed('anna-it', 'piotr-it').input);
    expect(exp.code, exp.stderr).toBe(2);
    expect(exp.stderr).toContain('keys.device.missing');
    expect(fs.readdirSync(to)).toEqual([]);
    // The web shell refuses it the same way, and nobody made the copy a key of its own.
    await expect(serveKiosk([], env)).rejects.toThrow(/keys\.device\.missing/);
    expect(fs.existsSync(copyKeys)).toBe(false);

    if (SEALS) {
      // The key directory copied along, on another machine (another host secret): still nothing.
      expect(spawnSync('cp', ['-a', `${k.dir}-keys`, copyKeys]).status).toBe(0);
      const other = { ...env, ...anotherMachine() };
      const v2 = kioskctl(['verify'], other);
      expect(v2.code, v2.stderr).toBe(2);
      expect(v2.stderr).toContain('keys.device.unseal');
      expect(v2.stderr).toContain(path.join(copyKeys, 'device-key.cred'));
      const e2 = kioskctl([...exportArgs(to), ...signed('anna-it', 'piotr-it').args], other, signed('anna-it', 'piotr-it').input);
      expect(e2.code, e2.stderr).toBe(2);
      expect(e2.stderr).toContain('keys.device.unseal');
      expect(fs.readdirSync(to)).toEqual([]);
    }
    // The replica's copy taken for a data directory of its own: its catalog and objects are there, its key is not.
    const asData = kioskctl(['verify'], { KIOSK_DATA_DIR: copyReplica });
    expect(asData.code, asData.stderr).toBe(2);
    expect(asData.stderr).toContain('keys.device.missing');
    // The plaintext probe: the demo media's marker is in no file of either copy or the keys.
    expect(filesWith(copy, Buffer.from(DEMO_MARKER))).toEqual([]);
    expect(filesWith(copyReplica, Buffer.from(DEMO_MARKER))).toEqual([]);
    expect(filesWith(replica, Buffer.from(DEMO_MARKER))).toEqual([]);
    expect(filesWith(copyKeys, Buffer.from(DEMO_MARKER))).toEqual([]);
    // The replica holds no key: only the wrapped signing key and the device key's id.
    expect(fs.readdirSync(path.join(replica, 'keys')).sort()).toEqual(['device-key.id', 'signing-key.wrapped']);
    // The original, on its own machine, still opens.
    expect(k.ctl(['verify']).code).toBe(0);
  });
});

describe('one key lookup for every entry point (acceptance 4)', () => {
  it.runIf(SEALS)('[PL-8.1] [PL-5.1] kioskctl and the web shell (kioskctl serve) open the same key sealed by systemd-creds (host); no second key is made', async () => {
    const k = kioskWithRecordings();
    const keyDir = `${k.dir}-keys`;
    expect(fs.readdirSync(keyDir)).toEqual(['device-key.cred']);
    expect(fs.readdirSync(path.join(k.dir, 'keys')).sort()).toEqual(['device-key.id', 'signing-key.wrapped']);
    const pub = k.ctl(['device', 'pubkey']);
    expect(pub.code, pub.stderr).toBe(0);
    const served = await serveKiosk([], k.env);
    try {
      const st = k.json<{ service: unknown; key: { sealedBy: string; by: string; location: string; warning: string | null } }>(['status']);
      expect(st.json.service).not.toBeNull();
      expect(st.json.key).toEqual({ sealedBy: 'systemd-creds', by: 'host', location: path.join(keyDir, 'device-key.cred'), warning: null });
      expect((await fetch(`${served.origin}/`)).status).toBe(401);
      // kioskctl beside the running service opens the same key itself.
      expect(k.ctl(['verify']).code).toBe(0);
      expect(k.ctl(['device', 'pubkey']).stdout).toBe(pub.stdout);
    } finally {
      await served.stop();
    }
    expect(fs.readdirSync(keyDir)).toEqual(['device-key.cred']);
  });

  it('[PL-5.1] nothing outside app/core/keys reads, makes or seals a device key: kiosk.ts is the one caller of the lookup', () => {
    const app = path.resolve(__dirname, '../../app');
    const PATTERNS = [
      /\b(loadOrCreateDeviceKeyFile|loadDeviceKeyFile|openDeviceKey|sealInto|unseal)\(/,
      /spawn\w*\(\s*'systemd-creds'/,
      /safeStorage\.(en|de)cryptString/,
      /'device\.key(\.safe)?'|device-key\.(cred|safe|bin)/,
    ];
    const found: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) {
          if (p !== path.join(app, 'core', 'keys')) walk(p);
        } else if (/\.tsx?$/.test(e.name)) {
          const text = fs.readFileSync(p, 'utf8');
          for (const pat of PATTERNS) if (pat.test(text)) found.push(`${path.relative(app, p)} ${pat.source}`);
        }
      }
    };
    walk(app);
    expect(found).toEqual([
      // The one lookup, for kioskctl, the web shell, the kiosk service and Electron.
      `core/kiosk.ts ${PATTERNS[0]!.source}`,
      // selftest --device reads a plain key file to check it loads, and names the old location; it makes nothing.
      `core/selftest/device.ts ${PATTERNS[0]!.source}`,
      `core/selftest/device.ts ${PATTERNS[3]!.source}`,
      // Electron lends safeStorage to core as a PlatformKeyStore.
      `shells/electron/main.ts ${PATTERNS[2]!.source}`,
    ]);
  });
});

describe('explicit moves only: device key export and device rekey, two people, logged', () => {
  it('[PL-5.1] [DC-6] device key export needs two different administrators, writes only a passphrase-sealed file, and logs both people', () => {
    const k = kioskWithRecordings();
    const to = scratch('safe-');
    const same = k.ctl(['device', 'key', 'export', '--to', to, '--account', 'anna-it', '--approver', 'anna-it', '--secret-stdin'], `${SECRETS['anna-it']}\n${SECRETS['anna-it']}\n${PASSPHRASE}\n`);
    expect(same.code, same.stderr).toBe(1);
    const wrong = k.ctl(['device', 'key', 'export', '--to', to, '--account', 'anna-it', '--approver', 'piotr-it', '--secret-stdin'], `nope\n${SECRETS['piotr-it']}\n${PASSPHRASE}\n`);
    expect(wrong.code, wrong.stderr).toBe(1);
    const clerk = signed('ewa-clerk', 'anna-it');
    expect(k.ctl(['device', 'key', 'export', '--to', to, ...clerk.args], `${clerk.input}${PASSPHRASE}\n`).code).toBe(1);
    const short = signed('anna-it', 'piotr-it');
    expect(k.ctl(['device', 'key', 'export', '--to', to, ...short.args], `${short.input}too short\n`).code).toBe(2);
    expect(fs.readdirSync(to)).toEqual([]);
    expect(log(k, 'command.refused').map((e) => [e.command, e.reason])).toEqual([
      ['device.key.export', 'same-person'],
      ['device.key.export', 'account-failed'],
      ['device.key.export', 'role'],
    ]);

    const who = signed('anna-it', 'piotr-it');
    const r = k.json<{ file: string; keyId: string }>(['device', 'key', 'export', '--to', to, ...who.args], `${who.input}${PASSPHRASE}\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(path.dirname(r.json.file)).toBe(to);
    expect(fs.statSync(r.json.file).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(r.json.file, 'utf8');
    const key = openRecovery(text, PASSPHRASE).key;
    for (const enc of ['hex', 'base64'] as const) expect(text).not.toContain(key.toString(enc));
    expect(log(k, 'device.key.exported')).toEqual([
      expect.objectContaining({ file: r.json.file, keyId: r.json.keyId, account: expect.objectContaining({ id: 'anna-it' }), approver: expect.objectContaining({ id: 'piotr-it' }) }),
    ]);
    // Neither the passphrase nor the key is in the log.
    const all = k.query<{ entry: string }>('SELECT entry FROM viewing_log').map((e) => String(e.entry)).join('\n');
    expect(all).not.toContain(PASSPHRASE);
    expect(all).not.toContain(key.toString('base64'));
  });

  it('[PL-5.1] [DC-6] a lost machine: the data restored from the replica and the key from its recovery file (device key restore), two people, logged; a wrong passphrase or one person puts nothing back', () => {
    const replica = scratch('replica-');
    const k = kioskWithRecordings({ replica });
    const safe = scratch('safe-');
    const ex = signed('anna-it', 'piotr-it');
    const exp = k.json<{ file: string; keyId: string }>(['device', 'key', 'export', '--to', safe, ...ex.args], `${ex.input}${PASSPHRASE}\n`);
    expect(exp.code, exp.stderr).toBe(0);
    expect(k.ctl(['log', 'checkpoint']).code).toBe(0);

    // The new machine: another host secret, a data directory made from the replica, no key directory.
    const fresh = path.join(scratch('new-machine-'), 'court-kiosk');
    fs.mkdirSync(fresh, { mode: 0o700 });
    for (const part of ['catalog.sqlite', 'objects', 'keys']) expect(spawnSync('cp', ['-a', path.join(replica, part), path.join(fresh, part)]).status).toBe(0);
    fs.copyFileSync(path.join(k.dir, 'config.json'), path.join(fresh, 'config.json'));
    const env = { KIOSK_DATA_DIR: fresh, ...(SEALS ? anotherMachine() : {}) };
    expect(kioskctl(['verify'], env).stderr).toContain('keys.device.missing');

    const restore = (input: string, account = 'anna-it', approver = 'piotr-it') =>
      kioskctl(['device', 'key', 'restore', '--from', exp.json.file, '--account', account, '--approver', approver, '--secret-stdin'], env, input);
    // A wrong passphrase: refused, nothing put back.
    expect(restore(`${SECRETS['anna-it']}\n${SECRETS['piotr-it']}\nnot the passphrase at all\n`).code).toBe(1);
    expect(fs.existsSync(`${fresh}-keys`) ? fs.readdirSync(`${fresh}-keys`) : []).toEqual([]);
    // One person twice: refused before anything is put back.
    const one = restore(`${SECRETS['anna-it']}\n${SECRETS['anna-it']}\n${PASSPHRASE}\n`, 'anna-it', 'anna-it');
    expect(one.code, one.stderr).toBe(1);
    expect(one.stderr).toContain('same-person');
    expect(fs.existsSync(`${fresh}-keys`) ? fs.readdirSync(`${fresh}-keys`) : []).toEqual([]);
    // The approver's password wrong: the key was back long enough to log the refusal, and is gone again.
    const wrong = restore(`${SECRETS['anna-it']}\nnot-piotr\n${PASSPHRASE}\n`);
    expect(wrong.code, wrong.stderr).toBe(1);
    expect(fs.readdirSync(`${fresh}-keys`)).toEqual([]);
    expect(logEntries(fresh, 'command.refused').map((e) => [e.command, e.reason])).toEqual([['device.key.restore', 'approver-failed']]);

    const ok = kioskctlJson<{ keyId: string; sealedBy: string }>(['device', 'key', 'restore', '--from', exp.json.file, ...ex.args], env, `${ex.input}${PASSPHRASE}\n`);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json.keyId).toBe(exp.json.keyId);
    if (SEALS) expect(ok.json.sealedBy).toBe('systemd-creds');
    expect(logEntries(fresh, 'device.key.restored')).toEqual([
      expect.objectContaining({ keyId: exp.json.keyId, account: expect.objectContaining({ id: 'anna-it' }), approver: expect.objectContaining({ id: 'piotr-it' }) }),
    ]);
    expect(kioskctl(['verify'], env).code).toBe(0);
    expect(kioskctl(['log', 'verify'], env).code).toBe(0);
    // Put back once: a second restore into a key directory that has the key is refused.
    const again = kioskctl(['device', 'key', 'restore', '--from', exp.json.file, ...ex.args], env, `${ex.input}${PASSPHRASE}\n`);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('keys.restore.present');
  }, 120_000);

  it('[PL-5.1] [DC-6] device rekey seals the key again (never weaker), two people, logged; the store still opens', () => {
    const k = kioskWithRecordings();
    const who = signed('anna-it', 'piotr-it');
    const r = k.json<{ keyId: string; from: { sealedBy: string }; to: { sealedBy: string; location: string } }>(['device', 'rekey', ...who.args], who.input);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.to.sealedBy).toBe(r.json.from.sealedBy);
    expect(log(k, 'device.key.resealed')).toEqual([
      expect.objectContaining({ keyId: r.json.keyId, account: expect.objectContaining({ id: 'anna-it' }), approver: expect.objectContaining({ id: 'piotr-it' }) }),
    ]);
    expect(k.ctl(['verify']).code).toBe(0);
  });

  it.runIf(SEALS)('[PL-5.1] a data directory of before (keys/device.key inside) is read in place read-only, then moved out, sealed, by the first data-changing command; device.key.moved is logged', () => {
    const k = kioskWithRecordings();
    const keyDir = `${k.dir}-keys`;
    const raw = spawnSync('systemd-creds', ['decrypt', '--name=court-kiosk-device-key', path.join(keyDir, 'device-key.cred'), '-']).stdout;
    expect(raw.length).toBe(32);
    // The layout of before: the key in the data directory, nothing beside it.
    fs.writeFileSync(path.join(k.dir, 'keys', 'device.key'), raw, { mode: 0o600 });
    fs.rmSync(path.join(k.dir, 'keys', 'device-key.id'));
    fs.rmSync(keyDir, { recursive: true });
    expect(k.ctl(['verify']).code).toBe(0);
    expect(fs.existsSync(keyDir)).toBe(false);
    expect(kioskctlJson(['log', 'checkpoint'], k.env).code).toBe(0);
    expect(fs.existsSync(path.join(k.dir, 'keys', 'device.key'))).toBe(false);
    expect(fs.readdirSync(keyDir)).toEqual(['device-key.cred']);
    expect(log(k, 'device.key.moved')).toEqual([expect.objectContaining({ from: path.join(k.dir, 'keys', 'device.key'), to: path.join(keyDir, 'device-key.cred'), sealedBy: 'systemd-creds' })]);
    expect(filesWith(k.dir, raw)).toEqual([]);
    expect(k.ctl(['verify']).code).toBe(0);
  });
});
