import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MediaInfo, conformanceDetails, conformanceFlags, isProblem, probeMp4 } from '../../../app/core/media';
import type { Problem } from '../../../app/shared/problem';
import { fileReader, makeMedia, tempDir } from './media-fixtures';

let dir: string;
const files: Record<string, string> = {};

beforeAll(() => {
  dir = tempDir();
  files.hd = makeMedia(dir, 'hd.mp4', ['--seconds', '3', '--size', '1280x720', '--fps', '24']);
  files.hdStart = makeMedia(dir, 'hd-faststart.mp4', ['--seconds', '3', '--faststart']);
  files.small = makeMedia(dir, 'small.mp4', ['--seconds', '2', '--size', '640x480', '--fps', '15']);
  files.slow = makeMedia(dir, 'slow.mp4', ['--seconds', '2', '--size', '1280x720', '--fps', '20']);
  files.mpeg4 = makeMedia(dir, 'mpeg4.mp4', ['--seconds', '2', '--codec', 'mpeg4']);
  files.hevc = makeMedia(dir, 'hevc.mp4', ['--seconds', '1', '--codec', 'hevc', '--size', '1280x720']);
  files.audioOnly = makeMedia(dir, 'audio-only.mp4', ['--seconds', '2', '--no-video']);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function probe(file: string): Promise<MediaInfo | Problem> {
  const r = fileReader(file);
  try {
    return await probeMp4(r.read, r.size, path.basename(file));
  } finally {
    r.close();
  }
}

async function probeOk(file: string): Promise<MediaInfo> {
  const info = await probe(file);
  if (isProblem(info)) throw new Error(`unexpected problem ${info.rule}: ${info.message}`);
  return info;
}

async function probeProblem(file: string): Promise<Problem> {
  const res = await probe(file);
  if (!isProblem(res)) throw new Error(`expected a problem, got ${JSON.stringify(res)}`);
  return res;
}

describe('probeMp4', () => {
  it('[PL-4.2] [PL-4.3] reads a 1280x720 24 fps H.264 + AAC recording as conforming', async () => {
    const info = await probeOk(files.hd!);
    expect(info.brand).toBe('isom');
    expect(info.durationSec).toBeCloseTo(3, 1);
    expect(info.video).toMatchObject({ format: 'h264', width: 1280, height: 720, fps: 24 });
    expect(info.video?.codec).toMatch(/^avc1\.4d40[0-9a-f]{2}$/);
    expect(info.audio).toEqual({ codec: 'mp4a.40.2', sampleRate: 48000, channels: 2 });
    expect(conformanceFlags(info, null)).toEqual([]);
    expect(conformanceFlags(info, 3)).toEqual([]);
  });

  it('[PL-4.2] flags 640x480 at 15 fps as below the minimum', async () => {
    const info = await probeOk(files.small!);
    expect(info.video).toMatchObject({ width: 640, height: 480, fps: 15 });
    expect(conformanceFlags(info, null)).toEqual(['PL-4.2']);
    expect(conformanceDetails(info, null)[0]?.message).toBe('640x480 is below 1280x720; 15 fps is below 24');
  });

  it('[PL-4.2] flags a 1280x720 recording at 20 fps for its frame rate alone', async () => {
    const info = await probeOk(files.slow!);
    expect(info.video).toMatchObject({ width: 1280, height: 720, fps: 20 });
    expect(conformanceDetails(info, null)).toEqual([{ flag: 'PL-4.2', message: '20 fps is below 24' }]);
  });

  it('[PL-4.3] accepts MPEG-4 Part 2 video as conforming coding', async () => {
    const info = await probeOk(files.mpeg4!);
    expect(info.video).toMatchObject({ format: 'mpeg4-part2', codec: 'mp4v.20', width: 1280, height: 720, fps: 24 });
    expect(conformanceFlags(info, null)).toEqual([]);
  });

  it('[PL-4.3] flags HEVC video as non-conforming coding', async () => {
    const info = await probeOk(files.hevc!);
    expect(info.video?.format).toBe('hevc');
    expect(info.video?.codec).toMatch(/^hvc1\./);
    expect(conformanceFlags(info, null)).toEqual(['PL-4.3']);
  });

  it('reads the same facts with the moov at the start or the end, touching only box headers, ftyp and moov', async () => {
    for (const file of [files.hd!, files.hdStart!]) {
      const r = fileReader(file);
      const info = await probeMp4(r.read, r.size);
      r.close();
      expect(isProblem(info)).toBe(false);
      expect(info).toEqual(await probeOk(files.hd!));
      // The mdat is megabytes; the moov of 3 s is a few KB.
      expect(r.bytesRead()).toBeLessThan(20_000);
      expect(r.reads.length).toBeLessThanOrEqual(6);
      expect(r.bytesRead()).toBeLessThan(r.size / 20);
    }
  });

  it('flags a declared duration 3 s off the media duration, and tolerates 1.5 s', async () => {
    const info = await probeOk(files.hd!);
    expect(conformanceFlags(info, info.durationSec + 3)).toEqual(['duration-mismatch']);
    expect(conformanceFlags(info, info.durationSec - 3)).toEqual(['duration-mismatch']);
    expect(conformanceFlags(info, info.durationSec + 1.5)).toEqual([]);
  });

  it('[PL-4.2] counts 23.976 fps ("24p") as 24 but flags 23.9', () => {
    const base: MediaInfo = {
      brand: 'isom',
      durationSec: 10,
      video: { codec: 'avc1.64001f', format: 'h264', width: 1920, height: 1080, fps: 23.976 },
      audio: null,
    };
    expect(conformanceFlags(base, null)).toEqual([]);
    expect(conformanceFlags({ ...base, video: { ...base.video!, fps: 23.9 } }, null)).toEqual(['PL-4.2']);
    expect(conformanceFlags({ ...base, video: { ...base.video!, width: 1280, height: 719 } }, null)).toEqual(['PL-4.2']);
  });
});

describe('probeMp4 refuses what is not a playable MP4', () => {
  it('[Q-2] a text file renamed .mp4 → media.not-mp4 naming the file', async () => {
    const f = path.join(dir, 'notes.mp4');
    fs.writeFileSync(f, 'Protokół z czynności komorniczych\n'.repeat(40));
    const p = await probeProblem(f);
    expect(p).toMatchObject({ file: 'notes.mp4', rule: 'media.not-mp4' });
  });

  it('[Q-2] random bytes → media.not-mp4', async () => {
    const f = path.join(dir, 'random.mp4');
    fs.writeFileSync(f, crypto.randomBytes(64 * 1024));
    expect(await probeProblem(f)).toMatchObject({ file: 'random.mp4', rule: 'media.not-mp4' });
  });

  it('[Q-2] an empty file → media.not-mp4', async () => {
    const f = path.join(dir, 'empty.mp4');
    fs.writeFileSync(f, '');
    expect((await probeProblem(f)).rule).toBe('media.not-mp4');
  });

  it('[Q-2] a recording cut inside its mdat (moov at the end never written) → media.truncated', async () => {
    const f = path.join(dir, 'cut-mdat.mp4');
    const whole = fs.readFileSync(files.hd!);
    fs.writeFileSync(f, whole.subarray(0, Math.floor(whole.length / 2)));
    const p = await probeProblem(f);
    expect(p.rule).toBe('media.truncated');
    expect(p.message).toMatch(/mdat/);
  });

  it('[Q-2] a recording cut inside its moov → media.truncated', async () => {
    const f = path.join(dir, 'cut-moov.mp4');
    const whole = fs.readFileSync(files.hd!);
    fs.writeFileSync(f, whole.subarray(0, whole.length - 200));
    const p = await probeProblem(f);
    expect(p.rule).toBe('media.truncated');
    expect(p.message).toMatch(/moov/);
  });

  it('[Q-2] a fast-start recording whose samples are cut off → media.truncated', async () => {
    const f = path.join(dir, 'cut-samples.mp4');
    const whole = fs.readFileSync(files.hdStart!);
    fs.writeFileSync(f, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const p = await probeProblem(f);
    expect(p.rule).toBe('media.truncated');
    expect(p.message).toMatch(/sample \d+ lies beyond the end/);
  });

  it('[Q-2] a movie box with garbage inside → media.bad-moov', async () => {
    const f = path.join(dir, 'bad-moov.mp4');
    const whole = Buffer.from(fs.readFileSync(files.hdStart!));
    const moov = whole.indexOf('moov', 0, 'latin1') - 4;
    // Keep the moov header, overwrite its first child's header with nonsense sizes.
    whole.fill(0xff, moov + 8, moov + 16);
    fs.writeFileSync(f, whole);
    expect((await probeProblem(f)).rule).toBe('media.bad-moov');
  });

  it('[Q-2] an audio-only MP4 → media.no-video', async () => {
    const p = await probeProblem(files.audioOnly!);
    expect(p).toMatchObject({ file: 'audio-only.mp4', rule: 'media.no-video' });
  });

  it('passes an integrity failure of the reader through instead of calling it a bad file', async () => {
    const r = fileReader(files.hd!);
    const { IntegrityError } = await import('../../../app/core/errors');
    const read = async (o: number, l: number): Promise<Buffer> => {
      if (o > 0) throw new IntegrityError('chunk 3 failed authentication', 'object-x');
      return r.read(o, l);
    };
    await expect(probeMp4(read, r.size)).rejects.toBeInstanceOf(IntegrityError);
    r.close();
  });
});
