// The one job left to mp4box: reading sample descriptions (avc1 + avcC, mp4a +
// esds, hvc1 + hvcC, …) into RFC 6381 codec strings, sizes and audio formats.
// It gets only the stsd boxes, already bounded by our walk (size, entry
// count), never the sample tables.
import { type AudioSampleEntry, type MP4BoxBuffer, type SampleEntry, type VisualSampleEntry, createFile } from 'mp4box';
import { MEDIA_LIMITS, type MediaLimits } from './limits';
import { mediaProblem } from './problems';

export interface SampleDescription {
  /** The sample entry's four-character code, e.g. `avc1`, `mp4a`. */
  readonly type: string;
  /** mp4box's RFC 6381 codecs parameter, e.g. `avc1.4d401f`, `mp4a.40.2` (plain `mp4v` for MPEG-4 video). */
  readonly codec: string;
  /** Coded size of a visual entry; 0 otherwise. */
  readonly width: number;
  readonly height: number;
  /** Audio entries; 0 otherwise. */
  readonly sampleRate: number;
  readonly channels: number;
  /** MPEG-4 objectTypeIndication from esds, when there is one (0x20: MPEG-4 Part 2 video, 0x40: AAC). */
  readonly objectType: number | null;
}

export interface StsdBox {
  /** The whole box, header included. */
  readonly bytes: Buffer;
  /** `moov/trak[0]/mdia/minf/stbl/stsd`, for messages. */
  readonly path: string;
}

function describe(e: SampleEntry): SampleDescription {
  const oti = (e as SampleEntry & { esds?: { esd?: { getOTI(): unknown } } }).esds?.esd?.getOTI();
  const audio = e.isAudio();
  const v = e as VisualSampleEntry;
  const a = e as AudioSampleEntry;
  return {
    type: e.type,
    codec: e.getCodec(),
    width: audio ? 0 : v.width || 0,
    height: audio ? 0 : v.height || 0,
    sampleRate: audio ? Number(a.getSampleRate()) || 0 : 0,
    channels: audio ? Number(a.getChannelCount()) || 0 : 0,
    objectType: typeof oti === 'number' ? oti : null,
  };
}

/** Describes the entries of each stsd box, one list per box; media.bad-moov names the box mp4box cannot parse. */
export async function describeSampleEntries(stsds: readonly StsdBox[], file: string, _limits: MediaLimits = MEDIA_LIMITS): Promise<SampleDescription[][]> {
  return stsds.map((s) => {
    const iso = createFile();
    const errors: string[] = [];
    iso.onError = (module: string, message: string) => {
      errors.push(`${module}: ${message}`);
    };
    const ab = new Uint8Array(s.bytes).buffer as MP4BoxBuffer;
    ab.fileStart = 0;
    try {
      iso.appendBuffer(ab, true);
      iso.flush();
    } catch (e) {
      throw mediaProblem(file, 'media.bad-moov', `${s.path} cannot be parsed (${e instanceof Error ? e.message : String(e)})`);
    }
    const stsd = iso.boxes.find((b) => b.type === 'stsd') as (typeof iso.boxes)[number] & { entries?: SampleEntry[] };
    if (errors.length > 0 || !stsd) throw mediaProblem(file, 'media.bad-moov', `${s.path} cannot be parsed (${errors[0] ?? 'not read as an stsd box'})`);
    return (stsd.entries ?? []).map(describe);
  });
}
