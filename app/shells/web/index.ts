// The web shell: core served on 127.0.0.1, entered once through a 0600 launcher page.
export { startWebShell, type WebShell, type WebShellOptions } from './server';
export { checkRequest, cookieValue, type GuardVerdict } from './guard';
export { LaunchGate, SESSION_COOKIE, LAUNCH_PATH, launcherHtml, type Launch } from './launch';
