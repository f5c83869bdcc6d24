// The rules media code refuses a recording by, and how a refusal travels: a
// MediaInputError thrown anywhere inside, a Problem value at the module's face.
import { KioskError } from '../errors';
import { type Problem, problem } from '../../shared/problem';

/** Rule ids of the Problems media code returns: stable, UIs translate by them. */
export const MEDIA_RULES = [
  'media.not-mp4', // not an ISO BMFF file at all (text, random bytes, other container)
  'media.truncated', // a box or sample extends past the end of the file
  'media.no-moov', // no movie box: recording never finalised
  'media.bad-moov', // the movie box cannot be parsed, lacks required parts, or claims what its own bytes cannot hold
  'media.limits', // plausible, but over one of MEDIA_LIMITS (samples, boxes, nesting, parser heap or time)
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
