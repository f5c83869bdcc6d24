// The web shell: core served on 127.0.0.1 behind a per-launch token.
export { startWebShell, type WebShell } from './server';
export { checkRequest, newToken, COOKIE } from './token-guard';
