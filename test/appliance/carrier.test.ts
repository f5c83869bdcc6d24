// Acceptance 3 of the appliance (issue 20): a carrier image (ext4 on a loop
// device) mounted by the package's own helper, the one its udev rule starts
// through court-kiosk-carrier@.service, is read-only to the kiosk's user; an
// import from it works; writing to it fails, as the service's user and as
// root. The rule's matching itself needs a removable USB device, which this
// machine does not have: the test runs the unit's ExecStart for the loop
// device instead, and checks the unit with systemd-analyze.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeb, missingTools, provisionLikePostinst, unitSection, unpackDeb } from '../helpers/deb';
import { copyOfDemo } from '../helpers/demo';
import { scratch } from '../helpers/paths';

const missing = [...(process.getuid?.() === 0 ? [] : ['root']), ...missingTools('dpkg-deb', 'mkfs.ext4', 'losetup', 'blkid', 'blockdev', 'unshare', 'setpriv', 'systemd-sysusers', 'systemd-analyze')];

let loop: string | null = null;
afterAll(() => {
  if (loop) spawnSync('losetup', ['-d', loop]);
});

describe.skipIf(missing.length > 0)(`a carrier mounted by the appliance${missing.length ? ` (skipped: needs ${missing.join(', ')})` : ''}`, () => {
  let root = '';
  beforeAll(() => {
    root = unpackDeb(buildDeb());
    provisionLikePostinst(root);
  }, 240_000);

  it('[DC-3] [PL-2.2] the udev rule asks for court-kiosk-carrier@<device>.service for removable filesystems only, and that unit passes systemd-analyze verify', () => {
    const rule = fs.readFileSync(path.join(root, 'usr/lib/udev/rules.d/90-court-kiosk-carriers.rules'), 'utf8');
    expect(rule).toMatch(/ENV\{ID_FS_USAGE\}!="filesystem", GOTO="court_kiosk_end"/);
    expect(rule).toMatch(/ATTRS\{removable\}=="1", GOTO="court_kiosk_carrier"/);
    expect(rule).toContain('ENV{SYSTEMD_WANTS}+="court-kiosk-carrier@%k.service"');
    expect(rule).toContain('ENV{UDISKS_IGNORE}="1"');
    // verify checks that ExecStart exists: the copy names the helper where it was unpacked, and nothing else changes.
    const unit = fs.readFileSync(path.join(root, 'lib/systemd/system/court-kiosk-carrier@.service'), 'utf8');
    const dir = scratch('carrier-unit-');
    fs.writeFileSync(path.join(dir, 'court-kiosk-carrier@sdb1.service'), unit.replaceAll('/usr/lib/court-kiosk/', `${root}/usr/lib/court-kiosk/`));
    const v = spawnSync('systemd-analyze', ['verify', '--man=no', './court-kiosk-carrier@sdb1.service'], { cwd: dir, encoding: 'utf8' });
    expect(v.status, v.stderr).toBe(0);
    expect(v.stderr).toBe('');
    expect(unitSection(unit, 'Unit').get('BindsTo')).toEqual(['dev-%i.device']);
  });

  it('[DC-3] [PL-2.2] [Q-1] an ext4 carrier image mounted by the helper is read-only, nosuid, nodev, noexec; kioskctl import from it as court-kiosk works; writing to it fails, as court-kiosk and as root', () => {
    // The carrier: the demo's PL package in an ext4 image made without mounting it (mkfs.ext4 -d).
    const carrier = copyOfDemo('pl');
    const image = path.join(scratch('carrier-image-'), 'carrier.img');
    fs.writeFileSync(image, '');
    fs.truncateSync(image, 64 << 20);
    execFileSync('mkfs.ext4', ['-q', '-F', '-L', 'CARRIER', '-d', carrier, image]);
    loop = execFileSync('losetup', ['--find', '--show', image], { encoding: 'utf8' }).trim();
    const dev = path.basename(loop);
    // The data directory and its key directory beside it, as the package's
    // tmpfiles.d makes them: the kiosk's user cannot make either in a folder of root's.
    const dataParent = scratch('carrier-data-');
    fs.chmodSync(dataParent, 0o755); // the kiosk's user must reach its data directory
    const data = path.join(dataParent, 'data');
    const out = scratch('carrier-out-');
    const cli = path.join(root, 'usr/lib/court-kiosk/dist/cli/kioskctl.mjs');
    const helper = path.join(root, 'usr/lib/court-kiosk/libexec/court-kiosk-carrier');
    const execStart = unitSection(fs.readFileSync(path.join(root, 'lib/systemd/system/court-kiosk-carrier@.service'), 'utf8')).get('ExecStart')![0]!;
    expect(execStart).toBe('/usr/lib/court-kiosk/libexec/court-kiosk-carrier add %I');
    const asKiosk = `setpriv --reuid court-kiosk --regid court-kiosk --init-groups --no-new-privs --bounding-set -all --inh-caps -all env -i PATH=/usr/bin:/bin HOME=${data}`;
    // In a private mount namespace: /media is this test's own, the machine's is untouched.
    const script = `set -u
mount -t tmpfs -o mode=0755 tmpfs /media
${helper} add ${dev} >${out}/helper.out 2>&1; echo $? >${out}/helper.rc
findmnt -n -o OPTIONS /media/court-kiosk/${dev} >${out}/options
install -d -m 0700 -o court-kiosk -g court-kiosk ${data} ${data}-keys
${asKiosk} /usr/bin/node ${cli} import /media/court-kiosk/${dev}/KM-123-24 --data-dir ${data} --json >${out}/import.json 2>${out}/import.err; echo $? >${out}/import.rc
${asKiosk} touch /media/court-kiosk/${dev}/written-by-kiosk >${out}/touch-kiosk.err 2>&1; echo $? >${out}/touch-kiosk.rc
touch /media/court-kiosk/${dev}/written-by-root >${out}/touch-root.err 2>&1; echo $? >${out}/touch-root.rc
${asKiosk} sh -c 'echo x >> /media/court-kiosk/${dev}/KM-123-24/bagit.txt' >${out}/append-kiosk.err 2>&1; echo $? >${out}/append-kiosk.rc
${helper} remove ${dev}; echo $? >${out}/remove.rc
[ -e /media/court-kiosk/${dev} ]; echo $? >${out}/gone.rc
`;
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const read = (f: string) => fs.readFileSync(path.join(out, f), 'utf8').trim();
    expect(read('helper.rc'), read('helper.out')).toBe('0');
    expect(read('options').split(',')).toEqual(expect.arrayContaining(['ro', 'nosuid', 'nodev', 'noexec']));
    expect(read('import.rc'), read('import.err')).toBe('0');
    expect(read('import.json')).toContain('KM 123/24');
    // The import made the device key in the key directory, never in the data directory.
    expect(fs.readdirSync(`${data}-keys`)).toEqual(['device-key.bin']);
    expect(fs.readdirSync(path.join(data, 'keys')).filter((n) => n.startsWith('device'))).toEqual(['device-key.id']);
    for (const w of ['touch-kiosk', 'touch-root', 'append-kiosk']) {
      expect(read(`${w}.rc`), w).not.toBe('0');
      expect(read(`${w}.err`), w).toMatch(/Read-only file system/);
    }
    expect(read('remove.rc')).toBe('0');
    expect(read('gone.rc')).toBe('1');
    // The block device itself was set read-only before the mount.
    expect(execFileSync('blockdev', ['--getro', loop], { encoding: 'utf8' }).trim()).toBe('1');
    // The image holds nothing it was not made with.
    const listing = execFileSync('debugfs', ['-R', 'ls -l /', image], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(listing).not.toContain('written-by');
  }, 120_000);
});
