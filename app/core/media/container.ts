// Finds ftyp and moov by walking the top-level boxes (reading only their
// headers, so mdat is skipped whatever its size and wherever moov sits), then
// lets mp4box parse just those two boxes.
import { createFile, type ISOFile, type MP4BoxBuffer } from 'mp4box';
import { KioskError } from '../errors';
import { type Problem, problem } from '../../shared/problem';
import { type ReadFn, readExact } from './read';

/** moov of a 1-hour 720p recording is ~3 MB; anything this big is not a recording we can play. */
export const MAX_MOOV_BYTES = 64 * 1024 * 1024;
/** A recording has a handful of top-level boxes; a long walk means we are not reading an MP4. */
const MAX_TOP_LEVEL_BOXES = 10_000;

export interface TopLevelBox {
  readonly type: string;
  readonly offset: number;
  readonly size: number;
}

export interface LoadedMovie {
  readonly file: ISOFile;
  /** The ftyp and moov bytes exactly as stored, concatenated; mp4box box `start`s index into it. */
  readonly header: Buffer;
  readonly ftyp: TopLevelBox;
  readonly moov: TopLevelBox;
}

/** Rule ids of the Problems media code returns (Q-2): stable, UIs translate by them. */
export const MEDIA_RULES = [
  'media.not-mp4', // not an ISO BMFF file at all (text, random bytes, other container)
  'media.truncated', // a box or sample extends past the end of the file
  'media.no-moov', // no movie box: recording never finalised
  'media.bad-moov', // the movie box cannot be parsed or lacks required parts
  'media.fragmented', // already fragmented MP4: not a recording format we accept
  'media.moov-too-large',
  'media.no-video', // no video track with samples
  'media.unsupported-codec', // indexMp4 only: video other than H.264 cannot be played through MSE
  'media.unsupported-layout', // indexMp4 only: samples overlap or are out of file order
] as const;
export type MediaRule = (typeof MEDIA_RULES)[number];

/** Thrown inside media code and turned into a returned Problem at the module's face. */
export class MediaInputError extends KioskError {
  constructor(readonly problem: Problem) {
    super('invalid-input', `${problem.file}: ${problem.rule}: ${problem.message}`, [problem]);
  }
}

export function mediaProblem(file: string, rule: MediaRule, message: string): MediaInputError {
  return new MediaInputError(problem(file, rule, message));
}

/** Runs `f`; a problem in the input becomes a value, anything else (IntegrityError from the reader, I/O) propagates. */
export async function problemAsValue<T>(f: () => Promise<T>): Promise<T | Problem> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof MediaInputError) return e.problem;
    throw e;
  }
}

/** mp4box does not export its box classes' types by name. */
export type TrakBox = ISOFile['moov']['traks'][number];

const FOURCC = /^[\x20-\x7e]{4}$/;

/** Top-level boxes up to and including moov (or to the end); stops at the first malformed header. */
export async function walkTopLevel(read: ReadFn, size: number, file: string): Promise<TopLevelBox[]> {
  const boxes: TopLevelBox[] = [];
  let offset = 0;
  while (offset < size) {
    if (boxes.length >= MAX_TOP_LEVEL_BOXES) {
      throw mediaProblem(file, 'media.not-mp4', `more than ${MAX_TOP_LEVEL_BOXES} top-level boxes`);
    }
    if (size - offset < 8) {
      throw mediaProblem(file, 'media.truncated', `${size - offset} stray bytes at offset ${offset}, too few for a box header`);
    }
    const head = await readExact(read, offset, Math.min(16, size - offset), file);
    const type = head.toString('latin1', 4, 8);
    if (!FOURCC.test(type) || (boxes.length === 0 && type !== 'ftyp')) {
      throw mediaProblem(file, 'media.not-mp4', boxes.length === 0 ? 'the file does not start with an ftyp box' : `unreadable box header at offset ${offset}`);
    }
    let boxSize = head.readUInt32BE(0);
    let headerSize = 8;
    if (boxSize === 1) {
      if (head.length < 16) throw mediaProblem(file, 'media.truncated', `box '${type}' at offset ${offset} is cut short`);
      boxSize = Number(head.readBigUInt64BE(8));
      headerSize = 16;
    } else if (boxSize === 0) {
      boxSize = size - offset;
    }
    if (boxSize < headerSize) {
      throw mediaProblem(file, 'media.not-mp4', `box '${type}' at offset ${offset} declares an impossible size ${boxSize}`);
    }
    if (offset + boxSize > size) {
      throw mediaProblem(file, 'media.truncated', `box '${type}' at offset ${offset} needs ${boxSize} bytes but the file ends after ${size - offset}`);
    }
    boxes.push({ type, offset, size: boxSize });
    if (type === 'moov') break;
    offset += boxSize;
  }
  return boxes;
}

