// An independent HLS client reads a session's multi-part recording the way a
// court's own tools would: ffmpeg, over real HTTP on 127.0.0.1, through the
// web shell and core's one request handler, with nothing but the session's
// credentials (the shell's cookie and the media capability header). Every
// decoded frame of every part must come out: the parts' decode times continue
// across EXT-X-DISCONTINUITY, so a reader that does not rebase there (ffmpeg
// does not) neither drops late frames nor loses a part's first segment.
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebShell, type WebShell } from '../../../app/shells/web/server';
import { MEDIA_CAPABILITY_HEADER, recordingSegment } from '../../../app/shared/media-contract';
import { DEMO_CARRIER, DEMO_PACKAGES } from '../../helpers/demo';
import { sessionCookie } from '../../helpers/launch';
import { endSession, openMediaKiosk, openSession, UA_CASE, UA_REC, type MediaKiosk } from '../../helpers/media-kiosk';

let mk: MediaKiosk;
let shell: WebShell;

beforeAll(async () => {
  mk = await openMediaKiosk();
  shell = await startWebShell({ handler: mk.handler });
});

afterAll(async () => {
  await shell?.close();
  mk?.close();
});

/** Decoded video frames of `input`, counted by ffmpeg (framemd5 decodes every frame and writes one line each). */
function decodedFrames(input: string, headerLines: readonly string[] = []): Promise<{ frames: number; stderr: string }> {
  const headers = headerLines.length ? ['-headers', headerLines.map((h) => `${h}\r\n`).join('')] : [];
  // Asynchronous: the server answering ffmpeg runs in this process, so a synchronous child would starve it.
  return new Promise((resolve, reject) => {
    execFile(
      'ffmpeg',
      ['-nostdin', '-v', 'error', ...headers, '-i', input, '-map', '0:v:0', '-f', 'framemd5', '-'],
      { maxBuffer: 16 * 1024 * 1024, timeout: 120_000, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`ffmpeg ${input}: ${err.message}\n${stderr}`));
        resolve({ frames: stdout.split('\n').filter((l) => l && !l.startsWith('#')).length, stderr });
      },
    );
  });
}

function framesOfFile(file: string): number {
  const out = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file]);
  return Number(out.toString('utf8').trim());
}

describe('the served playlist of a multi-part recording', () => {
  it('[UA-2] ffmpeg -i <served playlist> with the session\'s credentials decodes every frame of the three-part demo recording', async () => {
    const partFiles = [1, 2, 3].map((n) => path.join(DEMO_CARRIER, DEMO_PACKAGES.ua, 'data', `vkz-part-${n}.mp4`));
    const perPart = partFiles.map(framesOfFile);
    expect(perPart.every((n) => n > 0)).toBe(true);

    const view = await openSession(mk.session, UA_CASE, [UA_REC]);
    const capability = view.media!.capability;
    const cookie = await sessionCookie({ origin: shell.origin, launch: shell.launch.url });
    const url = `${shell.origin}/media/${recordingSegment(UA_REC.identifier, UA_REC.version)}/playlist.m3u8`;
    try {
      const played = await decodedFrames(url, [`${MEDIA_CAPABILITY_HEADER}: ${capability}`, `Cookie: ${cookie}`]);
      expect(played.stderr).toBe('');
      expect(played.frames).toBe(perPart.reduce((a, b) => a + b, 0));
    } finally {
      endSession(mk.session);
    }
  });

  it('[UA-2] the same ffmpeg without the capability header gets nothing', async () => {
    const cookie = await sessionCookie({ origin: shell.origin, launch: shell.launch.url });
    await openSession(mk.session, UA_CASE, [UA_REC]);
    try {
      const url = `${shell.origin}/media/${recordingSegment(UA_REC.identifier, UA_REC.version)}/playlist.m3u8`;
      await expect(decodedFrames(url, [`Cookie: ${cookie}`])).rejects.toThrow(/403/);
    } finally {
      endSession(mk.session);
    }
  });
});
