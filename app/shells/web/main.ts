// The web shell as a program (`kioskctl serve` runs it): opens core, serves
// the renderer and API on 127.0.0.1, and prints one JSON line first on stdout,
// `{"origin": "http://127.0.0.1:<port>", "launch": "file:///…/launch.html"}`:
// the launcher page to start Chromium at (a 0600 file, exchangeable once; its
// URL names no secret). `npm start` and the tests rely on that line. No secret
// is ever in this process's argv or environment: the launch code is made here.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createRequestHandler } from '../../core/http';
import { loadConfig, locateConfigFile } from '../../core/config';
import { resolveDataDir } from '../../core/data-dir';
import { startWebShell } from './server';
import { seedDemo, demoAccounts } from '../../core/demo/seed';
import { startKioskService, startSdNotify } from '../../core/service';
import { drivesFromFile } from '../../core/admin';
import { KioskError } from '../../core/errors';
import { formatProblem } from '../../shared/problem';
import { appRootFrom } from '../../core/app-root';

const ROOT = appRootFrom(import.meta.url);

async function run(argv: string[]): Promise<number> {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      demo: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean', default: false },
      // The appliance's unit: the launcher page goes to this directory, shared
      // with the display user's group, instead of a private temporary one.
      'launch-dir': { type: 'string' },
    },
    strict: true,
  });
  const port = v.port === undefined ? 0 : Number(v.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`serve: --port: not a port number: ${v.port}\n`);
    return 2;
  }
  const assetsDir = path.join(ROOT, 'dist', 'renderer');
  if (!fs.existsSync(path.join(assetsDir, 'index.html'))) {
    process.stderr.write(`serve: the renderer is not built (${assetsDir}); run: npm run build\n`);
    return 2;
  }
  const dataDir = resolveDataDir(v['data-dir']);
  const configFile = locateConfigFile(
    { ...(v.config ? { flag: v.config } : {}), dataDir, exampleFile: path.join(ROOT, 'kiosk-config', 'court-kiosk-pl.json') },
    (s) => process.stderr.write(`serve: ${s}\n`),
  );
  const note = (s: string) => process.stderr.write(`serve: ${s}\n`);
  // KIOSK_DRIVELIST_FEED names a file of drivelist's output that stands for the
  // machine's drives (browser tests, demonstrations without a USB stick): the
  // same code path as drivelist, polled quickly, no USB hot-plug.
  const feed = process.env.KIOSK_DRIVELIST_FEED;
  const carriers = feed
    ? { listDrives: drivesFromFile(feed), watcher: { pollMs: 250, hotplug: { start: async () => false, stop: () => undefined } } }
    : {};
  const service = await startKioskService({
    dataDir,
    config: loadConfig(configFile),
    configFile,
    what: 'kioskctl serve',
    note,
    carriers,
    ...(v.demo ? { extraAccounts: await demoAccounts(note), prepare: async (k) => void (await seedDemo(k, note)) } : {}),
  });
  const { kiosk, session, admin } = service;
  const handler = createRequestHandler({ kiosk, assetsDir, shell: 'web', session, admin, carriers: service.carriers, tis: service.tis });
  const launchDir = v['launch-dir'];
  const shell = await startWebShell({ handler, port, ...(launchDir ? { launchDir: path.resolve(launchDir), sharedLaunchDir: true } : {}) });
  process.stdout.write(`${JSON.stringify({ origin: shell.origin, launch: shell.launch.url })}\n`);
  process.stderr.write(`serve: court-kiosk web shell on ${shell.origin} (127.0.0.1 only; Ctrl+C stops it)\n`);
  // Under systemd (court-kiosk.service, Type=notify): ready only now that the
  // lock is held, an interrupted session closed and the launcher page written;
  // from here the event loop pets the watchdog.
  const sd = startSdNotify({ note });
  sd?.ready(`serving on ${shell.origin}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    // Started by `kioskctl serve` with an IPC channel: when that parent dies,
    // however it dies (SIGKILL included), the channel closes and this process
    // stops serving at once instead of living on as an orphan.
    if (process.send) process.once('disconnect', () => resolve());
  });
  sd?.stopping();
  await shell.close();
  await service.close();
  sd?.dispose();
  return 0;
}

// The IPC channel from `kioskctl serve` only tells this process when its
// parent dies; it must not keep the event loop alive once serving has ended.
process.channel?.unref();

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    if (process.connected) process.disconnect();
  },
  (e: unknown) => {
    process.stderr.write(`serve: ${(e as Error).message}\n`);
    if (e instanceof KioskError) for (const p of e.problems) process.stderr.write(`serve: ${formatProblem(p)}\n`);
    process.exitCode = 2;
    // A refused start must not linger on an IPC channel its parent keeps open.
    if (process.connected) process.disconnect();
  },
);
