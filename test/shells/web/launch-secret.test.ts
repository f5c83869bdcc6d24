// The launch secret never sits where another local user can read it: with
// `npm start`'s script running the whole chain (start.mjs → kioskctl serve →
// the web shell → Chromium), no /proc/<pid>/cmdline or /proc/<pid>/environ on
// the machine holds the one-time code, and Chromium is started at the
// launcher page's file:// URL alone. Chromium here is Debian's, headless,
// through a wrapper named by KIOSK_CHROMIUM that first copies the launcher
// page (0600, the same user) so the test knows the code it scans for.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../../helpers/browser';
import { postLaunchCode } from '../../helpers/launch';
import { REPO, scratch } from '../../helpers/paths';
import { allProcesses } from '../../helpers/procs';
import { expectProblem } from '../../helpers/problem';

const dirs: string[] = [];
let start: ChildProcess | null = null;

afterAll(async () => {
  if (start && start.exitCode === null) {
    const gone = new Promise((r) => start!.once('exit', r));
    start.kill('SIGTERM');
    await gone;
  }
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Processes started from `root` (by parent PID), the root included. */
function descendants(root: number): Set<number> {
  const parent = new Map<number, number>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'latin1');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const found = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (!found.has(pid) && found.has(ppid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  return found;
}

async function until<T>(what: string, f: () => T | null | undefined | false, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the launch secret', () => {
  it('[PL-8.2] [DC-1] is in no /proc/*/cmdline or /proc/*/environ while the start script runs kioskctl serve, the web shell and Chromium; Chromium gets only the launcher file; the code is exchanged once', async () => {
    const work = scratch('launch-secret-');
    dirs.push(work);
    const copy = path.join(work, 'launcher-copy.html');
    const wrapper = path.join(work, 'chromium-wrapper.sh');
    // --app=URL becomes a plain URL argument: headless Chromium has no app window, but loads the page the same way.
    fs.writeFileSync(
      wrapper,
      [
        '#!/bin/sh',
        'for a in "$@"; do',
        '  shift',
        '  case "$a" in',
        '    --app=file://*) f="${a#--app=file://}"; cp "$f" "$LAUNCH_COPY"; printf %s "$f" > "$LAUNCH_COPY.path"; set -- "$@" "${a#--app=}" ;;',
        '    --kiosk) ;;',
        '    *) set -- "$@" "$a" ;;',
        '  esac',
        'done',
        `exec ${CHROMIUM} --headless=new --disable-gpu "$@"`,
        '',
      ].join('\n'),
      { mode: 0o700 },
    );
    start = spawn(process.execPath, [path.join(REPO, 'scripts', 'start.mjs')], {
      env: { ...process.env, DISPLAY: ':404', KIOSK_CHROMIUM: wrapper, LAUNCH_COPY: copy, KIOSK_DATA_DIR: path.join(work, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    start.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    start.stderr!.on('data', (d: Buffer) => (output += d.toString()));

    const launcher = await until('the wrapper to see the launcher page', () => fs.existsSync(`${copy}.path`) && fs.readFileSync(copy, 'utf8'));
    const launchFile = fs.readFileSync(`${copy}.path`, 'utf8');
    const code = /name="code" value="([A-Za-z0-9_-]{43})"/.exec(launcher)?.[1];
    expect(code, output).toBeDefined();
    const origin = /action="(http:\/\/127\.0\.0\.1:\d+)\/launch"/.exec(launcher)?.[1];
    expect(origin).toBeDefined();
    expect(output).toContain(`at the launcher page file://${launchFile}`);

    // Chromium took the page: the exchange deletes it.
    await until('Chromium to exchange the launch code', () => !fs.existsSync(launchFile));

    const chain = descendants(start.pid!);
    const started = allProcesses().filter((p) => chain.has(p.pid));
    const kinds = started.map((p) => p.cmdline.split('\0').join(' '));
    expect(kinds.some((c) => c.includes('start.mjs')), kinds.join('\n')).toBe(true);
    expect(kinds.some((c) => c.includes('main.ts') && c.includes('serve')), kinds.join('\n')).toBe(true);
    expect(kinds.some((c) => c.includes(path.join('shells', 'web', 'main.ts'))), kinds.join('\n')).toBe(true);
    const browsers = kinds.filter((c) => c.includes('chromium'));
    expect(browsers.length, kinds.join('\n')).toBeGreaterThan(0);
    expect(browsers.some((c) => c.includes(`file://${launchFile}`))).toBe(true);

    // Not one process on the machine shows the code, in argv or environment; nor any token query.
    const leaks = allProcesses()
      .filter((p) => p.cmdline.includes(code!) || p.environ.includes(code!) || /[?&]token=/.test(p.cmdline))
      .map((p) => `${p.pid} ${p.cmdline.split('\0').join(' ')}`);
    expect(leaks).toEqual([]);

    // The exchange was Chromium's, once: the code is spent.
    const second = await postLaunchCode(origin!, code!);
    expect(second.status).toBe(401);
    await expectProblem(second, 'second exchange');

    const gone = new Promise((r) => start!.once('exit', r));
    start.kill('SIGTERM');
    await gone;
    // The launcher directory goes with the shell.
    await until('the launcher directory to be removed', () => !fs.existsSync(path.dirname(fileURLToPath(`file://${launchFile}`))), 10_000);
  }, 180_000);
});
