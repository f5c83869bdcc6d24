// Shared by the carrier benchmarks (import, export, replica): a ≥1 GiB
// recording on a scratch carrier.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BagWriter } from '../app/core/carrier/bagit/writer';
import { writeDemoCarrier } from '../app/core/demo/demo-carrier';

/** A crp/1 carrier in `work` holding one recording of `sizeMiB` MiB: real demo media padded with random bytes in a `free` box. */
export async function makeBigCarrier(work: string, sizeMiB: number): Promise<{ carrier: string; media: string; bytes: number }> {
  const demo = path.join(work, 'demo');
  await writeDemoCarrier(demo, { longSeconds: 10, shortSeconds: 2 });
  const src = path.join(demo, 'KM-123-24');
  const doc = JSON.parse(fs.readFileSync(path.join(src, 'recordings.json'), 'utf8')) as { recordings: Array<Record<string, unknown> & { parts: Array<{ path: string }> }> };
  const rec = doc.recordings[0]!;
  const mp4 = fs.readFileSync(path.join(src, rec.parts[0]!.path));
  const pad = sizeMiB * 1048576 - mp4.length;
  const carrier = path.join(work, 'carrier');
  const w = await BagWriter.create(path.join(carrier, 'BIG'));
  async function* body(): AsyncIterable<Uint8Array> {
    yield mp4;
    // A trailing `free` box keeps it a valid MP4 of the size we want; random
    // bytes so nothing downstream can shortcut on zeros.
    const header = Buffer.alloc(8);
    header.writeUInt32BE(pad, 0);
    header.write('free', 4, 'latin1');
    yield header;
    let left = pad - 8;
    const chunk = Buffer.alloc(1 << 20);
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      crypto.randomFillSync(chunk, 0, n);
      yield chunk.subarray(0, n);
      left -= n;
    }
  }
  const written = await w.addPayloadFile(rec.parts[0]!.path, body());
  await w.addTagFile('recordings.json', JSON.stringify({ ...doc, recordings: [{ ...rec, attachments: [], duration: '00:10' }] }));
  await w.finish([['BagIt-Profile-Identifier', 'crp/1']]);
  fs.rmSync(demo, { recursive: true, force: true });
  return { carrier, media: path.join(carrier, 'BIG', rec.parts[0]!.path), bytes: written.size };
}

