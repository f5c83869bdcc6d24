// Runs the real kioskctl under `/usr/bin/time -v`, for the hostile-input
// tests' bounds: exit code, the --json output, wall-clock seconds and maximum
// resident set size of the whole command.
import { spawnSync } from 'node:child_process';
import { KIOSKCTL } from './paths';

export interface Measured<T> {
  readonly code: number;
  readonly json: T;
  readonly seconds: number;
  readonly maxRssKiB: number;
}

/** `kioskctl ARGS --json` under `/usr/bin/time -v` with `env` added to this process's environment. */
export function measuredKioskctl<T>(args: string[], env: NodeJS.ProcessEnv): Measured<T> {
  const r = spawnSync('/usr/bin/time', ['-v', KIOSKCTL, ...args, '--json'], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  if (!rss || !wall) throw new Error(`no /usr/bin/time -v report in:\n${r.stderr}`);
  let json: T;
  try {
    json = JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`kioskctl ${args.join(' ')} did not print JSON (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return {
    code: r.status ?? -1,
    json,
    seconds: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]),
    maxRssKiB: Number(rss[1]),
  };
}
