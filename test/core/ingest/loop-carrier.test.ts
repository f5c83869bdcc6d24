// A loop-mounted ext4 (and, where dosfstools exists, FAT) image as a carrier,
// mounted read-only like a USB stick. Where the machine does not allow loop
// mounts (no root, no loop devices, a container), the test says why it skips.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_CARRIER } from '../../helpers/demo';
import { KioskDir } from '../../helpers/kiosk-dir';
import { scratch } from '../../helpers/paths';

const mounted: string[] = [];
const loops: string[] = [];

/** Why this machine cannot loop-mount an image of this type, or null when it can. */
function why(fsType: 'ext4' | 'vfat'): string | null {
  if (process.getuid?.() !== 0) return 'not root: loop mounts need root';
  if (!fs.existsSync('/dev/loop-control')) return 'no /dev/loop-control: this machine has no loop devices';
  const mkfs = fsType === 'ext4' ? 'mkfs.ext4' : 'mkfs.vfat';
  if (spawnSync('sh', ['-c', `command -v ${mkfs}`]).status !== 0) return `${mkfs} is not installed`;
  const dir = scratch('loop-probe-');
  const img = path.join(dir, 'probe.img');
  fs.writeFileSync(img, Buffer.alloc(0));
  fs.truncateSync(img, 8 << 20);
  if (spawnSync(mkfs, fsType === 'ext4' ? ['-q', '-F', img] : [img]).status !== 0) return `${mkfs} failed`;
  const mnt = path.join(dir, 'mnt');
  fs.mkdirSync(mnt);
  const r = spawnSync('mount', ['-o', 'loop,ro', img, mnt], { encoding: 'utf8' });
  if (r.status !== 0) return `the kernel refused to mount a ${fsType} loop image: ${r.stderr.trim().split('\n')[0]}`;
  spawnSync('umount', [mnt]);
  return null;
}

const reason = why('ext4');
const fatReason = why('vfat');
if (reason) console.log(`ext4 loop-mounted carrier test skipped: ${reason}`);
if (fatReason) console.log(`FAT loop-mounted carrier test skipped: ${fatReason}`);

function makeImage(fsType: 'ext4' | 'vfat'): string {
  const dir = scratch(`loop-${fsType}-`);
  const img = path.join(dir, 'carrier.img');
  fs.writeFileSync(img, Buffer.alloc(0));
  fs.truncateSync(img, 96 << 20);
  execFileSync(fsType === 'ext4' ? 'mkfs.ext4' : 'mkfs.vfat', fsType === 'ext4' ? ['-q', '-F', img] : [img], { stdio: 'ignore' });
  const mnt = path.join(dir, 'mnt');
  fs.mkdirSync(mnt);
  // An explicit loop device made writable: on some kernels (this CI machine
  // among them) a loop device comes up read-only even when its file was
  // opened read-write, so `mount -o loop` alone gives a read-only filesystem
  // the packages cannot be copied onto.
  const dev = execFileSync('losetup', ['-f', '--show', img], { encoding: 'utf8' }).trim();
  loops.push(dev);
  execFileSync('blockdev', ['--setrw', dev]);
  execFileSync('mount', [dev, mnt]);
  mounted.push(mnt);
  for (const pkg of ['KM-123-24', 'KM-45-25', 'UA-757-12345-25']) execFileSync('cp', ['-r', path.join(DEMO_CARRIER, pkg), mnt]);
  // Like a write-protected stick: the kiosk only ever reads a carrier.
  execFileSync('mount', ['-o', 'remount,ro', mnt]);
  return mnt;
}

afterAll(() => {
  for (const m of mounted) spawnSync('umount', [m]);
  for (const d of loops) spawnSync('losetup', ['-d', d]);
});

describe('loop-mounted carriers', () => {
  it.skipIf(reason !== null)('[DC-3] a read-only loop-mounted ext4 image imports like a USB stick', () => {
    const mnt = makeImage('ext4');
    const k = new KioskDir();
    expect(k.json<{ valid: boolean }>(['check', mnt]).json.valid).toBe(true);
    const r = k.json<{ imported: unknown[]; problems: unknown[] }>(['import', mnt]);
    expect(r.json.problems).toEqual([]);
    expect(r.json.imported).toHaveLength(4);
    expect(k.ctl(['verify']).code).toBe(0);
  });

  it.skipIf(fatReason !== null)('[DC-3] a read-only loop-mounted FAT image imports like an SD card', () => {
    const mnt = makeImage('vfat');
    const k = new KioskDir();
    const r = k.json<{ imported: unknown[]; problems: unknown[] }>(['import', mnt]);
    expect(r.json.problems).toEqual([]);
    expect(r.json.imported).toHaveLength(4);
  });
});
