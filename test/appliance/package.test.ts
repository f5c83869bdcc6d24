// Acceptance 1 of the appliance (issue 20): scripts/build-deb.sh builds the
// package with dpkg-deb; it holds the units, Chromium's managed policies, the
// app and kiosk-config; and both units pass systemd-analyze verify.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDeb, missingTools, unitSection, unpackDeb } from '../helpers/deb';
import { scratch } from '../helpers/paths';

const missing = missingTools('dpkg-deb', 'systemd-analyze');
const version = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

describe.skipIf(missing.length > 0)(`the appliance package${missing.length ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`, () => {
  let deb = '';
  let root = '';
  beforeAll(() => {
    deb = buildDeb();
    root = unpackDeb(deb);
  }, 240_000);

  it('[DC-1] [DC-8] build-deb.sh builds dist/court-kiosk_<version>_amd64.deb; dpkg-deb -c lists the units, the managed policies, the app and kiosk-config', () => {
    expect(path.basename(deb)).toBe(`court-kiosk_${version}_amd64.deb`);
    const listing = execFileSync('dpkg-deb', ['-c', deb], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const files = new Set(listing.split('\n').filter(Boolean).map((l) => l.slice(l.indexOf('./') + 1)));
    for (const f of [
      '/lib/systemd/system/court-kiosk.service',
      '/lib/systemd/system/court-kiosk-display.service',
      '/etc/chromium/policies/managed/court-kiosk.json',
      '/etc/court-kiosk/kiosk-config.json',
      '/usr/lib/court-kiosk/dist/web/main.mjs',
      '/usr/lib/court-kiosk/dist/cli/kioskctl.mjs',
      '/usr/lib/court-kiosk/dist/renderer/index.html',
      '/usr/lib/court-kiosk/bin/court-kiosk-display',
      '/usr/lib/court-kiosk/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      '/usr/lib/court-kiosk/native/aead/aead.node',
      '/usr/lib/court-kiosk/native/tls/tls.node',
      '/usr/lib/sysusers.d/court-kiosk.conf',
      '/usr/lib/tmpfiles.d/court-kiosk.conf',
      '/usr/bin/kioskctl',
      '/lib/systemd/system/court-kiosk-carrier@.service',
      '/usr/lib/udev/rules.d/90-court-kiosk-carriers.rules',
      '/usr/lib/court-kiosk/libexec/court-kiosk-carrier',
    ]) expect(files, f).toContain(f);
    // The package's root directory must not turn / into 0700 on install.
    expect(listing.split('\n')[0]).toMatch(/^drwxr-xr-x root\/root .* \.\/$/);
    // The maintainer scripts and the shipped shell programs at least parse.
    const control = scratch('deb-control-');
    execFileSync('dpkg-deb', ['-e', deb, control]);
    for (const f of [path.join(control, 'postinst'), path.join(control, 'prerm'), path.join(control, 'postrm'), path.join(root, 'usr/lib/court-kiosk/bin/court-kiosk-display'), path.join(root, 'usr/lib/court-kiosk/libexec/court-kiosk-carrier'), path.join(root, 'usr/bin/kioskctl')]) {
      const sh = spawnSync('sh', ['-n', f], { encoding: 'utf8' });
      expect(sh.status, `${f}: ${sh.stderr}`).toBe(0);
    }
    expect(fs.readFileSync(path.join(control, 'conffiles'), 'utf8').split('\n')).toContain('/etc/court-kiosk/kiosk-config.json');
    const depends = execFileSync('dpkg-deb', ['-f', deb, 'Depends'], { encoding: 'utf8' });
    for (const d of ['nodejs', 'libssl3', 'chromium', 'cage', 'xwayland', 'socat']) expect(depends).toContain(d);
    // kiosk-config: never world-readable (postinst makes it root:court-kiosk 0640); the data directory 0700 by tmpfiles.d.
    expect(fs.statSync(path.join(root, 'etc/court-kiosk/kiosk-config.json')).mode & 0o777).toBe(0o640);
    expect(fs.readFileSync(path.join(root, 'usr/lib/tmpfiles.d/court-kiosk.conf'), 'utf8')).toMatch(/^d \/var\/lib\/court-kiosk 0700 court-kiosk court-kiosk -$/m);
  });

  it('[DC-1] [PL-8.2] the managed policies allow the kiosk origin and its launcher page only, and turn off devtools, downloads, printing, file pickers, extensions, profiles, incognito, passwords, autofill, translation and pop-ups', () => {
    const p = JSON.parse(fs.readFileSync(path.join(root, 'etc/chromium/policies/managed/court-kiosk.json'), 'utf8')) as Record<string, unknown>;
    expect(p.URLBlocklist).toEqual(['*']);
    expect(p.URLAllowlist).toEqual(['http://127.0.0.1:8470', 'file:///run/court-kiosk-launch/launch.html']);
    expect(p).toMatchObject({
      DeveloperToolsAvailability: 2,
      DownloadRestrictions: 3,
      PrintingEnabled: false,
      AllowFileSelectionDialogs: false,
      ExtensionInstallBlocklist: ['*'],
      BrowserAddPersonEnabled: false,
      BrowserGuestModeEnabled: false,
      IncognitoModeAvailability: 1,
      PasswordManagerEnabled: false,
      AutofillAddressEnabled: false,
      AutofillCreditCardEnabled: false,
      TranslateEnabled: false,
      DefaultPopupsSetting: 2,
    });
    // The origin the policy allows is the one the service listens on.
    const service = fs.readFileSync(path.join(root, 'lib/systemd/system/court-kiosk.service'), 'utf8');
    expect(unitSection(service).get('ExecStart')![0]).toContain('--port 8470');
  });

  it('[DC-1] court-kiosk.service is Type=notify with a watchdog, restarts always and runs hardened as court-kiosk with no capabilities; the display runs cage as another user', () => {
    const s = unitSection(fs.readFileSync(path.join(root, 'lib/systemd/system/court-kiosk.service'), 'utf8'));
    const one = (k: string) => s.get(k)?.join(' ');
    expect(one('Type')).toBe('notify');
    expect(one('WatchdogSec')).toMatch(/^\d+s$/);
    expect(one('Restart')).toBe('always');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ProtectHome')).toBe('yes');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ReadWritePaths')?.split(' ')).toEqual(expect.arrayContaining(['/var/lib/court-kiosk', '/var/lib/court-kiosk-keys', '-/var/lib/court-kiosk-replica']));
    expect(s.get('CapabilityBoundingSet')).toEqual(['']);
    expect(one('User')).toBe('court-kiosk');
    const d = unitSection(fs.readFileSync(path.join(root, 'lib/systemd/system/court-kiosk-display.service'), 'utf8'));
    expect(d.get('User')).toEqual(['court-kiosk-display']);
    expect(d.get('ExecStart')![0]).toMatch(/^\/usr\/bin\/cage .*-- \/usr\/lib\/court-kiosk\/bin\/court-kiosk-display$/);
    expect(d.get('InaccessiblePaths')).toEqual(['-/var/lib/court-kiosk -/var/lib/court-kiosk-keys -/var/lib/court-kiosk-replica']);
  });

  it('[DC-1] both units pass systemd-analyze verify, which does fail a unit with a wrong setting', () => {
    const dir = path.join(root, 'lib/systemd/system');
    // verify exits 0 on a setting it ignores and only says so: a pass is exit 0 with nothing said.
    const ok = spawnSync('systemd-analyze', ['verify', '--man=no', './court-kiosk.service', './court-kiosk-display.service'], { cwd: dir, encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).toBe('');
    // The check is not vacuous: the same unit with a bad value is named, and one whose program is missing fails.
    const bad = scratch('bad-unit-');
    fs.writeFileSync(path.join(bad, 'court-kiosk.service'), fs.readFileSync(path.join(dir, 'court-kiosk.service'), 'utf8').replace('Type=notify', 'Type=notifyy'));
    const ko = spawnSync('systemd-analyze', ['verify', '--man=no', './court-kiosk.service'], { cwd: bad, encoding: 'utf8' });
    expect(ko.stderr).toContain('Failed to parse service type');
    fs.writeFileSync(path.join(bad, 'court-kiosk.service'), fs.readFileSync(path.join(dir, 'court-kiosk.service'), 'utf8').replace('/usr/bin/node ', '/usr/bin/no-such-node '));
    expect(spawnSync('systemd-analyze', ['verify', '--man=no', './court-kiosk.service'], { cwd: bad, encoding: 'utf8' }).status).not.toBe(0);
  });
});
