// Real media for media tests: made by scripts/make-test-media.sh (ffmpeg) in a
// temp dir, read back through a plain file reader that records what was read.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type MediaIndex,
  type Playlist,
  type ReadFn,
  INIT_SEGMENT_NAME,
  indexMp4,
  initSegment,
  isProblem,
  mediaSegment,
  mediaSegmentName,
  playlist,
} from '../../../app/core/media';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCRIPT = path.join(REPO, 'scripts', 'make-test-media.sh');

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-'));
}

/** Runs make-test-media.sh; returns the output path. */
export function makeMedia(dir: string, name: string, args: readonly string[] = []): string {
  const out = path.join(dir, name);
  execFileSync('bash', [SCRIPT, out, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  return out;
}

export interface RecordingReader {
  readonly read: ReadFn;
  readonly size: number;
  /** Every (offset, length) asked for, in order. */
  readonly reads: Array<[number, number]>;
  bytesRead(): number;
  close(): void;
}

export function fileReader(file: string): RecordingReader {
  const fd = fs.openSync(file, 'r');
  const size = fs.fstatSync(fd).size;
  const reads: Array<[number, number]> = [];
  return {
    size,
    reads,
    read: async (offset, length) => {
      reads.push([offset, length]);
      const buf = Buffer.alloc(length);
      const n = fs.readSync(fd, buf, 0, length, offset);
      return buf.subarray(0, n);
    },
    bytesRead: () => reads.reduce((s, [, l]) => s + l, 0),
    close: () => fs.closeSync(fd),
  };
}

/** ffprobe JSON for a file or playlist. */
export function ffprobeJson(target: string, args: readonly string[]): unknown {
  const out = execFileSync('ffprobe', ['-v', 'error', '-of', 'json', ...args, target], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out.toString('utf8')) as unknown;
}

export interface PackagedPart {
  readonly file: string;
  readonly index: MediaIndex;
  /** Bytes `read` was asked for while indexing. */
  readonly indexBytesRead: number;
}

/**
 * Indexes each recording, writes its init and media segments under `out/p<n>/`
 * (exactly what a server would send) and `out/playlist.m3u8`.
 */
export async function packageToDir(out: string, files: readonly string[]): Promise<{ parts: PackagedPart[]; playlist: Playlist }> {
  const parts: PackagedPart[] = [];
  // Where each part starts on the one timeline, as the media route takes it from the playlist.
  let startSec = 0;
  for (const [n, file] of files.entries()) {
    const r = fileReader(file);
    try {
      const built = await indexMp4(r.read, r.size, path.basename(file));
      if (isProblem(built)) throw new Error(`${built.rule}: ${built.message}`);
      const indexBytesRead = r.bytesRead();
      // What the catalog would store and hand back: only JSON survives.
      const index = JSON.parse(JSON.stringify(built)) as MediaIndex;
      const partDir = path.join(out, `p${n}`);
      fs.mkdirSync(partDir, { recursive: true });
      fs.writeFileSync(path.join(partDir, INIT_SEGMENT_NAME), initSegment(index));
      for (let i = 0; i < index.segments.length; i++) {
        fs.writeFileSync(path.join(partDir, mediaSegmentName(i)), await mediaSegment(index, i, r.read, path.basename(file), startSec));
      }
      parts.push({ file, index, indexBytesRead });
      startSec += index.segments.reduce((s, g) => s + g.durationSec, 0);
    } finally {
      r.close();
    }
  }
  const pl = playlist(parts.map((p, n) => ({ index: p.index, uriPrefix: `p${n}/` })));
  fs.writeFileSync(path.join(out, 'playlist.m3u8'), pl.m3u8);
  return { parts, playlist: pl };
}