/** Reads ftyp + moov only and parses them with mp4box; checks the result is an unfragmented movie whose samples lie inside the file. */
export async function loadMovie(read: ReadFn, size: number, file: string): Promise<LoadedMovie> {
  if (!Number.isSafeInteger(size) || size <= 0) throw mediaProblem(file, 'media.not-mp4', 'the file is empty');
  const boxes = await walkTopLevel(read, size, file);
  const ftyp = boxes.find((b) => b.type === 'ftyp');
  const moov = boxes.find((b) => b.type === 'moov');
  if (!ftyp) throw mediaProblem(file, 'media.not-mp4', 'no ftyp box');
  if (!moov) {
    const rule = boxes.some((b) => b.type === 'moof') ? 'media.fragmented' : 'media.no-moov';
    throw mediaProblem(file, rule, 'no movie box (moov): the recording was not finalised or is cut short');
  }
  if (moov.size > MAX_MOOV_BYTES || ftyp.size > 1024 * 1024) {
    throw mediaProblem(file, 'media.moov-too-large', `movie box of ${moov.size} bytes exceeds ${MAX_MOOV_BYTES}`);
  }
  const header = Buffer.concat([
    await readExact(read, ftyp.offset, ftyp.size, file),
    await readExact(read, moov.offset, moov.size, file),
  ]);

  const iso = createFile();
  const errors: string[] = [];
  iso.onError = (module: string, message: string) => {
    errors.push(`${module}: ${message}`);
  };
  const ab = header.buffer.slice(header.byteOffset, header.byteOffset + header.byteLength) as MP4BoxBuffer;
  ab.fileStart = 0;
  try {
    iso.appendBuffer(ab, true);
    iso.flush();
  } catch (e) {
    throw mediaProblem(file, 'media.bad-moov', `the movie box cannot be parsed (${e instanceof Error ? e.message : String(e)})`);
  }
  // mp4box reports some box errors only through the flag below rather than throwing.
  if (!iso.moov || errors.length > 0) {
    throw mediaProblem(file, 'media.bad-moov', `the movie box cannot be parsed${errors[0] ? ` (${errors[0]})` : ''}`);
  }
  // mp4box skips children it cannot parse; a moov without its header or tracks is one of those.
  if (!iso.moov.mvhd || !(iso.moov.mvhd.timescale > 0) || !iso.moov.traks?.length) {
    throw mediaProblem(file, 'media.bad-moov', 'the movie box lacks its header or any track');
  }
  if (iso.moov.mvex) {
    throw mediaProblem(file, 'media.fragmented', 'fragmented MP4 is not an accepted recording format');
  }
  for (const trak of iso.moov.traks) checkTrack(trak, size, file);
  return { file: iso, header, ftyp, moov };
}

function checkTrack(trak: TrakBox, size: number, file: string): void {
  const id = trak.tkhd?.track_id ?? '?';
  const mdhd = trak.mdia?.mdhd;
  if (!mdhd || !(mdhd.timescale > 0) || !trak.mdia.minf?.stbl?.stsd) {
    throw mediaProblem(file, 'media.bad-moov', `track ${id} lacks a media header, timescale or sample description`);
  }
  for (const s of trak.samples ?? []) {
    if (!(s.offset >= 0) || s.offset + s.size > size) {
      throw mediaProblem(file, 'media.truncated', `track ${id} sample ${s.number + 1} lies beyond the end of the file`);
    }
  }
}

export function handlerOf(trak: TrakBox): string {
  return trak.mdia?.hdlr?.handler ?? '';
}
