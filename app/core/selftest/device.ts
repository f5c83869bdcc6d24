// `kioskctl selftest --device`: checks the installed appliance itself (the
// package's units, its two users, the data directory's owner and mode,
// kiosk-config's, Chromium's managed policies, the service and the display
// running, the device key) and says for each what it found. Read-only: it
// changes nothing it checks. `root` lets it check an unpacked package
// (tests) instead of /.
//
// The replica (PL-5.1's second copy on separate storage) is checked when
// kiosk-config names one: there, seeded for this data directory's key, on a
// file system of its own, the service's alone, and the service reporting no
// problem with it. Without one its row says 'not configured'.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config';
import { DeviceKey, KEY_ID_FILE, SEALED_FILE, SEAL_ORDER, defaultKeyDir, loadDeviceKeyFile } from '../keys';
import { keyDirOf } from '../kiosk';
import { serviceStatus, type ServiceStatus } from '../service';
import { configRelative } from '../config/load';
import { MARKER, SEEN } from '../replica';
import { readMarker } from '../replica/layout';

export type DeviceCheckName = 'units' | 'users' | 'data-dir' | 'config' | 'policies' | 'key' | 'service' | 'display' | 'replica';
export type DeviceCheckStatus = 'ok' | 'failed' | 'not-configured';

export interface DeviceCheck {
  readonly name: DeviceCheckName;
  readonly status: DeviceCheckStatus;
  readonly detail: string;
}

export interface DeviceSelftest {
  readonly ok: boolean;
  readonly root: string;
  readonly checks: readonly DeviceCheck[];
}

export interface DeviceLayoutOptions {
  /** Where the package is installed (default /). */
  readonly root?: string;
  /** The data directory, when not the package's /var/lib/court-kiosk. */
  readonly dataDir?: string;
  /** kiosk-config, when not the package's /etc/court-kiosk/kiosk-config.json. */
  readonly configFile?: string;
}

const SERVICE_USER = 'court-kiosk';
const DISPLAY_USER = 'court-kiosk-display';
const UNITS = ['court-kiosk.service', 'court-kiosk-display.service', 'court-kiosk-carrier@.service'];

interface Passwd {
  readonly uid: number;
  readonly gid: number;
}

function passwd(user: string): Passwd | null {
  const r = spawnSync('getent', ['passwd', user], { encoding: 'utf8' });
  const f = r.status === 0 ? r.stdout.trim().split(':') : [];
  return f.length >= 4 ? { uid: Number(f[2]), gid: Number(f[3]) } : null;
}

function groupGid(group: string): number | null {
  const r = spawnSync('getent', ['group', group], { encoding: 'utf8' });
  const f = r.status === 0 ? r.stdout.trim().split(':') : [];
  return f.length >= 3 ? Number(f[2]) : null;
}

function groupsOf(user: string): string[] {
  const r = spawnSync('id', ['-nG', user], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split(/\s+/) : [];
}

const mode = (st: fs.Stats) => (st.mode & 0o7777).toString(8).padStart(4, '0');
const check = (name: DeviceCheckName, ok: boolean, detail: string): DeviceCheck => ({ name, status: ok ? 'ok' : 'failed', detail });

function unitsCheck(root: string): DeviceCheck {
  const dir = path.join(root, 'lib/systemd/system');
  const missing = UNITS.filter((u) => !fs.existsSync(path.join(dir, u)));
  if (missing.length) return check('units', false, `missing in ${dir}: ${missing.join(', ')}`);
  const service = fs.readFileSync(path.join(dir, 'court-kiosk.service'), 'utf8');
  if (!/^Type=notify$/m.test(service) || !/^WatchdogSec=\S+/m.test(service)) return check('units', false, 'court-kiosk.service is not Type=notify with a WatchdogSec');
  // Where systemd runs the machine, the units must also be enabled; elsewhere (a container, a test root) their files are what there is to check.
  if (root === '/' && fs.existsSync('/run/systemd/system')) {
    const r = spawnSync('systemctl', ['is-enabled', 'court-kiosk.service', 'court-kiosk-display.service'], { encoding: 'utf8' });
    if (r.status !== 0) return check('units', false, `not enabled: ${r.stdout.trim().split('\n').join(', ')}`);
    return check('units', true, `${UNITS.join(', ')} installed and enabled`);
  }
  return check('units', true, `${UNITS.join(', ')} installed (systemd not running here: enablement not checked)`);
}

function usersCheck(): DeviceCheck {
  const s = passwd(SERVICE_USER);
  const d = passwd(DISPLAY_USER);
  if (!s || !d) return check('users', false, `missing: ${[s ? null : SERVICE_USER, d ? null : DISPLAY_USER].filter(Boolean).join(', ')}`);
  if (s.uid === 0 || d.uid === 0 || s.uid === d.uid) return check('users', false, `${SERVICE_USER} (uid ${s.uid}) and ${DISPLAY_USER} (uid ${d.uid}) must be two users, neither root`);
  // The display must not reach the data through a group either.
  if (groupsOf(DISPLAY_USER).includes(SERVICE_USER)) return check('users', false, `${DISPLAY_USER} is in the group ${SERVICE_USER}`);
  return check('users', true, `${SERVICE_USER} uid ${s.uid}, ${DISPLAY_USER} uid ${d.uid}`);
}

function dataDirCheck(dataDir: string): DeviceCheck {
  const s = passwd(SERVICE_USER);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dataDir);
  } catch {
    return check('data-dir', false, `${dataDir} does not exist`);
  }
  if (!st.isDirectory()) return check('data-dir', false, `${dataDir} is not a directory`);
  if (!s || st.uid !== s.uid) return check('data-dir', false, `${dataDir} is owned by uid ${st.uid}, not ${SERVICE_USER}`);
  if ((st.mode & 0o777) !== 0o700) return check('data-dir', false, `${dataDir} has mode ${mode(st)}, not 0700`);
  return check('data-dir', true, `${dataDir} ${SERVICE_USER} 0700`);
}

