// Real media for media tests: made by scripts/make-test-media.sh (ffmpeg) in a
// temp dir, read back through a plain file reader that records what was read.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReadFn } from '../../../app/core/media';

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
