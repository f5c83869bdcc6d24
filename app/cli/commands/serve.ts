// `kioskctl serve [--port N] [--demo]`: runs the web shell program, which is
// the kiosk service. The CLI does not import shells (STYLE.md layering); it
// starts the shell's own entry point with the same Node flags and passes its
// output and exit code through. The child gets an IPC channel so that it
// stops the moment this process dies, even by SIGKILL (no orphan serving).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../context';

export function webShellEntry(): string {
  const src = path.join(REPO_ROOT, 'app', 'shells', 'web', 'main.ts');
  return fs.existsSync(src) && process.execArgv.some((a) => a.includes('tsx')) ? src : path.join(REPO_ROOT, 'dist', 'web', 'main.mjs');
}

export function serve(args: string[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, webShellEntry(), ...args], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(code ?? (signal ? 1 : 2));
    });
  });
}
