#!/usr/bin/env node
// `npm start [-- --demo]`: the Electron shell when its binary is present and a
// display exists; otherwise the web shell with Debian's Chromium in kiosk mode,
// or, with no display, the launcher page printed. Says which it did.
// No secret passes through here: the web shell writes its one-time launch code
// into a 0600 launcher page and prints only that page's file:// URL, which is
// all Chromium's argv gets (docs/security.md).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
// Debian's Chromium unless KIOSK_CHROMIUM names another binary (another distribution's path, a wrapper).
const chromium = process.env.KIOSK_CHROMIUM || '/usr/bin/chromium';

function electronBinary() {
  try {
    const p = createRequire(import.meta.url)('electron');
    return typeof p === 'string' && fs.existsSync(p) ? p : null;
  } catch {
    return null; // the package throws when its binary was never downloaded
  }
}

const electron = electronBinary();
if (electron && hasDisplay) {
  console.log(`start: Electron shell (${electron})`);
  // Electron takes V8 flags for its main process, which owns the data directory, as --js-flags (app/core/service/v8-flags.ts).
  const child = spawn(electron, ['--js-flags=--no-concurrent-marking', path.join(root, 'dist/electron/main.cjs'), ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  console.log(`start: ${electron ? 'no display for Electron' : 'Electron binary not installed'}; starting the web shell`);
  const web = spawn(path.join(root, 'scripts/kioskctl'), ['serve', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let browser = null;
  const rl = readline.createInterface({ input: web.stdout });
  rl.once('line', (line) => {
    let launch;
    try {
      launch = new URL(JSON.parse(line).launch);
    } catch {
      console.error(`start: the web shell did not print its launcher page: ${line}`);
      web.kill('SIGTERM');
      return;
    }
    if (launch.protocol !== 'file:') {
      console.error(`start: the launcher is not a local file: ${launch.href}`);
      web.kill('SIGTERM');
      return;
    }
    if (hasDisplay && fs.existsSync(chromium)) {
      console.log(`start: opening Chromium (${chromium}) in kiosk mode at the launcher page ${launch.href}`);
      const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'court-kiosk-chromium-'));
      const flags = ['--kiosk', `--app=${launch.href}`, `--user-data-dir=${profile}`, '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-translate', '--disable-features=Translate,MediaRouter', '--noerrdialogs', '--disable-pinch', '--overscroll-history-navigation=0'];
      if (process.getuid?.() === 0) flags.push('--no-sandbox');
      browser = spawn(chromium, flags, { stdio: 'ignore' });
      browser.on('exit', () => web.kill('SIGTERM'));
    } else {
      console.log(`start: no display; open this launcher page in Chromium on this machine, once: ${launch.href}`);
    }
  });
  const stop = () => web.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Without its shell the kiosk page has nothing to talk to: the browser goes too.
  web.on('exit', (code) => {
    browser?.kill('SIGTERM');
    process.exit(code ?? 0);
  });
}
