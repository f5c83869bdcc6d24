// One test per applicable item of Electron's security checklist
// (https://www.electronjs.org/docs/latest/tutorial/security), against the pure
// policy module. Electron's binary is absent here, so web contents and session
// are stand-ins that record the handlers the policy installs — the edge we
// cannot reach — and the handlers themselves are the real policy code.
import fs from 'node:fs';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import type { Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import {
  APP_URL,
  CONTENT_SECURITY_POLICY,
  REQUIRED_FUSES,
  SCHEME_PRIVILEGES,
  allowPermission,
  applyToSession,
  applyToWebContents,
  isAllowedNavigation,
  isTrustedSender,
  webPreferences,
  windowOptions,
  watermarkWindowOptions,
  WATERMARK_URL,
} from '../../../app/shells/electron/window-policy';
import { REPO } from '../../helpers/paths';

type Logged = Array<[string, Record<string, string>]>;

class FakeContents extends EventEmitter {
  openHandler: ((d: { url: string }) => { action: string }) | null = null;
  devtoolsClosed = 0;
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
    this.openHandler = h;
  }
  closeDevTools() {
    this.devtoolsClosed++;
  }
}

function fakeEvent(extra: Record<string, unknown> = {}) {
  return { prevented: false, preventDefault() { this.prevented = true; }, ...extra };
}

function contents(): { c: FakeContents; log: Logged } {
  const c = new FakeContents();
  const log: Logged = [];
  applyToWebContents(c as unknown as WebContents, (e, d) => log.push([e, d]));
  return { c, log };
}

class FakeSession extends EventEmitter {
  request: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | null = null;
  check: ((wc: unknown, p: string) => boolean) | null = null;
  device: (() => boolean) | null = null;
  setPermissionRequestHandler(h: FakeSession['request']) { this.request = h; }
  setPermissionCheckHandler(h: FakeSession['check']) { this.check = h; }
  setDevicePermissionHandler(h: FakeSession['device']) { this.device = h; }
}

const prefs = webPreferences('/app/preload.cjs');

