// Electron main: thin glue binding core to Electron. Everything the appliance
// does lives in app/core; this file opens it, serves it on the privileged
// kiosk: scheme through protocol.handle, and applies the one window policy.
import { app, BrowserWindow, Menu, protocol, safeStorage, session, type WebContents } from 'electron';
import path from 'node:path';
import { createRequestHandler } from '../../core/http';
import { loadConfig, locateConfigFile } from '../../core/config';
import { resolveDataDir } from '../../core/data-dir';
import type { PlatformKeyStore } from '../../core/keys';
import { appRootFrom } from '../../core/app-root';
import { startKioskService, type KioskService } from '../../core/service';
import { APP_URL, SCHEME_PRIVILEGES, APP_SCHEME, applyToSession, applyToWebContents, windowOptions, watermarkWindowOptions, WATERMARK_URL } from './window-policy';

// Must run before `ready` (Electron docs: registerSchemesAsPrivileged).
protocol.registerSchemesAsPrivileged([SCHEME_PRIVILEGES]);

const log = (event: string, detail: Record<string, string>) => process.stderr.write(`${JSON.stringify({ at: new Date().toISOString(), event, ...detail })}\n`);

// Bundled to dist/electron/main.cjs; the renderer bundle sits beside it.
const appRoot = appRootFrom(__dirname);
const rendererDir = path.join(appRoot, 'dist', 'renderer');
const preloadPath = path.join(__dirname, 'preload.cjs');

let service: KioskService | null = null;

/**
 * safeStorage (the OS key store) as core's PlatformKeyStore: one of the ways
 * core may seal the device key, after systemd-creds and never with the
 * 'basic_text' backend (core checks backend()). Core finds, makes and moves
 * the key (app/core/keys/key-store.ts), the same way kioskctl does; this shell
 * only lends the store. base64 inside, as the key files of before were written.
 */
const safeStorageStore: PlatformKeyStore = {
  isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
  backend: () => (process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os'),
  encrypt: (plain) => safeStorage.encryptString(plain.toString('base64')),
  decrypt: (sealed) => Buffer.from(safeStorage.decryptString(sealed), 'base64'),
};

/** The kiosk service in this process: it owns the data directory for the app's whole life. */
async function openCore(): Promise<KioskService> {
  const dataDir = resolveDataDir(undefined);
  const configFile = locateConfigFile({ dataDir, exampleFile: path.join(appRoot, 'kiosk-config', 'court-kiosk-pl.json') }, (s) => log('config', { notice: s }));
  return startKioskService({
    dataDir, config: loadConfig(configFile), configFile, what: 'electron', note: (s) => log('service', { notice: s }),
    // DC-3: carriers from drivelist, hot-plug from node-usb (polling where there is no USB bus).
    carriers: {},
    platformKeyStore: safeStorageStore,
  });
}

app.on('web-contents-created', (_e, contents: WebContents) => applyToWebContents(contents, log));

// One instance only: a second launch focuses the first instead of racing it for the catalog.
if (!app.requestSingleInstanceLock()) app.quit();

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

// A page that cannot load leaves its window empty (the app's shows nothing;
// without the overlay the player still draws its own watermark), and the log
// says why instead of an unhandled rejection.
const loadFailed = (url: string) => (e: unknown) => log('load-failed', { url, message: messageOf(e) });

// Any failure on the way up, Electron's or the kiosk service's (config,
// data directory held by another owner), ends the app with status 2 rather
// than leaving it running with no window and an unhandled rejection.
app.whenReady().then(async () => {
  Menu.setApplicationMenu(null);
  service = await openCore();
  // The review session (DC-2) behind /api/session, and the media grants behind /media/;
  // the service made one Auth for the session and the administrator screen, so lockouts hold across both.
  const { kiosk, session: review, admin } = service;
  const handler = createRequestHandler({ kiosk, assetsDir: rendererDir, shell: 'electron', session: review, admin, carriers: service.carriers, tis: service.tis });
  protocol.handle(APP_SCHEME, (req) => handler(req));
  applyToSession(session.defaultSession, log);
  const win = new BrowserWindow(windowOptions(preloadPath));
  win.setContentProtection(true); // no effect on Linux; the watermark is the deterrent there
  win.once('ready-to-show', () => win.show());
  win.loadURL(APP_URL).catch(loadFailed(APP_URL));
  // The watermark above the player, in a window of its own (see window-policy.ts).
  const mark = new BrowserWindow({ ...watermarkWindowOptions(preloadPath), parent: win });
  mark.setIgnoreMouseEvents(true);
  mark.setAlwaysOnTop(true, 'screen-saver');
  mark.setContentProtection(true);
  mark.once('ready-to-show', () => mark.showInactive());
  mark.loadURL(WATERMARK_URL).catch(loadFailed(WATERMARK_URL));
}).catch((e: unknown) => {
  log('startup-failed', { message: messageOf(e) });
  app.exit(2);
});

// The service closes (control socket, session, catalog) before the app
// quits; a close that fails is logged and ends the app with status 1.
app.on('window-all-closed', () => {
  const s = service;
  service = null;
  (s ? s.close() : Promise.resolve()).then(
    () => app.quit(),
    (e: unknown) => {
      log('close-failed', { message: messageOf(e) });
      app.exit(1);
    },
  );
});
