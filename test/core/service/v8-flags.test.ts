// Every launcher of a process that may own a data directory starts Node with
// the kiosk's V8 flags (app/core/service/v8-flags.ts: issue 21, the import,
// export and TIS fetch spent up to 1.4 CPU-s per GiB on concurrent marking).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OWNER_V8_FLAGS } from '../../../app/core/service';

const root = path.resolve(__dirname, '..', '..', '..');
const read = (p: string): string => fs.readFileSync(path.join(root, p), 'utf8');

describe('the V8 flags of a data directory owner', () => {
  it('[DC-8] this Node takes every flag (a mistyped one would stop the service at start)', () => {
    const r = spawnSync(process.execPath, [...OWNER_V8_FLAGS, '-e', 'process.exit(0)'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const bad = spawnSync(process.execPath, ['--no-such-v8-flag-at-all', '-e', 'process.exit(0)'], { encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
  });

  it('[DC-8] court-kiosk.service, scripts/kioskctl, the package\'s /usr/bin/kioskctl and the Electron start pass them to node', () => {
    const lines: Array<[string, string]> = [
      ['court-kiosk.service', read('scripts/appliance/court-kiosk.service').split('\n').find((l) => l.startsWith('ExecStart='))!],
      ...read('scripts/kioskctl')
        .split('\n')
        .filter((l) => /^\s*exec node /.test(l))
        .map((l): [string, string] => ['scripts/kioskctl', l]),
      ['build-deb.sh', read('scripts/build-deb.sh').split('\n').find((l) => l.includes('kioskctl.mjs'))!],
    ];
    expect(lines.filter(([f]) => f === 'scripts/kioskctl')).toHaveLength(2);
    for (const [file, line] of lines) {
      expect(line, file).toBeDefined();
      const words = line.replace(/^ExecStart=/, '').trim().split(/\s+/);
      const node = words.findIndex((w) => /(^|\/)node$/.test(w));
      const script = words.findIndex((w, i) => i > node && !w.startsWith('-') && words[i - 1] !== '--import');
      for (const f of OWNER_V8_FLAGS) expect(words.slice(node + 1, script), `${file}: ${line}`).toContain(f);
    }
    expect(read('scripts/start.mjs')).toContain(`'--js-flags=${OWNER_V8_FLAGS.join(' ')}'`);
  });

  it('[DC-8] a kioskctl started from the checkout runs as node with them', async () => {
    const child = spawn(path.join(root, 'scripts/kioskctl'), ['--help'], { stdio: 'ignore' });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    let argv: string[] = [];
    // kioskctl execs node in place: the same pid, node's argv.
    for (let i = 0; i < 500 && child.exitCode === null; i++) {
      try {
        argv = fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
      } catch {
        break;
      }
      if (argv.some((a) => a.endsWith('main.ts') || a.endsWith('kioskctl.mjs'))) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGTERM');
    await exited;
    expect(path.basename(argv[0] ?? '')).toBe('node');
    for (const f of OWNER_V8_FLAGS) expect(argv).toContain(f);
  });
});
