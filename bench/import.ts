// bench/import: import of a ≥1 GiB recording from a carrier (validate, one
// pass of read + hash + encrypt + write, fsync, one catalog transaction)
// against `cp` + `sync` of the same file, in the same run, on the same file
// system. Prints one JSON document. Goal: ratio ≥ 0.8.
//   npx tsx bench/import.ts [--size-mib N] [--runs N]
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BagWriter } from '../app/core/carrier/bagit/writer';
import { loadConfig } from '../app/core/config';
import { writeDemoCarrier } from '../app/core/demo/demo-carrier';
import { importPath, ingestContextFor } from '../app/core/ingest';
import { openKiosk } from '../app/core/kiosk';

const { values } = parseArgs({ options: { 'size-mib': { type: 'string', default: '1024' }, runs: { type: 'string', default: '3' } } });
const sizeMiB = Number(values['size-mib']);
const runs = Number(values.runs);
const root = path.resolve(import.meta.dirname, '..');
const work = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'bench-import-'));

async function makeCarrier(): Promise<{ carrier: string; media: string; bytes: number }> {
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

function seconds(f: () => void): number {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

async function secondsAsync(f: () => Promise<void>): Promise<number> {
  const t = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const { carrier, media, bytes } = await makeCarrier();
const configFile = path.join(root, 'kiosk-config', 'court-kiosk-pl.json');
const cpTimes: number[] = [];
const importTimes: number[] = [];
for (let i = 0; i < runs; i++) {
  const dest = path.join(work, `copy-${i}.mp4`);
  execFileSync('sync');
  cpTimes.push(seconds(() => execFileSync('sh', ['-c', `cp "${media}" "${dest}" && sync`])));
  fs.rmSync(dest);
  const dataDir = path.join(work, `data-${i}`);
  const kiosk = await openKiosk({ dataDir, config: loadConfig(configFile), configFile });
  execFileSync('sync');
  importTimes.push(
    await secondsAsync(async () => {
      const r = await importPath(ingestContextFor(kiosk, { operator: 'bench' }), carrier);
      if (r.problems.length || r.imported.length !== 1) throw new Error(`import failed: ${JSON.stringify(r.problems)}`);
    }),
  );
  kiosk.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
const mbps = (s: number) => Math.round((bytes / 1e6 / s) * 10) / 10;
const best = (xs: number[]) => Math.min(...xs);
console.log(
  JSON.stringify(
    {
      bench: 'import',
      bytes,
      runs,
      importSeconds: importTimes.map((s) => Math.round(s * 1000) / 1000),
      cpSyncSeconds: cpTimes.map((s) => Math.round(s * 1000) / 1000),
      importMBps: mbps(best(importTimes)),
      cpSyncMBps: mbps(best(cpTimes)),
      ratio: Math.round((best(cpTimes) / best(importTimes)) * 100) / 100,
      goal: 0.8,
      note: 'best of runs; both read the same carrier file from the page cache and fsync what they write',
    },
    null,
    2,
  ),
);
fs.rmSync(work, { recursive: true, force: true });
