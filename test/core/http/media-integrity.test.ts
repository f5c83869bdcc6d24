// A recording altered on disk after import, in a place the pre-playback check
// does not read (the middle of the file): playback starts, and the first
// segment whose bytes cross the altered chunk is refused, with no media bytes;
// the failure is recorded and the session ends for integrity.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_CAPABILITY_HEADER, recordingSegment } from '../../../app/shared/media-contract';
import { openMediaKiosk, openSession, PL_CASE, PL_REC, UA_CASE, UA_REC, type MediaKiosk } from '../../helpers/media-kiosk';

let mk: MediaKiosk;

beforeAll(async () => {
  mk = await openMediaKiosk();
});
afterAll(() => mk?.close());

interface LogEntry {
  type: string;
  data: Record<string, unknown>;
}

describe('integrity during playback', () => {
  it('[Q-3] [DC-4] a byte flipped mid-file after import: that segment is refused, the event is recorded, the session ends with reason integrity', async () => {
    const objectId = mk.dir.query<{ object_id: string }>(
      'SELECT p.object_id FROM parts p JOIN recordings r ON r.id = p.recording_id WHERE r.identifier = ? AND r.version = ? AND p.seq = 0',
      PL_REC.identifier,
      PL_REC.version,
    )[0]!.object_id;
    const file = mk.dir.objectFiles().find((f) => path.basename(f) === objectId)!;
    const size = fs.statSync(file).size;
    // Far from the first and last 64 KiB chunks, which the check before playback reads.
    expect(size).toBeGreaterThan(6 * 65536);
    const fd = fs.openSync(file, 'r+');
    const at = Math.floor(size / 2);
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, at);
    b[0] = b[0]! ^ 0x5a;
    fs.writeSync(fd, b, 0, 1, at);
    fs.closeSync(fd);

    const view = await openSession(mk.session, PL_CASE, [PL_REC]);
    expect(view.screen).toBe('viewing'); // the edges still verify: the flip is caught while playing
    const sessionId = view.sessionId;
    const headers = { [MEDIA_CAPABILITY_HEADER]: view.media!.capability };
    const rec = `/media/${recordingSegment(PL_REC.identifier, PL_REC.version)}/`;
    const playlist = await (await mk.request(`${rec}playlist.m3u8`, { headers })).text();
    const segments = [...playlist.matchAll(/^parts\/0\/(\d+)\.m4s$/gm)].map((m) => m[0]);
    expect(segments.length).toBeGreaterThan(3);

    let refused: Response | null = null;
    let served = 0;
    for (const s of segments) {
      const r = await mk.request(rec + s, { headers });
      if (r.status !== 200) {
        refused = r;
        break;
      }
      served++;
    }
    expect(refused).not.toBeNull();
    expect(served).toBeGreaterThan(0);
    expect(served).toBeLessThan(segments.length);
    expect(refused!.status).toBe(502);
    expect(refused!.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await refused!.json()) as { title: string; detail: string };
    expect(body.title).toBe('integrity check failed');
    expect(body.detail).toContain(PL_REC.identifier);

    const events = mk.dir.query<{ subject: string; context: string; reason: string }>('SELECT subject, context, reason FROM integrity_events');
    expect(events).toContainEqual(expect.objectContaining({ subject: `recording ${PL_REC.identifier} v0`, context: 'during-playback' }));

    const after = mk.session.getSnapshot();
    expect(after.screen).toBe('ended');
    expect(after.ended?.reason).toBe('integrity');
    expect(after.ended?.problem).toContain(PL_REC.identifier);
    expect(after.media).toBeNull();

    const log = mk.dir.query<{ entry: string }>('SELECT entry FROM viewing_log ORDER BY seq').map((r) => JSON.parse(r.entry) as LogEntry);
    const verdict = log.find((e) => e.type === 'integrity.verdict' && e.data.phase === 'during-playback');
    expect(verdict?.data).toMatchObject({ sessionId, identifier: PL_REC.identifier, version: 0, ok: false });
    const closed = log.find((e) => e.type === 'session.closed' && e.data.sessionId === sessionId);
    expect(closed?.data).toMatchObject({ reason: 'integrity', language: 'pl' });
    expect(log.some((e) => e.type === 'integrity.event' && e.data.context === 'during-playback')).toBe(true);

    // The capability died with the session: nothing more is served, not even the parts that were fine.
    expect((await mk.request(`${rec}parts/0/0.m4s`, { headers })).status).toBe(403);
  });

  it('[Q-3] a catalog row altered after the session was verified (with the sqlite3 tool): the manifest is refused and the session ends for integrity', async () => {
    if (mk.session.getSnapshot().screen === 'ended') expect(mk.session.send({ type: 'summary.close' }).ok).toBe(true);
    const view = await openSession(mk.session, UA_CASE, [UA_REC]);
    mk.dir.sqlite3(`UPDATE recordings SET title = 'changed' WHERE identifier = '${UA_REC.identifier}'`);
    const r = await mk.request('/media/manifest.json', { headers: { [MEDIA_CAPABILITY_HEADER]: view.media!.capability } });
    expect(r.status).toBe(502);
    expect(((await r.json()) as { title: string }).title).toBe('integrity check failed');
    const after = mk.session.getSnapshot();
    expect(after.ended?.reason).toBe('integrity');
    expect(after.ended?.problem).toContain('catalog row changed outside the kiosk');
    const events = mk.dir.query<{ subject: string; context: string }>('SELECT subject, context FROM integrity_events');
    expect(events).toContainEqual({ subject: `recording ${UA_REC.identifier} v0`, context: 'during-playback' });
  });
});
