// scripts/make-test-media.sh: the media every other media test stands on.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, ffprobeJson, makeMedia, tempDir } from './media-fixtures';

let dir: string;
beforeAll(() => {
  dir = tempDir();
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Probe {
  format: { duration: string; tags?: Record<string, string> };
  streams: Array<{ codec_type: string; codec_name: string; profile?: string; width?: number; height?: number; r_frame_rate?: string }>;
}

describe('make-test-media.sh', () => {
  it('makes the asked-for H.264 + AAC file with a findable plaintext marker', () => {
    const marker = 'KIOSK-PLAINTEXT-MARKER-7f3a';
    const f = makeMedia(dir, 'm.mp4', ['--seconds', '2', '--size', '320x240', '--fps', '25', '--profile', 'baseline', '--faststart', '--marker', marker]);
    const bytes = fs.readFileSync(f);
    expect(bytes.includes(Buffer.from(marker, 'ascii'))).toBe(true);
    // Fast start: moov before mdat.
    expect(bytes.indexOf('moov', 0, 'latin1')).toBeLessThan(bytes.indexOf('mdat', 0, 'latin1'));
    const info = ffprobeJson(f, ['-show_entries', 'format=duration:format_tags=comment:stream=codec_type,codec_name,profile,width,height,r_frame_rate']) as Probe;
    expect(info.format.tags?.comment).toBe(marker);
    expect(Number(info.format.duration)).toBeCloseTo(2, 0);
    expect(info.streams).toEqual([
      { codec_type: 'video', codec_name: 'h264', profile: 'Constrained Baseline', width: 320, height: 240, r_frame_rate: '25/1' },
      { codec_type: 'audio', codec_name: 'aac', profile: 'LC', r_frame_rate: '0/0' },
    ]);
  });

  it('puts the moov at the end by default', () => {
    const bytes = fs.readFileSync(makeMedia(dir, 'end.mp4', ['--seconds', '1', '--size', '320x240']));
    expect(bytes.indexOf('moov', 0, 'latin1')).toBeGreaterThan(bytes.indexOf('mdat', 0, 'latin1'));
  });

  it('refuses an unknown option or a malformed size with exit code 2 and writes nothing', () => {
    for (const args of [['--bogus'], ['--size', '1280by720'], ['--codec', 'vp8']]) {
      const out = path.join(dir, 'never.mp4');
      const r = spawnSync('bash', [path.join(REPO, 'scripts', 'make-test-media.sh'), out, ...args], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(fs.existsSync(out)).toBe(false);
    }
  });
});
