// The appliance run from its unpacked package, as its two units would run it,
// on a machine where systemd is not PID 1: the kiosk service as court-kiosk
// and cage with the display client as court-kiosk-display, their command
// lines taken from the units' ExecStart. They run in a private mount and
// network namespace (unshare), so the package's Chromium policies sit at
// /etc/chromium/policies/managed, its launcher directory at
// /run/court-kiosk-launch and its service on 127.0.0.1:8470 for them alone,
// and nothing of this machine (nor another test's browser) sees them.
//
// What differs from the units, and why:
// - paths under /usr/lib, /var/lib and /etc/court-kiosk point into the
//   unpacked root (nothing is installed into this machine);
// - cage gets WLR_BACKENDS=headless WLR_RENDERER=pixman (no GPU, no seat)
//   and `-r -r` (the output turned 180°): on the headless backend Debian 12's
//   cage 0.1.4 tries to scan a fullscreen client's buffer out directly, the
//   output test fails ("Basic output test failed for HEADLESS-1") and the
//   output never shows a new frame again; a rotated output is always
//   composited, and grim turns the picture upright again.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tmpfilesDirs, unitSection } from './deb';
import { scratch } from './paths';
import { grim, type Shot } from './screen';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A unit's ExecStart with the package's paths moved into the unpacked root. */
export function execStartIn(root: string, unitFile: string): string {
  const cmd = unitSection(fs.readFileSync(unitFile, 'utf8')).get('ExecStart')![0]!;
  return cmd.replace(/(^|\s)\/(usr\/lib\/court-kiosk|var\/lib\/court-kiosk|etc\/court-kiosk)/g, (_m, pre: string, p: string) => `${pre}${root}/${p}`);
}

export interface ApplianceRun {
  /** grim's environment for this display. */
  readonly display: NodeJS.ProcessEnv;
  readonly work: string;
  /** The launch code the service wrote, copied by the harness before the browser could spend it. */
  readonly launchCode: string;
  readonly cagePid: number;
  /** The pid of the namespace holder; `nsenter -t` it to reach the appliance's X display and loopback. */
  readonly nsPid: number;
  shot(): Shot;
  /** The X display cage's Xwayland serves (as cage told its client in DISPLAY), null before there is one. */
  xDisplay(): string | null;
  /** Runs a command as the display user inside the appliance's namespaces (xdotool on cage's Xwayland). */
  asDisplayUser(cmd: string[], env?: Record<string, string>): { status: number | null; stderr: string };
  stop(): Promise<void>;
}