describe('Electron security checklist, window policy', () => {
  it('1. Only load secure content: the app is served only from the kiosk: scheme, registered secure', () => {
    expect(APP_URL).toBe('kiosk://app/');
    expect(SCHEME_PRIVILEGES.privileges.secure).toBe(true);
    expect(SCHEME_PRIVILEGES.privileges.standard).toBe(true);
    expect(isAllowedNavigation('http://example.com/')).toBe(false);
    expect(isAllowedNavigation('https://example.com/')).toBe(false);
  });

  it('2. Do not enable Node.js integration for remote content', () => {
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });

  it('3. Enable context isolation', () => {
    expect(prefs.contextIsolation).toBe(true);
  });

  it('4. Enable process sandboxing', () => {
    expect(prefs.sandbox).toBe(true);
  });

  it('5. Handle session permission requests: every permission is denied and logged', () => {
    const s = new FakeSession();
    const log: Logged = [];
    applyToSession(s as unknown as Session, (e, d) => log.push([e, d]));
    for (const p of ['media', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'fullscreen', 'openExternal', 'hid', 'usb', 'serial']) {
      let granted: boolean | null = null;
      s.request!(null, p, (ok) => (granted = ok));
      expect(granted).toBe(false);
      expect(s.check!(null, p)).toBe(false);
      expect(allowPermission(p)).toBe(false);
    }
    expect(s.device!()).toBe(false);
    expect(log.filter(([e]) => e === 'permission-denied')).toHaveLength(9);
  });

  it('6. Do not disable webSecurity', () => {
    expect(prefs.webSecurity).toBe(true);
  });

  it("7. Define a Content Security Policy starting from default-src 'none'", () => {
    expect(CONTENT_SECURITY_POLICY.startsWith("default-src 'none'")).toBe(true);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("worker-src 'self'"); // hls.worker.js shipped: no blob: workers
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/worker-src[^;]*blob:/);
    expect(SCHEME_PRIVILEGES.privileges.bypassCSP).toBe(false);
  });

  it('8. Do not enable allowRunningInsecureContent', () => {
    expect(prefs.allowRunningInsecureContent).toBe(false);
  });

  it('9. Do not enable experimental features', () => {
    expect(prefs.experimentalFeatures).toBe(false);
  });

  it('10. Do not use enableBlinkFeatures', () => {
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
  });

  it('11/12. <webview>: the tag is disabled and any attach is prevented', () => {
    expect(prefs.webviewTag).toBe(false);
    const { c, log } = contents();
    const e = fakeEvent();
    c.emit('will-attach-webview', e, {}, {});
    expect(e.prevented).toBe(true);
    expect(log.map(([k]) => k)).toContain('webview-blocked');
  });

  it('13. Disable or limit navigation: will-navigate, will-redirect and will-frame-navigate are prevented', () => {
    const { c, log } = contents();
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'kiosk://app/other', 'javascript:alert(1)']) {
      const e = fakeEvent();
      c.emit('will-navigate', e, url);
      expect(e.prevented).toBe(true);
      const r = fakeEvent();
      c.emit('will-redirect', r, url);
      expect(r.prevented).toBe(true);
    }
    const sub = fakeEvent({ isMainFrame: false, url: 'kiosk://app/x' });
    c.emit('will-frame-navigate', sub);
    expect(sub.prevented).toBe(true);
    const foreign = fakeEvent({ isMainFrame: true, url: 'https://evil.example/' });
    c.emit('will-frame-navigate', foreign);
    expect(foreign.prevented).toBe(true);
    expect(log.filter(([k]) => k === 'navigation-blocked').length).toBe(10);
  });

  it('14. Disable or limit creation of new windows: setWindowOpenHandler denies', () => {
    const { c, log } = contents();
    expect(c.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(c.openHandler!({ url: 'kiosk://app/' })).toEqual({ action: 'deny' });
    expect(log.filter(([k]) => k === 'window-open-denied')).toHaveLength(2);
  });

  it('15. Do not use shell.openExternal with untrusted content: no code under app/ calls it', () => {
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const f of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, f.name);
        if (f.isDirectory()) walk(p);
        else if (/\.(ts|tsx)$/.test(f.name) && /openExternal\s*\(/.test(fs.readFileSync(p, 'utf8'))) offenders.push(p);
      }
    };
    walk(path.join(REPO, 'app'));
    expect(offenders).toEqual([]);
  });

  it('16. Use a current version of Electron: a supported major is pinned', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const major = Number(/(\d+)/.exec(pkg.devDependencies.electron ?? '')?.[1]);
    expect(major).toBeGreaterThanOrEqual(38);
  });

  it('17. Validate the sender of all IPC messages: only our own top frame is trusted', () => {
    const top = { url: 'kiosk://app/' };
    expect(isTrustedSender(top, top)).toBe(true);
    expect(isTrustedSender({ url: 'kiosk://app/' }, top)).toBe(false); // a subframe
    const evil = { url: 'https://evil.example/' };
    expect(isTrustedSender(evil, evil)).toBe(false);
    expect(isTrustedSender(null, top)).toBe(false);
  });

  it('18. Avoid the file:// protocol: the app URL and navigation allowlist use the custom scheme only', () => {
    expect(APP_URL.startsWith('kiosk:')).toBe(true);
    expect(isAllowedNavigation('file:///opt/court-kiosk/dist/renderer/index.html')).toBe(false);
    expect(SCHEME_PRIVILEGES.privileges).toMatchObject({ supportFetchAPI: true, stream: true });
  });

  it('19. Check which fuses you can change: electron-builder.yml flips every required fuse', () => {
    const yml = fs.readFileSync(path.join(REPO, 'electron-builder.yml'), 'utf8');
    for (const [fuse, value] of Object.entries(REQUIRED_FUSES)) expect(yml).toMatch(new RegExp(`^\\s+${fuse}:\\s*${value}\\s*$`, 'm'));
  });

  it('20. Do not expose Electron APIs to untrusted web content: the preload exposes one frozen fact', () => {
    const src = fs.readFileSync(path.join(REPO, 'app/shells/electron/preload.ts'), 'utf8');
    expect(src.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(src).not.toMatch(/ipcRenderer|require\(|process\./);
  });

  it('[DC-1] kiosk fullscreen, no frame, devtools off; devtools closed if opened; downloads cancelled', () => {
    const o = windowOptions('/p.cjs');
    expect(o).toMatchObject({ kiosk: true, fullscreen: true, frame: false });
    expect(o.webPreferences?.devTools).toBe(false);
    const { c, log } = contents();
    c.emit('devtools-opened');
    expect(c.devtoolsClosed).toBe(1);
    const s = new FakeSession();
    applyToSession(s as unknown as Session, (e, d) => log.push([e, d]));
    const e = fakeEvent();
    let cancelled = false;
    s.emit('will-download', e, { cancel: () => (cancelled = true), getURL: () => 'kiosk://app/x.mp4' });
    expect(e.prevented).toBe(true);
    expect(cancelled).toBe(true);
  });

  it('[DC-1] main.ts applies the policy to every web contents and removes the menu', () => {
    const src = fs.readFileSync(path.join(REPO, 'app/shells/electron/main.ts'), 'utf8');
    expect(src).toMatch(/app\.on\('web-contents-created',[^\n]*applyToWebContents/);
    expect(src).toContain('Menu.setApplicationMenu(null)');
    expect(src).toContain('protocol.registerSchemesAsPrivileged([SCHEME_PRIVILEGES])');
    expect(src).toContain('protocol.handle(APP_SCHEME');
  });
  it('[DC-1] [DC-5] the watermark has its own window: transparent, never focused, above the player, same hardened preferences, our origin; main.ts makes it click-through', () => {
    const o = watermarkWindowOptions('/p.cjs');
    expect(o).toMatchObject({ transparent: true, frame: false, focusable: false, alwaysOnTop: true, skipTaskbar: true, fullscreen: true });
    expect(o.webPreferences).toEqual(webPreferences('/p.cjs'));
    expect(isAllowedNavigation(WATERMARK_URL)).toBe(true);
    const src = fs.readFileSync(path.join(REPO, 'app/shells/electron/main.ts'), 'utf8');
    expect(src).toMatch(/new BrowserWindow\(\{ \.\.\.watermarkWindowOptions\(preloadPath\), parent: win \}\)/);
    expect(src).toContain('mark.setIgnoreMouseEvents(true)');
    expect(src).toContain('mark.loadURL(WATERMARK_URL)');
  });
});