function configCheck(configFile: string): DeviceCheck {
  let st: fs.Stats;
  try {
    st = fs.statSync(configFile);
  } catch {
    return check('config', false, `${configFile} does not exist`);
  }
  const gid = groupGid(SERVICE_USER);
  if (st.uid !== 0 || st.gid !== gid || (st.mode & 0o777) !== 0o640) return check('config', false, `${configFile} is uid ${st.uid} gid ${st.gid} mode ${mode(st)}, not root:${SERVICE_USER} 0640`);
  try {
    loadConfig(configFile);
  } catch (e) {
    return check('config', false, `${configFile}: ${(e as Error).message}`);
  }
  return check('config', true, `${configFile} root:${SERVICE_USER} 0640, valid`);
}

function policiesCheck(root: string): DeviceCheck {
  const file = path.join(root, 'etc/chromium/policies/managed/court-kiosk.json');
  let p: Record<string, unknown>;
  try {
    p = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    return check('policies', false, `${file}: ${(e as Error).message}`);
  }
  const allow = Array.isArray(p.URLAllowlist) ? (p.URLAllowlist as unknown[]) : [];
  const wrong: string[] = [];
  if (JSON.stringify(p.URLBlocklist) !== '["*"]') wrong.push('URLBlocklist is not ["*"]');
  if (allow.length === 0 || !allow.every((u) => typeof u === 'string' && (/^http:\/\/127\.0\.0\.1:\d+$/.test(u) || u === 'file:///run/court-kiosk-launch/launch.html'))) wrong.push('URLAllowlist names more than the kiosk and its launcher page');
  if (p.DeveloperToolsAvailability !== 2) wrong.push('developer tools not off');
  if (p.DownloadRestrictions !== 3) wrong.push('downloads not off');
  if (p.PrintingEnabled !== false) wrong.push('printing not off');
  if (p.AllowFileSelectionDialogs !== false) wrong.push('file pickers not off');
  return wrong.length ? check('policies', false, `${file}: ${wrong.join('; ')}`) : check('policies', true, `${file}: only ${allow.join(', ')}`);
}

/** The device key: in the key directory outside the data directory, the service's (or root's, sealed) 0600, the key the data directory was made under. */
function keyCheck(dataDir: string, configFile: string): DeviceCheck {
  let keyDir = defaultKeyDir(dataDir);
  try {
    keyDir = keyDirOf({ dataDir, config: loadConfig(configFile), configFile });
  } catch {
    // the config row says why; the default key directory is checked
  }
  const legacy = path.join(dataDir, 'keys', 'device.key');
  if (fs.existsSync(legacy)) return check('key', false, `${legacy}: the device key is still inside the data directory (the service moves it to ${keyDir} at its next start)`);
  const kind = SEAL_ORDER.find((k) => fs.existsSync(path.join(keyDir, SEALED_FILE[k])));
  if (!kind) return check('key', false, `${keyDir} holds no device key (the service makes it at its first start)`);
  const file = path.join(keyDir, SEALED_FILE[kind]);
  const st = fs.lstatSync(file);
  const s = passwd(SERVICE_USER);
  if (!s || (st.uid !== s.uid && st.uid !== 0) || (st.mode & 0o777) !== 0o600) return check('key', false, `${file} is uid ${st.uid} mode ${mode(st)}, not ${SERVICE_USER} (or root) 0600`);
  let recorded = '';
  try {
    recorded = fs.readFileSync(path.join(dataDir, 'keys', KEY_ID_FILE), 'utf8').trim();
  } catch {
    return check('key', false, `${path.join(dataDir, 'keys', KEY_ID_FILE)} is missing: the data directory does not name its key`);
  }
  if (kind !== 'key-file') return check('key', true, `${file} (${kind}, 0600), key id ${recorded}`);
  try {
    const id = DeviceKey.fromBytes(loadDeviceKeyFile(file)).id();
    if (id !== recorded) return check('key', false, `${file} is key id ${id}, the data directory was made under ${recorded}`);
  } catch (e) {
    return check('key', false, `${file}: ${(e as Error).message}`);
  }
  return check('key', true, `${file} loads (${SERVICE_USER} 0600); WARNING: a plain key file, not sealed by the machine: seal it with kioskctl device rekey as root`);
}

