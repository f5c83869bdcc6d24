// External programs some commands need (ffmpeg for demo media, openssl for
// demo signatures). Never used on the playback path. When missing and we are
// root on Debian, install them, as the project's scripts promise; otherwise
// fail with an environment error that says how to get them.
import { spawnSync } from 'node:child_process';
import { KioskError } from '../errors';

const PACKAGE_OF: Record<string, string> = { ffmpeg: 'ffmpeg', ffprobe: 'ffmpeg', openssl: 'openssl', sqlite3: 'sqlite3' };

function has(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

export function ensureTool(tool: keyof typeof PACKAGE_OF & string): void {
  if (has(tool)) return;
  const pkg = PACKAGE_OF[tool] ?? tool;
  if (process.getuid?.() === 0 && has('apt-get')) {
    process.stderr.write(`installing ${pkg} from Debian (needed: ${tool})\n`);
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (has(tool)) return;
  }
  throw new KioskError('environment', `${tool} is required and missing; install it with: apt-get install -y ${pkg}`);
}

export function run(tool: string, args: string[], opts: { cwd?: string; input?: string | Buffer } = {}): string {
  const r = spawnSync(tool, args, { cwd: opts.cwd, input: opts.input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new KioskError('environment', `${tool} failed (exit ${r.status}): ${(r.stderr || '').slice(-2000)}`);
  return r.stdout;
}
