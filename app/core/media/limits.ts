// Every cap media parsing enforces, in one place. A file over a cap is refused
// with `media.limits` (plausible, but more than a recording can need) before
// anything is allocated for it; a count its own box cannot hold is refused
// with `media.bad-moov`. Functions that enforce them take a MediaLimits
// argument defaulting to these, so tests can reach a cap with small files.

const MiB = 1024 * 1024;

/** Ten hours at 240 frames per second: no recording a court plays has more samples in one track. */
const SAMPLES_PER_TRACK = 10 * 3600 * 240;

export const MEDIA_LIMITS = {
  /** moov of a 1-hour 720p recording is ~3 MB. */
  moovBytes: 64 * MiB,
  ftypBytes: 1 * MiB,
  /** A recording has a handful of top-level boxes; a long walk means we are not reading an MP4. */
  topLevelBoxes: 10_000,
  /** Boxes inside moov (containers walked): a recording has ~30 a track. */
  moovBoxes: 10_000,
  /** Nesting inside moov: moov/trak/mdia/minf/stbl/stsz is 5 deep. */
  boxDepth: 16,
  tracks: 64,
  samplesPerTrack: SAMPLES_PER_TRACK,
  /** All tracks together: such a video track and its audio. */
  samplesPerMovie: 2 * SAMPLES_PER_TRACK,
  /** Entries of an edit list (elst); recordings have one or two. */
  editsPerTrack: 10_000,
  /** stsd: sample entries with their codec configuration (avcC, hvcC, esds) are a few hundred bytes. */
  sampleDescriptionBytes: 1 * MiB,
  sampleDescriptionsPerTrack: 16,
  /** The worker that lets mp4box parse sample descriptions: heap and time. */
  describeHeapMb: 256,
  describeTimeoutMs: 5_000,
} as const;

export type MediaLimits = { readonly [K in keyof typeof MEDIA_LIMITS]: number };