async function serviceCheck(dataDir: string): Promise<{ row: DeviceCheck; status: ServiceStatus | null }> {
  try {
    const st = await serviceStatus(dataDir);
    return {
      row: st ? check('service', true, `pid ${st.pid} since ${st.since}, version ${st.version}`) : check('service', false, `no kiosk service answers on ${path.join(dataDir, 'control.sock')}`),
      status: st,
    };
  } catch (e) {
    return { row: check('service', false, (e as Error).message), status: null };
  }
}

/**
 * The second copy (PL-5.1): kiosk-config's replica.path (under `root` when
 * absolute, for an unpacked package), seeded for the key this data directory
 * was made under, on another file system than the data directory (a separate
 * carrier), the service's alone (0700), and the service reporting it without
 * a problem.
 */
function replicaCheck(root: string, dataDir: string, configFile: string, service: ServiceStatus | null): DeviceCheck {
  let replica;
  try {
    replica = loadConfig(configFile).replica;
  } catch {
    return check('replica', false, `${configFile} does not load (see its row): the replica cannot be checked`);
  }
  if (!replica) return { name: 'replica', status: 'not-configured', detail: 'kiosk-config names no second copy on separate storage (PL-5.1: replica.path)' };
  const dir = path.isAbsolute(replica.path) ? path.join(root, replica.path) : configRelative(configFile, replica.path);
  const st = fs.statSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) return check('replica', false, `${dir} does not exist (is its disk mounted?)`);
  let marker;
  try {
    marker = readMarker(path.join(dir, MARKER));
  } catch (e) {
    return check('replica', false, (e as Error).message);
  }
  if (!marker) {
    return check('replica', false, fs.existsSync(path.join(dataDir, SEEN)) ? `${dir} holds no replica marker though one was seeded there: its disk is not mounted` : `${dir} is not seeded yet (the service seeds an empty one at its start)`);
  }
  const recorded = fs.existsSync(path.join(dataDir, 'keys', KEY_ID_FILE)) ? fs.readFileSync(path.join(dataDir, 'keys', KEY_ID_FILE), 'utf8').trim() : null;
  if (marker.keyId !== recorded) return check('replica', false, `${dir} is the replica of key id ${marker.keyId}, the data directory's is ${recorded ?? '(none)'}`);
  const data = fs.statSync(dataDir, { throwIfNoEntry: false });
  if (data && data.dev === st.dev) return check('replica', false, `${dir} is on the same file system as ${dataDir}: not a separate carrier (PL-5.1)`);
  const s = passwd(SERVICE_USER);
  if (!s || st.uid !== s.uid || (st.mode & 0o777) !== 0o700) return check('replica', false, `${dir} is uid ${st.uid} mode ${mode(st)}, not ${SERVICE_USER} 0700`);
  const r = service?.replica;
  if (r?.problem) return check('replica', false, `${dir}: ${r.state}: ${r.problem}`);
  return check('replica', true, `${dir}: key id ${marker.keyId}, its own file system, ${SERVICE_USER} 0700${r ? `, ${r.state}` : ''}`);
}

/** The display is up when cage runs as the display user (its one client is Chromium). */
function displayCheck(): DeviceCheck {
  const d = passwd(DISPLAY_USER);
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const argv0 = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
      if (argv0 !== '/usr/bin/cage' && argv0 !== 'cage') continue;
      const uid = Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      if (d && uid === d.uid) return check('display', true, `cage pid ${pid} as ${DISPLAY_USER}`);
    } catch {
      // ended meanwhile
    }
  }
  return check('display', false, `no cage runs as ${DISPLAY_USER}`);
}

export async function runDeviceSelftest(opts: DeviceLayoutOptions = {}): Promise<DeviceSelftest> {
  const root = path.resolve(opts.root ?? '/');
  const dataDir = opts.dataDir ?? path.join(root, 'var/lib/court-kiosk');
  const configFile = opts.configFile ?? path.join(root, 'etc/court-kiosk/kiosk-config.json');
  const service = await serviceCheck(dataDir);
  const checks: DeviceCheck[] = [
    unitsCheck(root),
    usersCheck(),
    dataDirCheck(dataDir),
    configCheck(configFile),
    policiesCheck(root),
    keyCheck(dataDir, configFile),
    service.row,
    displayCheck(),
    replicaCheck(root, dataDir, configFile, service.status),
  ];
  return { ok: checks.every((c) => c.status !== 'failed'), root, checks };
}
