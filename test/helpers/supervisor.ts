// A stand-in for systemd's part in court-kiosk.service, for machines where
// systemd is not PID 1 (this CI's containers): it owns a NOTIFY_SOCKET (a
// unix datagram socket, received through socat as systemd receives it),
// hands the service WATCHDOG_USEC and WATCHDOG_PID as systemd does, waits for
// READY=1, kills the service with SIGABRT (systemd's WatchdogSignal) when no
// WATCHDOG=1 came for a whole interval, and restarts it (Restart=always).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { scratch } from './paths';

export interface SupervisedStart {
  readonly pid: number;
  readonly origin: string;
  readonly launch: string;
  readyAt: number | null;
  lastPet: number | null;
  pets: number;
  readonly child: ChildProcess;
}

export type SupervisorEvent = { type: 'ready'; pid: number } | { type: 'watchdog-kill'; pid: number } | { type: 'exit'; pid: number; code: number | null; signal: string | null } | { type: 'restart' };

export interface SupervisorOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly watchdogUsec: number;
}

export class Supervisor {
  readonly events: SupervisorEvent[] = [];
  readonly starts: SupervisedStart[] = [];
  readonly stderr: string[] = [];
  readonly #opts: SupervisorOptions;
  readonly #socket = path.join(scratch('notify-'), 'notify');
  #receiver: ChildProcess | null = null;
  #timer: NodeJS.Timeout | null = null;
  #stopping = false;

  constructor(opts: SupervisorOptions) {
    this.#opts = opts;
  }

  get current(): SupervisedStart | undefined {
    return this.starts.at(-1);
  }

  async start(): Promise<void> {
    // socat binds the datagram socket and prints each datagram it receives;
    // the service writes newline-ended assignments, so lines are messages.
    this.#receiver = spawn('socat', ['-u', `UNIX-RECV:${this.#socket}`, 'STDOUT'], { stdio: ['ignore', 'pipe', 'inherit'] });
    readline.createInterface({ input: this.#receiver.stdout! }).on('line', (line) => this.#message(line));
    for (let i = 0; i < 100 && !fs.existsSync(this.#socket); i++) await new Promise((r) => setTimeout(r, 20));
    if (!fs.existsSync(this.#socket)) throw new Error('supervisor: socat did not bind the notify socket');
    await this.#spawn();
    this.#timer = setInterval(() => this.#check(), 50);
  }

  #message(line: string): void {
    const cur = this.current;
    if (!cur) return;
    if (line === 'READY=1') {
      cur.readyAt = Date.now();
      cur.lastPet = Date.now();
      this.events.push({ type: 'ready', pid: cur.pid });
    } else if (line === 'WATCHDOG=1') {
      cur.lastPet = Date.now();
      cur.pets++;
    }
  }

  #check(): void {
    const cur = this.current;
    if (!cur || cur.readyAt === null || cur.lastPet === null || cur.child.exitCode !== null || cur.child.signalCode !== null) return;
    if (Date.now() - cur.lastPet > this.#opts.watchdogUsec / 1000) {
      this.events.push({ type: 'watchdog-kill', pid: cur.pid });
      cur.lastPet = null; // killed once
      cur.child.kill('SIGABRT');
    }
  }

  #spawn(): Promise<SupervisedStart> {
    const child = spawn(this.#opts.command, [...this.#opts.args], {
      env: { ...this.#opts.env, NOTIFY_SOCKET: this.#socket, WATCHDOG_USEC: String(this.#opts.watchdogUsec) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    return new Promise((resolve, reject) => {
      readline.createInterface({ input: child.stdout! }).once('line', (line) => {
        const { origin, launch } = JSON.parse(line) as { origin: string; launch: string };
        const s: SupervisedStart = { pid: child.pid!, origin, launch, readyAt: null, lastPet: null, pets: 0, child };
        this.starts.push(s);
        resolve(s);
      });
      child.once('exit', (code, signal) => {
        this.events.push({ type: 'exit', pid: child.pid!, code, signal });
        if (this.#stopping) return;
        reject(new Error(`service exited before serving (${signal ?? code}): ${this.stderr.join('')}`));
        // Restart=always, RestartSec=100ms.
        setTimeout(() => {
          if (this.#stopping) return;
          this.events.push({ type: 'restart' });
          this.#spawn().catch(() => undefined);
        }, 100);
      });
    });
  }

  /** Waits until `pred` holds (polled), or fails after `ms`. */
  async waitFor(what: string, pred: () => boolean, ms = 60_000): Promise<void> {
    const until = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > until) throw new Error(`supervisor: timed out waiting for ${what}; events ${JSON.stringify(this.events)}; stderr ${this.stderr.join('')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the service (SIGTERM, then SIGKILL) and the receiver; nothing is left running. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearInterval(this.#timer);
    for (const s of this.starts) {
      if (s.child.exitCode !== null || s.child.signalCode !== null) continue;
      const gone = new Promise((r) => s.child.once('exit', r));
      s.child.kill('SIGTERM');
      const t = setTimeout(() => s.child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(t);
    }
    this.#receiver?.kill('SIGTERM');
  }
}
