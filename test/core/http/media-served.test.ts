// Every media byte the route hands out is accounted for: per session and
// recording, the bytes and the stretch of the timeline the segments cover go
// into the viewing log (`media.served`) before the session's closing entry,
// and the viewing report shows them beside the played ranges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildViewingReports, reportDocument } from '../../../app/core/reports';
import { MEDIA_CAPABILITY_HEADER, recordingSegment } from '../../../app/shared/media-contract';
import { endSession, openMediaKiosk, openSession, PL_CASE, PL_REC, type MediaKiosk } from '../../helpers/media-kiosk';

let mk: MediaKiosk;

beforeAll(async () => {
  mk = await openMediaKiosk();
});
afterAll(() => mk?.close());

interface Entry {
  type: string;
  data: Record<string, unknown>;
}

describe('served media in the viewing log and the report', () => {
  it('[DC-6] [PL-8.1] the bytes and timeline the route served are logged per session before it closes, and the report shows served beside played', async () => {
    const view = await openSession(mk.session, PL_CASE, [PL_REC]);
    const sessionId = view.sessionId!;
    const headers = { [MEDIA_CAPABILITY_HEADER]: view.media!.capability };
    const rec = `/media/${recordingSegment(PL_REC.identifier, PL_REC.version)}/`;
    let bytes = 0;
    /** A request as the player makes it; counts the body bytes it received. */
    const get = async (p: string, extra: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: Buffer }> => {
      const r = await mk.request(rec + p, { method, headers: { ...headers, ...extra } });
      const body = Buffer.from(await r.arrayBuffer());
      bytes += body.length;
      return { status: r.status, body };
    };

    const playlist = (await get('playlist.m3u8')).body.toString('utf8');
    const durations = [...playlist.matchAll(/#EXTINF:([0-9.]+),/g)].map((m) => Number(m[1]));
    expect(durations.length).toBeGreaterThan(4);
    await get('parts/0/init.mp4');
    for (const i of [0, 1, 2]) expect((await get(`parts/0/${i}.m4s`)).status).toBe(200);
    expect((await get('parts/0/3.m4s', { range: 'bytes=0-99' })).status).toBe(206);
    expect((await get('captions/1.vtt')).status).toBe(200);
    // Neither a HEAD nor an unsatisfiable range hands out a byte, and neither counts.
    expect((await get('parts/0/4.m4s', {}, 'HEAD')).status).toBe(200);
    expect((await get('parts/0/4.m4s', { range: 'bytes=999999999-' })).status).toBe(416);
    // Nor does a request without the capability.
    expect((await mk.request(`${rec}parts/0/4.m4s`)).status).toBe(403);

    // The viewer plays 0–5 s (the player's reports), then ends.
    expect(mk.session.send({ type: 'viewer.play', mediaTime: 0 }).ok).toBe(true);
    for (const t of [1, 2, 3, 4, 5]) expect(mk.session.send({ type: 'media.progress', mediaTime: t }).ok).toBe(true);
    endSession(mk.session);

    const log = mk.kiosk.log.entries(0, mk.kiosk.log.size) as Entry[];
    const mine = log.filter((e) => e.data.sessionId === sessionId);
    const served = mine.filter((e) => e.type === 'media.served');
    expect(served.length).toBeGreaterThan(0);
    const last = served.at(-1)!.data;
    const end = durations.slice(0, 4).reduce((a, b) => a + b, 0);
    expect(last).toMatchObject({ identifier: PL_REC.identifier, version: PL_REC.version, bytes, requests: 7 });
    expect((last.ranges as number[][]).length).toBe(1);
    expect((last.ranges as number[][])[0]![0]).toBe(0);
    expect((last.ranges as number[][])[0]![1]).toBeCloseTo(end, 2);
    expect(last.seconds as number).toBeCloseTo(end, 2);
    // Written before the closing entry.
    const types = mine.map((e) => e.type);
    expect(types.lastIndexOf('media.served')).toBeLessThan(types.indexOf('session.closed'));

    const report = buildViewingReports(mk.kiosk, { caseSignature: PL_CASE }).find((r) => r.session.id === sessionId)!;
    const r = report.recordings.find((x) => x.identifier === PL_REC.identifier)!;
    expect(r.played.ranges).toEqual([[0, 5]]);
    expect(r.served.bytes).toBe(bytes);
    expect(r.served.ranges[0]![1]).toBeCloseTo(end, 2);
    expect(r.served.seconds).toBeGreaterThanOrEqual(r.played.seconds);
    const doc = reportDocument(report, 'en');
    // Played and served in tables of their own, so neither column of ranges wraps in the PDF.
    const table = doc.sections.find((s) => s.kind === 'table' && s.title === 'What was played');
    expect(table?.kind === 'table' && table.columns).toEqual(['Recording', 'Parts played (mm:ss–mm:ss)', 'Total played (s)']);
    const servedTable = doc.sections.find((s) => s.kind === 'table' && s.columns.includes('Bytes served'));
    expect(servedTable?.kind === 'table' && servedTable.columns).toEqual(['Recording', 'Parts served to the player (mm:ss–mm:ss)', 'Total served (s)', 'Bytes served']);
    const row = table?.kind === 'table' ? table.rows[0] : undefined;
    const servedRow = servedTable?.kind === 'table' ? servedTable.rows[0] : undefined;
    expect(row?.[1]).toBe('00:00–00:05');
    expect(servedRow?.[1]).toMatch(/^00:00–00:\d\d$/);
    expect(servedRow?.[3]).toBe(String(bytes));
    const entries = doc.sections.find((s) => s.kind === 'table' && s.title === 'Viewing log entries of this session');
    expect(entries?.kind === 'table' && entries.rows.some((x) => x[2] === 'media served to the player' && x[3]!.includes(`${bytes} B`))).toBe(true);
  });
});
