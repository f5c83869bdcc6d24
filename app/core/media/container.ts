// Finds ftyp and moov by walking the top-level boxes (reading only their
// headers, so mdat is skipped whatever its size and wherever moov sits), then
// reads the movie box through our own bounded walk (moov.ts): every count is
// checked against its box and MEDIA_LIMITS before anything is allocated.
// mp4box sees only the sample descriptions, on a worker with a heap and time
// budget (sample-entries.ts).
import { MEDIA_LIMITS, type MediaLimits } from './limits';
import { type TrackBoxes, readMovieBoxes } from './moov';
import { mediaProblem } from './problems';
import { type ReadFn, readExact } from './read';
import { type SampleArrays, forEachSample, sampleArrays } from './sample-tables';
import { type SampleDescription, describeSampleEntries } from './sample-entries';

export interface TopLevelBox {
  readonly type: string;
  readonly offset: number;
  readonly size: number;
  /** Its header said size 0: it extends to the end of the file. */
  readonly sizeZero?: boolean;
}

export interface Track extends TrackBoxes {
  /** The entries of stsd, as mp4box reads them. */
  readonly descriptions: readonly SampleDescription[];
  /** Sum of the sample durations, in the track's timescale (the last one lasts to the media duration). */
  readonly durationUnits: number;
}

export interface LoadedMovie {
  /** The ftyp and moov bytes exactly as stored, concatenated; box offsets index into it. */
  readonly header: Buffer;
  readonly ftyp: TopLevelBox;
  readonly moov: TopLevelBox;
  /** Major brand of ftyp, e.g. `isom`. */
  readonly brand: string;
  /** mvhd timescale and duration. */
  readonly timescale: number;
  readonly duration: number;
  readonly tracks: readonly Track[];
  readonly file: string;
}

const FOURCC = /^[\x20-\x7e]{4}$/;

/** Top-level boxes up to and including moov (or to the end); stops at the first malformed header. */
export async function walkTopLevel(read: ReadFn, size: number, file: string, limits: MediaLimits = MEDIA_LIMITS): Promise<TopLevelBox[]> {
  const boxes: TopLevelBox[] = [];
  let offset = 0;
  while (offset < size) {
    if (boxes.length >= limits.topLevelBoxes) {
      throw mediaProblem(file, 'media.not-mp4', `more than ${limits.topLevelBoxes} top-level boxes (limit topLevelBoxes)`);
    }
    if (size - offset < 8) {
      throw mediaProblem(file, 'media.truncated', `${size - offset} stray bytes at offset ${offset}, too few for a box header`);
    }
    const head = await readExact(read, offset, Math.min(16, size - offset), file);
    const type = head.toString('latin1', 4, 8);
    if (!FOURCC.test(type) || (boxes.length === 0 && type !== 'ftyp')) {
      throw mediaProblem(file, 'media.not-mp4', boxes.length === 0 ? 'the file does not start with an ftyp box' : `unreadable box header at offset ${offset}`);
    }
    const size32 = head.readUInt32BE(0);
    let boxSize = size32;
    let headerSize = 8;
    if (boxSize === 1) {
      if (head.length < 16) throw mediaProblem(file, 'media.truncated', `box '${type}' at offset ${offset} is cut short`);
      const large = head.readBigUInt64BE(8);
      // Compared before converting, so a size past 2^53 is reported exactly.
      if (large > BigInt(size - offset)) {
        throw mediaProblem(file, 'media.truncated', `box '${type}' at offset ${offset} needs ${large} bytes but the file ends after ${size - offset}`);
      }
      boxSize = Number(large);
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
    boxes.push(size32 === 0 ? { type, offset, size: boxSize, sizeZero: true } : { type, offset, size: boxSize });
    if (type === 'moov') break;
    offset += boxSize;
  }
  return boxes;
}

/**
 * Reads ftyp + moov only and checks the movie box through the bounded walk: an unfragmented movie
 * whose tables agree and whose samples lie inside the file. `limits` defaults to MEDIA_LIMITS.
 */
export async function loadMovie(read: ReadFn, size: number, file: string, limits: MediaLimits = MEDIA_LIMITS): Promise<LoadedMovie> {
  if (!Number.isSafeInteger(size) || size <= 0) throw mediaProblem(file, 'media.not-mp4', 'the file is empty');
  const boxes = await walkTopLevel(read, size, file, limits);
  const ftyp = boxes.find((b) => b.type === 'ftyp');
  const moov = boxes.find((b) => b.type === 'moov');
  if (!ftyp) throw mediaProblem(file, 'media.not-mp4', 'no ftyp box');
  if (!moov) {
    const rule = boxes.some((b) => b.type === 'moof') ? 'media.fragmented' : 'media.no-moov';
    const last = boxes.at(-1)!;
    // A size of 0 means "to the end of the file"; in the middle of a file it swallows what follows.
    const why = last.sizeZero
      ? `box '${last.type}' at offset ${last.offset} has size 0, so it runs to the end of the file and nothing after it is read`
      : 'the recording was not finalised or is cut short';
    throw mediaProblem(file, rule, `no movie box (moov): ${why}`);
  }
  if (moov.size > limits.moovBytes || ftyp.size > limits.ftypBytes) {
    throw mediaProblem(
      file,
      'media.moov-too-large',
      moov.size > limits.moovBytes ? `movie box of ${moov.size} bytes exceeds ${limits.moovBytes} (limit moovBytes)` : `ftyp box of ${ftyp.size} bytes exceeds ${limits.ftypBytes} (limit ftypBytes)`,
    );
  }
  const header = Buffer.concat([
    await readExact(read, ftyp.offset, ftyp.size, file),
    await readExact(read, moov.offset, moov.size, file),
  ]);
  const movie = readMovieBoxes(header, ftyp.size, header.length, file, limits, moov.offset);
  const durations = movie.tracks.map((t) => checkSamples(header, t, size, file));
  const descriptions = await describeSampleEntries(
    movie.tracks.map((t) => ({ bytes: header.subarray(t.stsd.start, t.stsd.end), path: t.stsd.path })),
    file,
    limits,
  );
  return {
    header,
    ftyp,
    moov,
    brand: ftyp.size >= 12 ? header.toString('latin1', 8, 12) : '',
    timescale: movie.timescale,
    duration: movie.duration,
    tracks: movie.tracks.map((t, k) => ({ ...t, descriptions: descriptions[k]!, durationUnits: durations[k]! })),
    file,
  };
}

/** One pass over a track's tables: every sample inside the file; returns the sum of durations. */
function checkSamples(header: Buffer, t: TrackBoxes, size: number, file: string): number {
  let total = 0;
  if (!t.tables) return 0;
  forEachSample(header, t.tables, t.mediaDuration, file, (i, offset, bytes, _dts, duration) => {
    if (offset + bytes > size) throw mediaProblem(file, 'media.truncated', `track ${t.id} sample ${i + 1} lies beyond the end of the file`);
    total += duration;
  });
  return total;
}

/** Per-sample columns of a track of `movie` (offsets, sizes, times, sync), for packaging. */
export function samplesOf(movie: LoadedMovie, track: Track): SampleArrays {
  if (!track.tables) throw new Error(`media: ${track.path} has no samples`);
  return sampleArrays(movie.header, track.tables, track.mediaDuration, movie.file);
}
