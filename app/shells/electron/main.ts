// Electron main: thin glue binding core to Electron. Everything the appliance
// does lives in app/core; this file opens it, serves it on the privileged
// kiosk: scheme through protocol.handle, and applies the one window policy.
import { app, BrowserWindow, Menu, protocol, session, type WebContents } from 'electron';
import path from 'node:path';
import { createRequestHandler } from '../../core/http';
import { loadConfig, locateConfigFile } from '../../core/config';
import { resolveDataDir } from '../../core/data-dir';
import { openKiosk, type Kiosk } from '../../core/kiosk';
import { appRootFrom } from '../../core/app-root';
import { APP_URL, SCHEME_PRIVILEGES, APP_SCHEME, applyToSession, applyToWebContents, windowOptions } from './window-policy';

// Must run before `ready` (Electron docs: registerSchemesAsPrivileged).
protocol.registerSchemesAsPrivileged([SCHEME_PRIVILEGES]);

const log = (event: string, detail: Record<string, string>) => process.stderr.write(`${JSON.stringify({ at: new Date().toISOString(), event, ...detail })}\n`);

// Bundled to dist/electron/main.cjs; the renderer bundle sits beside it.
const appRoot = appRootFrom(__dirname);
const rendererDir = path.join(appRoot, 'dist', 'renderer');
const preloadPath = path.join(__dirname, 'preload.cjs');

let kiosk: Kiosk | null = null;

function openCore(): Kiosk {
  const dataDir = resolveDataDir(undefined);
  const configFile = locateConfigFile({ dataDir, exampleFile: path.join(appRoot, 'kiosk-config', 'court-kiosk-pl.json') }, (s) => log('config', { notice: s }));
  return openKiosk({ dataDir, config: loadConfig(configFile), configFile });
}

app.on('web-contents-created', (_e, contents: WebContents) => applyToWebContents(contents, log));

// One instance only: a second launch focuses the first instead of racing it for the catalog.
if (!app.requestSingleInstanceLock()) app.quit();

app.whenReady().then(() => {
  Menu.setApplicationMenu(null);
  kiosk = openCore();
  const handler = createRequestHandler({ kiosk, assetsDir: rendererDir, shell: 'electron' });
  protocol.handle(APP_SCHEME, (req) => handler(req));
  applyToSession(session.defaultSession, log);
  const win = new BrowserWindow(windowOptions(preloadPath));
  win.setContentProtection(true); // no effect on Linux; the watermark is the deterrent there
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_URL);
}, (e: unknown) => {
  log('startup-failed', { message: (e as Error).message });
  app.exit(2);
});

app.on('window-all-closed', () => {
  kiosk?.close();
  app.quit();
});
