// The demo carrier made once by test/global-setup.ts, and copies of it that a
// test may change.
import fs from 'node:fs';
import path from 'node:path';
import { REPO, scratch } from './paths';

export const DEMO_CARRIER = path.join(REPO, 'test', '.tmp', 'demo-carrier-v4');
export const DEMO_PACKAGES = { pl: 'KM-123-24', versions: 'KM-45-25', ua: 'UA-757-12345-25' } as const;
export const DEMO_MARKER = 'COURT-KIOSK-DEMO-PLAINTEXT-MARKER';

/** A private copy of the demo carrier (or one package of it). */
export function copyOfDemo(pkg?: keyof typeof DEMO_PACKAGES): string {
  const dir = scratch('carrier-');
  if (pkg) fs.cpSync(path.join(DEMO_CARRIER, DEMO_PACKAGES[pkg]), path.join(dir, DEMO_PACKAGES[pkg]), { recursive: true });
  else fs.cpSync(DEMO_CARRIER, dir, { recursive: true });
  return dir;
}

/**
 * A crp/1 package whose recording is the demo's PL recording with a trailing
 * `free` box of `padMiB` MiB: still a valid MP4, but large enough that an
 * import takes long enough to be interrupted on purpose.
 */
export async function paddedPackage(padMiB: number): Promise<{ carrier: string; media: string }> {
  const { BagWriter } = await import('../../app/core/carrier/bagit/writer');
  const src = path.join(DEMO_CARRIER, DEMO_PACKAGES.pl);
  const doc = JSON.parse(fs.readFileSync(path.join(src, 'recordings.json'), 'utf8')) as { recordings: Array<{ attachments: unknown[]; parts: Array<{ path: string }> }> };
  const mp4 = fs.readFileSync(path.join(src, doc.recordings[0]!.parts[0]!.path));
  const carrier = scratch('padded-');
  const w = await BagWriter.create(path.join(carrier, 'PADDED'));
  const pad = padMiB * 1048576;
  async function* body(): AsyncIterable<Uint8Array> {
    yield mp4;
    const header = Buffer.alloc(8);
    header.writeUInt32BE(pad + 8, 0);
    header.write('free', 4, 'latin1');
    yield header;
    const zeros = Buffer.alloc(1 << 20);
    for (let i = 0; i < padMiB; i++) yield zeros;
  }
  const rel = doc.recordings[0]!.parts[0]!.path;
  await w.addPayloadFile(rel, body());
  await w.addTagFile('recordings.json', JSON.stringify({ ...doc, recordings: [{ ...doc.recordings[0], attachments: [] }] }, null, 2));
  await w.finish([['BagIt-Profile-Identifier', 'crp/1']]);
  return { carrier, media: path.join(carrier, 'PADDED', rel) };
}
