// Runs the real kioskctl (scripts/kioskctl) as a child process.
import { spawnSync, spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { KIOSKCTL } from './paths';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `input` is written to kioskctl's stdin (secrets for --secret-stdin). */
export function kioskctl(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): RunResult {
  const r = spawnSync(KIOSKCTL, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20, ...(input !== undefined ? { input } : {}) });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function kioskctlJson<T>(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): { code: number; json: T; stderr: string } {
  const r = kioskctl([...args, '--json'], env, input);
  let json: T;
  try {
    json = JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`kioskctl ${args.join(' ')} did not print JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, json, stderr: r.stderr };
}

export interface Served {
  readonly origin: string;
  /** The launcher page's file:// URL (0600 file, exchangeable once: see helpers/launch.ts). */
  readonly launch: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** `kioskctl serve`: waits for its first stdout line, `{origin, launch}`. */
export function serveKiosk(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child = spawn(KIOSKCTL, ['serve', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', (line) => {
      const { origin, launch } = JSON.parse(line) as { origin: string; launch: string };
      resolve({
        origin,
        launch,
        child,
        stop: () =>
          new Promise<void>((res) => {
            if (child.exitCode !== null) return res();
            child.once('exit', () => res());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`kioskctl serve exited ${code}: ${stderr}`)));
  });
}

/** The real kioskctl as a child process, without blocking: for commands that must run at the same time. */
export function kioskctlAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(KIOSKCTL, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
