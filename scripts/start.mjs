#!/usr/bin/env node
// `npm start [-- --demo]`: the Electron shell when its binary is present and a
// display exists; otherwise the web shell with Debian's Chromium in kiosk mode,
// or, with no display, the URL printed. Says which it did.
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
  const child = spawn(electron, [path.join(root, 'dist/electron/main.cjs'), ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  console.log(`start: ${electron ? 'no display for Electron' : 'Electron binary not installed'}; starting the web shell`);
  const web = spawn(path.join(root, 'scripts/kioskctl'), ['serve', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = readline.createInterface({ input: web.stdout });
  rl.once('line', (url) => {
    if (hasDisplay && fs.existsSync('/usr/bin/chromium')) {
      console.log('start: opening Debian Chromium in kiosk mode');
      const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'court-kiosk-chromium-'));
      const flags = ['--kiosk', `--app=${url}`, `--user-data-dir=${profile}`, '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-translate', '--disable-features=Translate,MediaRouter', '--noerrdialogs', '--disable-pinch', '--overscroll-history-navigation=0'];
      if (process.getuid?.() === 0) flags.push('--no-sandbox');
      const browser = spawn('/usr/bin/chromium', flags, { stdio: 'ignore' });
      browser.on('exit', () => web.kill('SIGTERM'));
    } else {
      console.log(`start: no display; open this URL in Chromium: ${url}`);
    }
  });
  const stop = () => web.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  web.on('exit', (code) => process.exit(code ?? 0));
}
