// Two packages made from the demo's KM-45-25: one with version 0 only, one with
// version 1 only, to import a later version after its original.
import fs from 'node:fs';
import path from 'node:path';
import { BagWriter } from '../../app/core/carrier/bagit/writer';
import { DEMO_CARRIER } from './demo';
import { scratch } from './paths';

async function* chunks(file: string): AsyncIterable<Uint8Array> {
  for await (const c of fs.createReadStream(file)) yield c as Buffer;
}

export async function splitVersions(): Promise<{ v0: string; v1: string }> {
  const src = path.join(DEMO_CARRIER, 'KM-45-25');
  const doc = JSON.parse(fs.readFileSync(path.join(src, 'recordings.json'), 'utf8')) as { recordings: Array<{ version: number; parts: Array<{ path: string }> }> };
  const out: Record<string, string> = {};
  for (const v of [0, 1]) {
    const dir = path.join(scratch('split-'), `KM-45-25-v${v}`);
    const w = await BagWriter.create(dir);
    const rec = doc.recordings.filter((r) => r.version === v);
    for (const p of rec.flatMap((r) => r.parts)) await w.addPayloadFile(p.path, chunks(path.join(src, p.path)));
    await w.addTagFile('recordings.json', JSON.stringify({ ...doc, recordings: rec }, null, 2));
    await w.finish([['BagIt-Profile-Identifier', 'crp/1']]);
    out[`v${v}`] = dir;
  }
  return { v0: out.v0!, v1: out.v1! };
}
