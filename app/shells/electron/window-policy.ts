// The one window policy, applied to every web contents the app ever creates.
// Pure: it names decisions and applies them through Electron's own types, so
// each Electron security checklist item is unit-tested without the binary
// (https://www.electronjs.org/docs/latest/tutorial/security).
import type { BrowserWindowConstructorOptions, Event, Session, WebContents, WebPreferences } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../../core/http';

/** Our privileged scheme: the app and its media never use file:// (checklist 18). */
export const APP_SCHEME = 'kiosk';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/`;

/** Privileges for protocol.registerSchemesAsPrivileged: standard + secure for a real origin, fetch and streaming for media with Range. */
export const SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: false, bypassCSP: false, allowServiceWorkers: false },
} as const;

export { CONTENT_SECURITY_POLICY };

export function webPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true, // checklist 3
    sandbox: true, // checklist 4
    nodeIntegration: false, // checklist 2
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true, // checklist 6
    allowRunningInsecureContent: false, // checklist 8
    experimentalFeatures: false, // checklist 9
    // enableBlinkFeatures deliberately absent (checklist 10)
    // Middle-click (auxclick) on a link is another way to ask for a new window;
    // the open handler denies it anyway, this removes the event altogether.
    disableBlinkFeatures: 'Auxclick',
    webviewTag: false, // checklist 11/12: no <webview> at all
    devTools: false,
    spellcheck: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    disableDialogs: true,
    autoplayPolicy: 'user-gesture-required',
  };
}

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    kiosk: true,
    fullscreen: true,
    frame: false,
    autoHideMenuBar: true,
    show: false,
    backgroundColor: '#f7f5f0',
    webPreferences: webPreferences(preloadPath),
  };
}

/** The watermark overlay page (app/renderer/watermark-main.tsx). */
export const WATERMARK_URL = `${APP_ORIGIN}/watermark.html`;

/**
 * The watermark's own window: transparent, frameless, never focused, above the
 * player and as large as it. A separate renderer process, so the player page
 * cannot remove the mark; the shell also makes it ignore the mouse, so it
 * never takes a touch meant for the player. Same hardened web preferences.
 */
export function watermarkWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    fullscreen: true,
    frame: false,
    transparent: true,
    backgroundColor: '#00000000',
    focusable: false,
    alwaysOnTop: true,
    skipTaskbar: true,
    hasShadow: false,
    resizable: false,
    movable: false,
    show: false,
    webPreferences: webPreferences(preloadPath),
  };
}

/** Only our own origin may be shown (checklist 1, 13). */
export function isAllowedNavigation(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Permissions: none. A kiosk player needs no camera, microphone, notifications, clipboard or fullscreen API (checklist 5). */
export function allowPermission(_permission: string): boolean {
  return false;
}

export interface PolicyLog {
  (event: string, detail: Record<string, string>): void;
}

/** Applies the policy to one web contents: navigation, windows, webviews, devtools (checklist 13, 14, 12, 20). */
export function applyToWebContents(contents: WebContents, log: PolicyLog): void {
  const preventNav = (event: Event, url: string, kind: string) => {
    if (!isAllowedNavigation(url)) {
      event.preventDefault();
      log('navigation-blocked', { kind, url });
    } else if (kind !== 'will-frame-navigate') {
      // Even our own origin is not navigated by the renderer: the app is one page.
      event.preventDefault();
      log('navigation-blocked', { kind, url });
    }
  };
  contents.on('will-navigate', (e, url) => preventNav(e, url, 'will-navigate'));
  contents.on('will-redirect', (e, url) => preventNav(e, url, 'will-redirect'));
  contents.on('will-frame-navigate', (e) => {
    if (!e.isMainFrame || !isAllowedNavigation(e.url)) {
      e.preventDefault();
      log('navigation-blocked', { kind: 'will-frame-navigate', url: e.url });
    }
  });
  contents.setWindowOpenHandler(({ url }) => {
    log('window-open-denied', { url });
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (e) => {
    e.preventDefault();
    log('webview-blocked', {});
  });
  contents.on('devtools-opened', () => {
    contents.closeDevTools();
    log('devtools-closed', {});
  });
  contents.on('context-menu', (e) => e.preventDefault());
}

/** Applies the policy to a session: permissions and downloads (checklist 5; no downloads, DC-1). */
export function applyToSession(session: Session, log: PolicyLog): void {
  session.setPermissionRequestHandler((_wc, permission, callback) => {
    const ok = allowPermission(permission);
    if (!ok) log('permission-denied', { permission });
    callback(ok);
  });
  session.setPermissionCheckHandler((_wc, permission) => allowPermission(permission));
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (e, item) => {
    e.preventDefault();
    item.cancel();
    log('download-cancelled', { url: item.getURL() });
  });
}

/** The Electron fuses electron-builder.yml must flip (checklist 19); a test compares the two. */
export const REQUIRED_FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
} as const;

/** IPC: only our own top frame may talk to main (checklist 17). */
export function isTrustedSender(frame: { url: string } | null | undefined, top: { url: string } | null | undefined): boolean {
  return !!frame && !!top && frame === top && isAllowedNavigation(frame.url);
}
