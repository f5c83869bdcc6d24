// The appliance's Debian package, as the tests get it: built by the real
// scripts/build-deb.sh (which serialises builds with a lock), and unpacked
// with dpkg-deb into a scratch root directory, never installed into this
// machine (its managed Chromium policies would reach every other browser
// test that runs beside it).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, scratch } from './paths';

/** Names of the tools a test needs that this machine lacks (empty: it can run). */
export function missingTools(...tools: string[]): string[] {
  return tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' }).status !== 0);
}

/** Builds dist/court-kiosk_<version>_amd64.deb; its path. */
export function buildDeb(): string {
  const out = execFileSync('bash', [path.join(REPO, 'scripts', 'build-deb.sh')], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 << 20 }).trim().split('\n').pop()!;
  return path.join(REPO, out);
}

/** The package's files under a fresh root directory (dpkg-deb -x keeps their modes). */
export function unpackDeb(deb: string): string {
  const root = scratch('court-kiosk-root-');
  fs.chmodSync(root, 0o755);
  execFileSync('dpkg-deb', ['-x', deb, root]);
  return root;
}

/** `Key=value` lines of a systemd unit's [Service] (or another) section, every value of a repeated key kept. */
export function unitSection(text: string, section = 'Service'): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let inSection = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inSection = line === `[${section}]`;
      continue;
    }
    if (!inSection || line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    out.set(key, [...(out.get(key) ?? []), line.slice(eq + 1)]);
  }
  return out;
}

/**
 * What the package's postinst does on a real install, done for an unpacked
 * root: the two users from its sysusers.d file (made on this machine, as
 * systemd-sysusers makes them) and kiosk-config root:court-kiosk 0640 in a
 * 0750 folder.
 */
export function provisionLikePostinst(root: string): void {
  const su = spawnSync('systemd-sysusers', [path.join(root, 'usr/lib/sysusers.d/court-kiosk.conf')], { encoding: 'utf8' });
  if (su.status !== 0) throw new Error(`systemd-sysusers: ${su.stderr}`);
  const gid = Number(spawnSync('getent', ['group', 'court-kiosk'], { encoding: 'utf8' }).stdout.split(':')[2]);
  for (const p of ['etc/court-kiosk', 'etc/court-kiosk/kiosk-config.json']) fs.chownSync(path.join(root, p), 0, gid);
  fs.chmodSync(path.join(root, 'etc/court-kiosk'), 0o750);
}

export interface TmpfilesDir {
  readonly path: string;
  /** Octal, as written (e.g. '0700', '2750'). */
  readonly mode: string;
  readonly user: string;
  readonly group: string;
}

/**
 * The directories (`d` lines) of the package's tmpfiles.d file: what
 * systemd-tmpfiles makes before its units start. A test that sets up the
 * installed tree makes them from here, not from a list of its own, so a
 * directory the package adds (the key directory) is made there too.
 */
export function tmpfilesDirs(root: string): TmpfilesDir[] {
  const text = fs.readFileSync(path.join(root, 'usr/lib/tmpfiles.d/court-kiosk.conf'), 'utf8');
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[0] === 'd')
    .map(([, p, mode, user, group]) => ({ path: p!, mode: mode!, user: user!, group: group! }));
}
