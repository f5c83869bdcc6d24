// The service's side of systemd's notification protocol (sd_notify(3)), for
// court-kiosk.service's Type=notify and WatchdogSec=: READY=1 once the kiosk
// serves, WATCHDOG=1 from the event loop every half of WATCHDOG_USEC, and
// STOPPING=1 on the way out. A loop that stops turning stops the pets, and
// systemd kills and restarts the service (the new one closes the session the
// stuck one left open as interrupted).
//
// Why socat: the protocol is one datagram per message on the unix socket
// NOTIFY_SOCKET names, and Node has no unix datagram socket (dgram is UDP
// only). The npm answers are native addons (sd-notify binds libsystemd,
// unix-dgram is a node-gyp build): one more compiled module to build for
// every Node upgrade, for a few bytes a minute. Spawning `systemd-notify` per
// message loses messages: systemd attributes a datagram to its unit by the
// sender's PID, and a systemd-notify that has already exited cannot be
// attributed (systemd 252, Debian 12's). So one long-lived socat child, in the
// service's own cgroup (the unit says NotifyAccess=all), sends each line we
// write to its stdin as a datagram. Writes that meet in one read become one
// datagram of newline-separated assignments, which the protocol allows.
import { spawn, type ChildProcess } from 'node:child_process';

export interface SdNotifier {
  /** READY=1 with a STATUS line: the kiosk serves. */
  ready(status: string): void;
  /** STOPPING=1: a stop is under way, not a hang. */
  stopping(): void;
  /** Ends the pets and the socat child. */
  dispose(): void;
}

export interface SdNotifyOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly note: (line: string) => void;
  /** The sender (socat) to run; tests may name another binary. */
  readonly socat?: string;
}

/** socat's address for NOTIFY_SOCKET: a path, or '@name' in the abstract namespace. */
function socatAddress(socket: string): string | null {
  // socat splits its addresses at ':' and ','; a socket path with them cannot be named safely.
  if (/[:,!\s]/.test(socket)) return null;
  if (socket.startsWith('/')) return `UNIX-SENDTO:${socket}`;
  if (socket.startsWith('@') && socket.length > 1) return `ABSTRACT-SENDTO:${socket.slice(1)}`;
  return null;
}

/**
 * The notifier for this process, or null when no supervisor asked for
 * notifications (no NOTIFY_SOCKET: `kioskctl serve`, tests, Electron).
 */
export function startSdNotify(opts: SdNotifyOptions): SdNotifier | null {
  const env = opts.env ?? process.env;
  const socket = env.NOTIFY_SOCKET;
  if (!socket) return null;
  const address = socatAddress(socket);
  if (!address) {
    opts.note(`sd_notify: NOTIFY_SOCKET ${JSON.stringify(socket)} is not a socket path this service can use; not notifying`);
    return null;
  }
  let child: ChildProcess | null = spawn(opts.socat ?? 'socat', ['-u', 'STDIN', address], { stdio: ['pipe', 'ignore', 'pipe'] });
  let said = '';
  child.stderr!.on('data', (d: Buffer) => (said += d.toString()));
  child.on('error', (e) => opts.note(`sd_notify: cannot run socat (${e.message}); systemd will not see this service ready or alive`));
  child.on('exit', (code, signal) => {
    if (child) opts.note(`sd_notify: socat ended (${signal ?? code})${said ? `: ${said.trim()}` : ''}`);
    child = null;
  });
  // Neither the sender nor its pipe may keep a stopping service alive.
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  child.stdin!.on('error', () => undefined); // a dead socat is reported by 'exit'
  const send = (msg: string) => {
    if (child?.stdin?.writable) child.stdin.write(`${msg}\n`);
  };

  // WATCHDOG_PID names the process the watchdog is for; a child that inherited it must not pet.
  const usec = Number(env.WATCHDOG_USEC);
  const forUs = env.WATCHDOG_PID === undefined || Number(env.WATCHDOG_PID) === process.pid;
  let timer: NodeJS.Timeout | null = null;
  if (Number.isFinite(usec) && usec > 0 && forUs) {
    // Half the interval, as sd_watchdog_enabled(3) advises: one late tick is not yet a miss.
    timer = setInterval(() => send('WATCHDOG=1'), Math.max(1, Math.floor(usec / 2000)));
    timer.unref();
  }
  return {
    ready(status) {
      send(`READY=1\nSTATUS=${status.replace(/\n/g, ' ')}`);
    },
    stopping() {
      send('STOPPING=1');
    },
    dispose() {
      if (timer) clearInterval(timer);
      timer = null;
      const c = child;
      child = null;
      c?.stdin?.end();
    },
  };
}
