// The one job left to mp4box: reading sample descriptions (avc1 + avcC, mp4a +
// esds, hvc1 + hvcC, …) into RFC 6381 codec strings, sizes and audio formats.
// It gets only the stsd boxes, already bounded by our walk (size, entry
// count), never the sample tables. Because it parses their insides by itself,
// it runs on a worker thread with a heap limit and a deadline (defence in
// depth): a worker that runs out of either is a refusal (media.limits), never
// the kiosk's own heap. The worker is inline JavaScript (eval) so it runs the
// same under tsx, vitest and a bundle (as pipeline/sha256.ts does).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
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

/** Per stsd box: its entries, or why mp4box could not read it. */
type Described = { readonly entries: SampleDescription[] } | { readonly error: string };

type FromWorker = { readonly ok: true; readonly stsds: Described[] } | { readonly ok: false; readonly error: string };

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// Whatever mp4box prints must not reach the kiosk's stdout (kioskctl --json).
for (const k of ['log', 'info', 'warn', 'error', 'debug']) console[k] = () => {};
const num = (f) => { try { const v = Number(f()); return Number.isFinite(v) ? v : 0; } catch { return 0; } };
const describe = (e) => {
  const esd = e.esds && e.esds.esd;
  const oti = esd && typeof esd.getOTI === 'function' ? esd.getOTI() : null;
  const audio = typeof e.isAudio === 'function' && e.isAudio();
  return {
    type: String(e.type),
    codec: (() => { try { return String(e.getCodec()); } catch { return String(e.type); } })(),
    width: audio ? 0 : num(() => e.width || 0),
    height: audio ? 0 : num(() => e.height || 0),
    sampleRate: audio ? num(() => e.getSampleRate()) : 0,
    channels: audio ? num(() => e.getChannelCount()) : 0,
    objectType: typeof oti === 'number' ? oti : null,
  };
};
const parseOne = (mp4box, bytes) => {
  try {
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    ab.fileStart = 0;
    const iso = mp4box.createFile();
    const errors = [];
    iso.onError = (module, message) => errors.push(module + ': ' + message);
    iso.appendBuffer(ab, true);
    iso.flush();
    const stsd = iso.boxes.find((b) => b.type === 'stsd');
    if (errors.length > 0 || !stsd) return { error: errors[0] || 'not read as an stsd box' };
    return { entries: (stsd.entries || []).map(describe) };
  } catch (e) {
    return { error: String((e && e.message) || e) };
  }
};
let mp4box = null;
try {
  mp4box = require(workerData.mp4box);
} catch (e) {
  parentPort.postMessage({ ok: false, error: String((e && e.message) || e) });
}
if (mp4box) parentPort.postMessage({ ok: true, stsds: workerData.stsds.map((b) => parseOne(mp4box, b)) });
`;

let mp4boxPath: string | undefined;

/** mp4box's CommonJS entry, resolved from here; in a CommonJS bundle (the Electron main) import.meta is empty and `require` is the module's own. */
function mp4boxEntry(): string {
  const here: string | undefined = import.meta.url;
  mp4boxPath ??= (here ? createRequire(here) : require).resolve('mp4box');
  return mp4boxPath;
}

/** The same stsd bytes come twice per import (probe, then index); a few answers are kept, each for the budget it was found under. */
const recent = new Map<string, SampleDescription[][]>();
const RECENT_MAX = 16;
const RECENT_KEY_MAX_BYTES = 64 * 1024;

export interface StsdBox {
  /** The whole box, header included. */
  readonly bytes: Buffer;
  /** `moov/trak[0]/mdia/minf/stbl/stsd`, for messages. */
  readonly path: string;
}

/**
 * Describes the entries of each stsd box, one list per box, in a worker limited to
 * limits.describeHeapMb and limits.describeTimeoutMs. Refusals: media.bad-moov naming the box
 * mp4box cannot parse, media.limits when the worker runs out of heap or time.
 */
export async function describeSampleEntries(stsds: readonly StsdBox[], file: string, limits: MediaLimits = MEDIA_LIMITS): Promise<SampleDescription[][]> {
  const total = stsds.reduce((n, s) => n + s.bytes.length, 0);
  const key = total <= RECENT_KEY_MAX_BYTES ? [limits.describeHeapMb, limits.describeTimeoutMs, ...stsds.map((s) => s.bytes.toString('base64'))].join(' ') : null;
  const hit = key === null ? undefined : recent.get(key);
  if (hit) return hit;
  const answer = await runWorker(stsds, file, limits);
  if (!answer.ok) throw new Error(`media: the sample description worker could not load mp4box: ${answer.error}`);
  const described = stsds.map((s, k) => {
    const d = answer.stsds[k];
    if (!d || 'error' in d) throw mediaProblem(file, 'media.bad-moov', `${s.path} cannot be parsed (${d ? d.error : 'no answer'})`);
    return d.entries;
  });
  if (key !== null) {
    if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
    recent.set(key, described);
  }
  return described;
}

function runWorker(stsds: readonly StsdBox[], file: string, limits: MediaLimits): Promise<FromWorker> {
  const where = stsds.map((s) => s.path).join(', ');
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // Copies: a view is cloned with its whole backing buffer, which here is all of ftyp + moov.
      workerData: { mp4box: mp4boxEntry(), stsds: stsds.map((s) => new Uint8Array(s.bytes)) },
      resourceLimits: { maxOldGenerationSizeMb: limits.describeHeapMb, maxYoungGenerationSizeMb: Math.min(32, limits.describeHeapMb) },
      // Not piped into ours; read and dropped.
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.removeAllListeners();
      // A late error of the stopping worker is no longer anyone's; it must not become an unhandled 'error'.
      worker.on('error', () => {});
      void worker.terminate();
      f();
    };
    const timer = setTimeout(() => {
      finish(() => reject(mediaProblem(file, 'media.limits', `parsing the sample descriptions (${where}) took longer than ${limits.describeTimeoutMs} ms (limit describeTimeoutMs)`)));
    }, limits.describeTimeoutMs);
    worker.once('message', (m: FromWorker) => finish(() => resolve(m)));
    worker.once('error', (e: Error & { code?: string }) => {
      finish(() =>
        reject(
          e.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? mediaProblem(file, 'media.limits', `parsing the sample descriptions (${where}) needed more than ${limits.describeHeapMb} MB (limit describeHeapMb)`)
            : mediaProblem(file, 'media.bad-moov', `the sample descriptions (${where}) cannot be parsed (${e.message})`),
        ),
      );
    });
    worker.once('exit', (code) => {
      finish(() => reject(mediaProblem(file, 'media.bad-moov', `the sample description parser stopped (exit ${code}) on ${where}`)));
    });
  });
}
