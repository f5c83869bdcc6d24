// An in-process kiosk on a scratch data directory with the demo carrier
// imported through the real pipeline, its review session service, and the
// one request handler the shells use: media tests call the handler directly
// (raw paths, exact headers) and, where a browser is needed, through the web shell.
import fs from 'node:fs';
import path from 'node:path';
import { openKiosk, type Kiosk } from '../../app/core/kiosk';
import { loadConfig, locateConfigFile } from '../../app/core/config';
import { seedDemo, demoAccounts } from '../../app/core/demo/seed';
import { createKioskSessionService, type SessionService } from '../../app/core/session';
import { createRequestHandler, type RequestHandler } from '../../app/core/http';
import type { RecordingRef, SessionView } from '../../app/shared/session-contract';
import { DEMO_CARRIER } from './demo';
import { KioskDir } from './kiosk-dir';
import { REPO, scratch } from './paths';

export const PL_REC: RecordingRef = { identifier: 'KM12324-20240305-01', version: 0 };
export const PL_CASE = 'KM 123/24';
export const UA_REC: RecordingRef = { identifier: 'VKZ-757-12345-25-20250207', version: 0 };
export const UA_CASE = '757/12345/25-ц';

export const ORIGIN = 'http://kiosk.test';

export interface MediaKiosk {
  readonly dir: KioskDir;
  readonly kiosk: Kiosk;
  readonly session: SessionService;
  readonly handler: RequestHandler;
  /** A folder of static assets (index.html) for the handler. */
  readonly assetsDir: string;
  /** GET (or another method) on the handler, with a raw path. */
  request(rawPath: string, init?: RequestInit): Promise<Response>;
  close(): void;
}

export async function openMediaKiosk(assets: Record<string, string | Buffer> = { 'index.html': '<!doctype html><title>kiosk</title>' }): Promise<MediaKiosk> {
  const dir = new KioskDir();
  const assetsDir = scratch('kiosk-assets-');
  for (const [name, body] of Object.entries(assets)) fs.writeFileSync(path.join(assetsDir, name), body);
  const quiet = () => undefined;
  const configFile = locateConfigFile({ dataDir: dir.dir, exampleFile: path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json') }, quiet, {});
  const kiosk = await openKiosk({ dataDir: dir.dir, config: loadConfig(configFile), configFile });
  const before = process.env.KIOSK_DEMO_CARRIER;
  process.env.KIOSK_DEMO_CARRIER = DEMO_CARRIER;
  try {
    const r = await seedDemo(kiosk, quiet);
    if (!r || r.imported.length < 4) throw new Error(`demo import: ${JSON.stringify(r?.problems ?? null)}`);
  } finally {
    if (before === undefined) delete process.env.KIOSK_DEMO_CARRIER;
    else process.env.KIOSK_DEMO_CARRIER = before;
  }
  const session = createKioskSessionService(kiosk, { extraAccounts: await demoAccounts(quiet) });
  const handler = createRequestHandler({ kiosk, assetsDir, shell: 'web', session });
  return {
    dir,
    kiosk,
    session,
    handler,
    assetsDir,
    request: (rawPath, init) => handler(new Request(ORIGIN + rawPath, init)),
    close() {
      session.dispose();
      kiosk.close();
      fs.rmSync(dir.dir, { recursive: true, force: true });
      fs.rmSync(assetsDir, { recursive: true, force: true });
    },
  };
}

function sent(session: SessionService, event: Record<string, unknown>): SessionView {
  const r = session.send(event);
  if (!r.ok) throw new Error(`session refused ${String(event.type)}: ${r.problem.message}`);
  return r.view;
}

/** A clerk opens a session for `recordings` of `caseQuery`; the viewer takes over. Returns the view in viewing. */
export async function openSession(session: SessionService, caseQuery: string, recordings: readonly RecordingRef[]): Promise<SessionView> {
  sent(session, { type: 'clerk.begin' });
  sent(session, { type: 'clerk.pin', accountId: 'demo-clerk', pin: '1234' });
  await session.settled();
  sent(session, { type: 'compose.case', query: caseQuery });
  await session.settled();
  sent(session, { type: 'compose.recordings', recordings });
  sent(session, { type: 'compose.viewer', name: 'Jan Strona', documentType: 'id-card', documentLast4: '1234', purpose: 'zapoznanie się z aktami' });
  sent(session, { type: 'compose.time', minutes: 30 });
  sent(session, { type: 'compose.confirm' });
  await session.settled();
  const handover = session.getSnapshot();
  if (handover.screen !== 'handover') throw new Error(`session did not reach handover: ${handover.state} ${JSON.stringify(handover.ended)}`);
  return sent(session, { type: 'handover.viewerReady', language: 'pl' });
}

/** Ends the viewing as the viewer would and returns to the attract screen. */
export function endSession(session: SessionService): SessionView {
  const ended = sent(session, { type: 'viewer.end' });
  sent(session, { type: 'summary.close' });
  return ended;
}