/** Every process this run started (by pid, found by its paths), killed: nothing outlives a test. */
function sweep(root: string, runtimeDir: string): void {
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    let cmd = '';
    let env = '';
    try {
      cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8');
      env = fs.readFileSync(`/proc/${d}/environ`, 'utf8');
    } catch {
      continue;
    }
    if (cmd.includes(root) || env.split('\0').includes(`XDG_RUNTIME_DIR=${runtimeDir}`)) {
      try {
        process.kill(Number(d), 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
}

export async function startAppliance(root: string, opts: { ozone: 'wayland' | 'x11' }): Promise<ApplianceRun> {
  const work = scratch('appliance-');
  fs.chmodSync(work, 0o700);
  const shared = scratch('appliance-display-');
  fs.chmodSync(shared, 0o755);
  const runtimeDir = path.join(shared, 'xdg');
  const tmp = path.join(shared, 'tmp');
  // tmpfiles.d's directories as systemd-tmpfiles makes them: under /var/lib in
  // the unpacked root (as the units' paths are), under /run in this
  // namespace's own /run. /media/court-kiosk is the carrier test's business.
  const made = tmpfilesDirs(root)
    .filter((d) => /^\/(var\/lib|run)\//.test(d.path))
    .map((d) => `install -d -m ${d.mode} -o ${d.user} -g ${d.group} ${q(d.path.startsWith('/var/lib/') ? `${root}${d.path}` : d.path)}`)
    .join('\n');
  const service = execStartIn(root, path.join(root, 'lib/systemd/system/court-kiosk.service'));
  const displayUnit = path.join(root, 'lib/systemd/system/court-kiosk-display.service');
  const display = execStartIn(root, displayUnit).replace(/^\/usr\/bin\/cage /, '/usr/bin/cage -r -r ');
  const unitEnv = (unitSection(fs.readFileSync(displayUnit, 'utf8')).get('Environment') ?? []).join(' ');
  const script = `set -eu
ip link set lo up
# tmpfiles.d's directories (the data and key directories, the launcher's), in this namespace's own /run.
mount -t tmpfs -o mode=0755 tmpfs /run
${made}
# The package's managed policies where Chromium reads them, for this namespace only.
mount -t tmpfs -o mode=0755 tmpfs /etc/chromium
cp -a ${q(root)}/etc/chromium/. /etc/chromium/
# Xwayland's socket directory, private too.
[ -d /tmp/.X11-unix ] || install -d -m 1777 /tmp/.X11-unix
mount -t tmpfs -o mode=1777 tmpfs /tmp/.X11-unix
install -d -m 0700 -o court-kiosk-display -g court-kiosk-display ${q(runtimeDir)} ${q(tmp)}
setpriv --reuid court-kiosk --regid court-kiosk --init-groups --no-new-privs --bounding-set -all --inh-caps -all \\
  env -i PATH=/usr/bin:/bin HOME=/var/lib/court-kiosk ${service} >${q(work)}/service.out 2>${q(work)}/service.err &
i=0; while [ ! -e /run/court-kiosk-launch/launch.html ]; do i=$((i+1)); [ $i -lt 600 ] || exit 3; sleep 0.1; done
cp /run/court-kiosk-launch/launch.html ${q(work)}/launch-copy.html
setpriv --reuid court-kiosk-display --regid court-kiosk-display --init-groups --no-new-privs \\
  env -i PATH=/usr/bin:/bin HOME=${q(tmp)} TMPDIR=${q(tmp)} XDG_RUNTIME_DIR=${q(runtimeDir)} \\
  WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 ${unitEnv} KIOSK_OZONE_PLATFORM=${opts.ozone} \\
  ${display} >${q(work)}/cage.out 2>&1 &
echo $! >${q(work)}/cage.pid
wait
`;
  fs.writeFileSync(path.join(work, 'run.sh'), script);
  const holder: ChildProcess = spawn('unshare', ['--mount', '--net', '--propagation', 'private', 'bash', path.join(work, 'run.sh')], { stdio: 'ignore', detached: true });
  const env = { XDG_RUNTIME_DIR: runtimeDir, WAYLAND_DISPLAY: 'wayland-0' };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      process.kill(-holder.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    sweep(root, runtimeDir);
    await new Promise((r) => setTimeout(r, 300));
    sweep(root, runtimeDir);
    // Xwayland's lock files live in the shared /tmp, not in the namespace: a
    // killed Xwayland leaves its own, which would push the next one to :1.
    const displayUid = Number(spawnSync('id', ['-u', 'court-kiosk-display'], { encoding: 'utf8' }).stdout.trim());
    for (const f of fs.readdirSync('/tmp').filter((n) => /^\.X\d+-lock$/.test(n))) {
      const lock = path.join('/tmp', f);
      const pid = Number(fs.readFileSync(lock, 'utf8').trim());
      if (fs.statSync(lock).uid === displayUid && !fs.existsSync(`/proc/${pid}`)) fs.rmSync(lock, { force: true });
    }
  };
  const deadline = Date.now() + 60_000;
  const has = (f: string) => fs.existsSync(path.join(work, f));
  while (!(has('cage.pid') && fs.existsSync(path.join(runtimeDir, 'wayland-0')))) {
    if (Date.now() > deadline || holder.exitCode !== null) {
      const said = ['service.err', 'cage.out'].filter(has).map((f) => fs.readFileSync(path.join(work, f), 'utf8').slice(-2000)).join('\n');
      await stop();
      throw new Error(`the appliance did not come up: ${said}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const html = fs.readFileSync(path.join(work, 'launch-copy.html'), 'utf8');
  const launchCode = /name="code" value="([A-Za-z0-9_-]+)"/.exec(html)![1]!;
  fs.rmSync(path.join(work, 'launch-copy.html'));
  const cagePid = Number(fs.readFileSync(path.join(work, 'cage.pid'), 'utf8'));
  return {
    display: env,
    work,
    launchCode,
    cagePid,
    nsPid: holder.pid!,
    shot: () => grim(env),
    xDisplay() {
      for (const d of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(d)) continue;
        let vars: string[];
        try {
          vars = fs.readFileSync(`/proc/${d}/environ`, 'utf8').split('\0');
        } catch {
          continue;
        }
        if (!vars.includes(`XDG_RUNTIME_DIR=${runtimeDir}`)) continue;
        const v = vars.find((e) => e.startsWith('DISPLAY='));
        if (v) return v.slice('DISPLAY='.length);
      }
      return null;
    },
    asDisplayUser(cmd, extra = {}) {
      const envArgs = Object.entries(extra).map(([k, v]) => `${k}=${v}`);
      const r = spawnSync('nsenter', ['--target', String(holder.pid), '--mount', '--net', 'setpriv', '--reuid', 'court-kiosk-display', '--regid', 'court-kiosk-display', '--init-groups', 'env', '-i', 'PATH=/usr/bin:/bin', ...envArgs, ...cmd], { encoding: 'utf8' });
      return { status: r.status, stderr: r.stderr };
    },
    stop,
  };
}
