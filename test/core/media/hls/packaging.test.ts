import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntegrityError } from '../../../../app/core/errors';
import { type MediaIndex, indexMp4, isProblem, mediaSegment, TARGET_SEGMENT_SEC } from '../../../../app/core/media';
import { decodeTracks } from '../../../../app/core/media/hls/media-index';
import { type PackagedPart, ffprobeJson, fileReader, makeMedia, packageToDir, tempDir } from '../media-fixtures';

let dir: string;
let main20: string; // 20 s, 1280x720, 24 fps, H.264 main (B-frames) + AAC, moov at the end
let second8: string; // 8 s, same coding, moov at the start (ffmpeg's HLS reader keeps the first part's SPS/PPS)
let single: { parts: PackagedPart[]; out: string };
let double: { parts: PackagedPart[]; out: string; partStarts: number[] };

beforeAll(async () => {
  dir = tempDir();
  main20 = makeMedia(dir, 'main20.mp4', ['--seconds', '20', '--size', '1280x720', '--fps', '24', '--moov-at-end']);
  second8 = makeMedia(dir, 'second8.mp4', ['--seconds', '8', '--faststart']);
  const out1 = path.join(dir, 'hls-single');
  single = { ...(await packageToDir(out1, [main20])), out: out1 };
  const out2 = path.join(dir, 'hls-double');
  const d = await packageToDir(out2, [main20, second8]);
  double = { parts: d.parts, out: out2, partStarts: d.playlist.parts.map((p) => p.startSec) };
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Packet {
  stream_index: number;
  pts?: number;
  dts?: number;
  size: string;
  pos: string;
  flags: string;
}

function packets(file: string): Packet[] {
  return (ffprobeJson(file, ['-show_entries', 'packet=stream_index,pts,dts,size,pos,flags']) as { packets: Packet[] }).packets;
}

/** Per-packet MD5 of one stream, copied without decoding: identical bytes in, identical lines out. */
function packetHashes(target: string, stream: 'v' | 'a'): string[] {
  const out = execFileSync('ffmpeg', ['-v', 'error', '-i', target, '-map', `0:${stream}`, '-c', 'copy', '-f', 'framemd5', '-'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return out
    .toString('utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    // stream, dts, pts, duration, size, hash[, side data…]: the source's first AAC packet carries skip-samples side data.
    .map((l) => l.split(',')[5]!.trim());
}

function decodeErrors(target: string): string {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', target, '-f', 'null', '-'], { encoding: 'utf8' });
  return `${r.status === 0 ? '' : `exit ${r.status}\n`}${r.stderr}`;
}

interface ProbeOut {
  format: { duration: string };
  streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number; nb_read_frames?: string; nb_read_packets?: string }>;
}

describe('indexMp4', () => {
  it('records every sample exactly where ffprobe finds it: offset, size, keyframe, decode time', () => {
    const index = single.parts[0]!.index;
    const decoded = decodeTracks(index);
    const all = packets(main20);
    index.tracks.forEach((t, k) => {
      const mine = all.filter((p) => p.stream_index === k);
      expect(t.kind).toBe(k === 0 ? 'video' : 'audio');
      expect(t.sampleCount).toBe(mine.length);
      const d = decoded[k]!;
      let dts = 0;
      mine.forEach((p, i) => {
        // ffprobe shifts by the edit list; differences from the first packet are the track's own decode times.
        expect(dts).toBe(p.dts! - mine[0]!.dts!);
        dts += d.durations[i]!;
        expect(d.offsets[i]).toBe(Number(p.pos));
        expect(d.sizes[i]).toBe(Number(p.size));
        expect(Boolean(!d.sync || d.sync[i])).toBe(p.flags.startsWith('K'));
      });
    });
  });

  it('cuts segments at video keyframes about every 4 s, covering every sample once', () => {
    const index = single.parts[0]!.index;
    const decoded = decodeTracks(index);
    expect(index.segments.map((s) => s.durationSec)).toEqual([4, 4, 4, 4, 4]);
    expect(index.durationSec).toBe(20);
    const next = index.tracks.map(() => 0);
    for (const seg of index.segments) {
      expect(seg.durationSec).toBeGreaterThanOrEqual(index === single.parts[0]!.index ? TARGET_SEGMENT_SEC : 0);
      seg.tracks.forEach((r, k) => {
        expect(r.first).toBe(next[k]);
        next[k]! += r.count;
      });
      const v = seg.tracks[0]!;
      expect(decoded[0]!.sync === null || decoded[0]!.sync[v.first] === 1).toBe(true);
    }
    expect(next).toEqual(index.tracks.map((t) => t.sampleCount));
  });

  it('keeps the index of a 720p recording under 300 bytes per second of media (measured ~220 B/s with B-frames)', () => {
    const { index } = single.parts[0]!;
    const bytes = JSON.stringify(index).length;
    expect(bytes / index.durationSec).toBeLessThan(300);
  });

  it('reads only the box headers, ftyp and moov to build the index', () => {
    const { indexBytesRead } = single.parts[0]!;
    const size = fs.statSync(main20).size;
    expect(indexBytesRead).toBeLessThan(64 * 1024);
    expect(indexBytesRead).toBeLessThan(size / 100);
  });

  it('refuses to package MPEG-4 Part 2, which Chromium cannot play, as media.unsupported-codec', async () => {
    const f = makeMedia(dir, 'mpeg4.mp4', ['--seconds', '1', '--codec', 'mpeg4']);
    const r = fileReader(f);
    const res = await indexMp4(r.read, r.size, 'mpeg4.mp4');
    r.close();
    expect(isProblem(res) && res.rule).toBe('media.unsupported-codec');
  });
});

describe('HLS packaging', () => {
  it('[DC-5] packages a 20 s H.264 + AAC recording that ffmpeg plays without error, same duration, same packets', () => {
    const pl = path.join(single.out, 'playlist.m3u8');
    expect(decodeErrors(pl)).toBe('');
    const info = ffprobeJson(pl, ['-count_frames', '-show_entries', 'format=duration:stream=codec_type,codec_name,width,height,nb_read_frames']) as ProbeOut;
    expect(Number(info.format.duration)).toBeCloseTo(20, 0);
    const video = info.streams.find((s) => s.codec_type === 'video');
    const audio = info.streams.find((s) => s.codec_type === 'audio');
    expect(video).toMatchObject({ codec_name: 'h264', width: 1280, height: 720, nb_read_frames: '480' });
    expect(audio).toMatchObject({ codec_name: 'aac' });
    // Bit-identical elementary streams: nothing re-encoded, nothing lost or reordered.
    expect(packetHashes(pl, 'v')).toEqual(packetHashes(main20, 'v'));
    expect(packetHashes(pl, 'a')).toEqual(packetHashes(main20, 'a'));
  });

  it('[UA-2] [DC-5] packages two parts as one timeline that ffmpeg plays through, duration the sum', () => {
    const pl = path.join(double.out, 'playlist.m3u8');
    const text = fs.readFileSync(pl, 'utf8');
    expect(text.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(1);
    expect(text.match(/#EXT-X-MAP:URI="p\d\/init\.mp4"/g)).toEqual(['#EXT-X-MAP:URI="p0/init.mp4"', '#EXT-X-MAP:URI="p1/init.mp4"']);
    expect(double.partStarts).toEqual([0, 20]);
    expect(decodeErrors(pl)).toBe('');
    // Decoded frames, not only packets: the second part's decode times continue from the first's
    // end, so ffmpeg's HLS reader (which does not rebase at a discontinuity) drops nothing there.
    const info = ffprobeJson(pl, ['-count_frames', '-count_packets', '-show_entries', 'format=duration:stream=codec_type,nb_read_packets,nb_read_frames']) as ProbeOut;
    expect(Number(info.format.duration)).toBeCloseTo(28, 0);
    expect(info.streams.find((s) => s.codec_type === 'video')).toMatchObject({ nb_read_packets: String(480 + 192), nb_read_frames: String(480 + 192) });
    expect(info.streams.some((s) => s.codec_type === 'audio')).toBe(true);
    expect(packetHashes(pl, 'v')).toEqual([...packetHashes(main20, 'v'), ...packetHashes(second8, 'v')]);
  });

  it('reads only its own samples for a segment, in one read where the file allows', async () => {
    const index: MediaIndex = single.parts[0]!.index;
    const decoded = decodeTracks(index);
    const r = fileReader(main20);
    try {
      for (let i = 0; i < index.segments.length; i++) {
        r.reads.length = 0;
        const seg = await mediaSegment(index, i, r.read);
        let lo = Infinity;
        let hi = 0;
        let payload = 0;
        index.segments[i]!.tracks.forEach((t, k) => {
          for (let s = t.first; s < t.first + t.count; s++) {
            lo = Math.min(lo, decoded[k]!.offsets[s]!);
            hi = Math.max(hi, decoded[k]!.offsets[s]! + decoded[k]!.sizes[s]!);
            payload += decoded[k]!.sizes[s]!;
          }
        });
        expect(r.reads.length).toBe(1);
        for (const [o, l] of r.reads) {
          expect(o).toBeGreaterThanOrEqual(lo);
          expect(o + l).toBeLessThanOrEqual(hi);
        }
        expect(r.bytesRead()).toBeLessThan(payload + 256 * 1024);
        // moof + mdat header + exactly the samples.
        expect(seg.readUInt32BE(seg.readUInt32BE(0))).toBe(8 + payload);
      }
    } finally {
      r.close();
    }
  });

  it('[DC-4] stops a segment with IntegrityError when a sample chunk fails verification', async () => {
    // A verifying reader over 64 KiB chunks hashed at "import"; one byte of the copy is then flipped.
    const chunk = 64 * 1024;
    const original = fs.readFileSync(main20);
    const hashes: string[] = [];
    for (let o = 0; o < original.length; o += chunk) hashes.push(crypto.createHash('sha256').update(original.subarray(o, o + chunk)).digest('hex'));
    const tampered = Buffer.from(original);
    const index = single.parts[0]!.index;
    const target = decodeTracks(index)[0]!.offsets[index.segments[2]!.tracks[0]!.first + 3]!;
    tampered.writeUInt8(tampered.readUInt8(target + 10) ^ 0x01, target + 10);
    const read = async (offset: number, length: number): Promise<Buffer> => {
      for (let c = Math.floor(offset / chunk); c * chunk < offset + length; c++) {
        const h = crypto.createHash('sha256').update(tampered.subarray(c * chunk, (c + 1) * chunk)).digest('hex');
        if (h !== hashes[c]) throw new IntegrityError(`chunk ${c} failed verification`, 'main20');
      }
      return tampered.subarray(offset, offset + length);
    };
    await expect(mediaSegment(index, 1, read)).resolves.toBeInstanceOf(Buffer);
    await expect(mediaSegment(index, 2, read)).rejects.toBeInstanceOf(IntegrityError);
  });

  it('refuses a segment number outside the index', async () => {
    const r = fileReader(main20);
    const index = single.parts[0]!.index;
    await expect(mediaSegment(index, index.segments.length, r.read)).rejects.toMatchObject({ code: 'not-found' });
    await expect(mediaSegment(index, -1, r.read)).rejects.toMatchObject({ code: 'not-found' });
    expect(r.reads).toEqual([]);
    r.close();
  });
});
