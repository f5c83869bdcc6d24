// Every error core's request handler answers, in both shells, is an RFC 9457
// problem document of the kiosk's own types: `type`, `title`, `status`,
// `detail`, never `about:blank` with a custom title, never a stack.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminService } from '../../../app/core/admin';
import { loadConfig } from '../../../app/core/config';
import { demoAccounts } from '../../../app/core/demo/seed';
import { createRequestHandler, type RequestHandler } from '../../../app/core/http';
import { openKiosk, type Kiosk } from '../../../app/core/kiosk';
import { createKioskSessionService, type SessionService } from '../../../app/core/session';
import { ADMIN_ROUTES } from '../../../app/shared/admin-contract';
import { MEDIA_CAPABILITY_HEADER, recordingSegment } from '../../../app/shared/media-contract';
import { REPO, scratch } from '../../helpers/paths';
import { expectProblem } from '../../helpers/problem';

const ORIGIN = 'http://127.0.0.1:1';
let kiosk: Kiosk;
let session: SessionService;
let handler: RequestHandler;
const dirs: string[] = [];

beforeAll(async () => {
  const assets = scratch('assets-');
  fs.writeFileSync(path.join(assets, 'index.html'), '<!doctype html><title>t</title>');
  const dataDir = scratch('kiosk-problems-');
  dirs.push(assets, dataDir);
  const configFile = path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json');
  kiosk = await openKiosk({ dataDir, config: loadConfig(configFile), configFile });
  const quiet = () => undefined;
  const extraAccounts = await demoAccounts(quiet);
  session = createKioskSessionService(kiosk, { extraAccounts });
  handler = createRequestHandler({ kiosk, assetsDir: assets, shell: 'web', session, admin: createAdminService(kiosk, { extraAccounts }) });
});

afterAll(() => {
  session?.dispose();
  kiosk?.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const req = (p: string, init?: RequestInit) => handler(new Request(ORIGIN + p, init));
const json = (body: string, type = 'application/json') => ({ method: 'POST', headers: { 'content-type': type }, body });

describe('problem+json everywhere', () => {
  it('[Q-2] every error of the API, the static files, the administrator API and the media route is problem+json with a kiosk type, its fixed title, status and detail', async () => {
    const fake = crypto.randomBytes(32).toString('base64url');
    const rec = recordingSegment('KM12324-20240305-01', 0);
    const cases: Array<[string, Promise<Response>, number]> = [
      ['asset missing', req('/nothing.html'), 404],
      ['asset bad encoding', req('/%E0%A4%A.html'), 400],
      ['asset POST', req('/index.html', { method: 'POST', body: 'x' }), 405],
      ['api route missing', req('/api/nothing'), 404],
      ['api PUT', req('/api/session', { method: 'PUT', body: '{}' }), 405],
      ['api text/plain POST', req('/api/session', json('{"type":"clerk.begin"}', 'text/plain')), 403],
      ['api form POST', req('/api/session', json('type=clerk.begin', 'application/x-www-form-urlencoded')), 403],
      ['api body not JSON', req('/api/session', json('{not json')), 400],
      ['api event refused', req('/api/session', json('{"type":"viewer.play","mediaTime":0}')), 422],
      ['api event malformed', req('/api/session', json('{"type":"no.such.event"}')), 422],
      ['catalogue while locked', req('/api/recordings'), 403],
      ['admin while locked', req(ADMIN_ROUTES.overview), 403],
      ['media without capability', req(`/media/${rec}/playlist.m3u8`), 403],
      ['media unknown capability', req('/media/manifest.json', { headers: { [MEDIA_CAPABILITY_HEADER]: fake } }), 403],
      ['media path escape', req(`/media/${rec}/parts/0%5c0.m4s`, { headers: { [MEDIA_CAPABILITY_HEADER]: fake } }), 400],
      ['media bad name', req(`/media/${rec}/parts/0/x.m4s`, { headers: { [MEDIA_CAPABILITY_HEADER]: fake } }), 404],
      ['media POST', req(`/media/${rec}/playlist.m3u8`, { method: 'POST', body: 'x' }), 405],
    ];
    for (const [what, pending, status] of cases) {
      const r = await pending;
      expect(r.status, what).toBe(status);
      await expectProblem(r, what);
    }
  });

  it('[Q-2] a refused session event keeps its rule and the view as extension members', async () => {
    const r = await req('/api/session', json('{"type":"viewer.play","mediaTime":0}'));
    const body = await expectProblem(r, 'event refused');
    expect(body.problem).toMatchObject({ rule: 'session.event.not-allowed' });
    expect((body.view as { screen: string }).screen).toBe('locked');
  });

  it('[Q-2] an administrator refusal keeps the core Problem (file, rule, field) as an extension member', async () => {
    expect(session.send({ type: 'clerk.begin' }).ok).toBe(true);
    expect(session.send({ type: 'clerk.pin', accountId: 'demo-admin', pin: 'demo-admin-2026' }).ok).toBe(true);
    await session.settled();
    expect(session.getSnapshot().screen).toBe('composing');
    const bad = await req(ADMIN_ROUTES.complete, json(JSON.stringify({ ref: 'x', version: 'one' })));
    const body = await expectProblem(bad, 'admin invalid');
    expect(body.status).toBe(422);
    expect(body.problem).toMatchObject({ rule: 'admin.input.invalid', field: 'version' });
    const missing = await req(`${ADMIN_ROUTES.export}/no-such-job`);
    expect(missing.status).toBe(404);
    await expectProblem(missing, 'admin export job missing');
    expect(session.send({ type: 'clerk.cancel' }).ok).toBe(true);
  });
});
