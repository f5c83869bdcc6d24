// bench/export: export of a ≥1 GiB recording (authenticated reads from the
// encrypted store, hash while writing, compare with the import's SHA-256,
// fsync, sign, log, rename, receipt) against `cp` + `sync` of the plaintext
// file, in the same run, onto the same file system. Prints one JSON document.
// Goal: ratio ≥ 0.8.
//   npx tsx bench/export.ts [--size-mib N] [--runs N]
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BagWriter } from '../app/core/carrier/bagit/writer';
import { loadConfig } from '../app/core/config';
import { writeDemoCarrier } from '../app/core/demo/demo-carrier';
import { exportCase } from '../app/core/export';
import { importPath, ingestContextFor } from '../app/core/ingest';
import { openKiosk } from '../app/core/kiosk';

const { values } = parseArgs({ options: { 'size-mib': { type: 'string', default: '1024' }, runs: { type: 'string', default: '3' } } });
const sizeMiB = Number(values['size-mib']);
const runs = Number(values.runs);
const root = path.resolve(import.meta.dirname, '..');
const work = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'bench-export-'));

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
const kiosk = await openKiosk({ dataDir: path.join(work, 'data'), config: loadConfig(configFile), configFile });
const imported = await importPath(ingestContextFor(kiosk, { operator: 'bench' }), carrier);
if (imported.problems.length || imported.imported.length !== 1) throw new Error(`import failed: ${JSON.stringify(imported.problems)}`);
// The carrier copy is the plaintext `cp` reads; drop the bag around it so only the file is left.
const plain = path.join(work, 'plain.mp4');
fs.renameSync(media, plain);
fs.rmSync(carrier, { recursive: true, force: true });
const caseSig = (kiosk.db.prepare('SELECT signature FROM cases').get() as { signature: string }).signature;

const cpTimes: number[] = [];
const ddTimes: number[] = [];
const exportTimes: number[] = [];
for (let i = 0; i < runs; i++) {
  const target = path.join(work, `target-${i}`);
  fs.mkdirSync(target);
  execFileSync('sync');
  cpTimes.push(seconds(() => execFileSync('sh', ['-c', `cp "${plain}" "${target}/copy.mp4" && sync`])));
  fs.rmSync(path.join(target, 'copy.mp4'));
  // cp copies in the kernel (copy_file_range); dd shows what any user-space writer pays on this file system.
  execFileSync('sync');
  ddTimes.push(seconds(() => execFileSync('sh', ['-c', `dd if="${plain}" of="${target}/copy.mp4" bs=4M status=none && sync`])));
  fs.rmSync(path.join(target, 'copy.mp4'));
  execFileSync('sync');
  exportTimes.push(
    await secondsAsync(async () => {
      const r = await exportCase(kiosk, { caseSignature: caseSig, to: target, purpose: 'backup', recipient: 'bench', operator: 'bench' });
      if (r.bytes !== bytes) throw new Error(`export wrote ${r.bytes} bytes, expected ${bytes}`);
    }),
  );
  fs.rmSync(target, { recursive: true, force: true });
}
kiosk.close();
const mbps = (s: number) => Math.round((bytes / 1e6 / s) * 10) / 10;
const best = (xs: number[]) => Math.min(...xs);
console.log(
  JSON.stringify(
    {
      bench: 'export',
      bytes,
      runs,
      exportSeconds: exportTimes.map((s) => Math.round(s * 1000) / 1000),
      cpSyncSeconds: cpTimes.map((s) => Math.round(s * 1000) / 1000),
      ddSyncSeconds: ddTimes.map((s) => Math.round(s * 1000) / 1000),
      exportMBps: mbps(best(exportTimes)),
      cpSyncMBps: mbps(best(cpTimes)),
      ddSyncMBps: mbps(best(ddTimes)),
      ratio: Math.round((best(cpTimes) / best(exportTimes)) * 100) / 100,
      ratioVsDd: Math.round((best(ddTimes) / best(exportTimes)) * 100) / 100,
      goal: 0.8,
      note: 'best of runs; cp reads the plaintext from the page cache, the export reads and authenticates the encrypted object; both fsync what they write',
    },
    null,
    2,
  ),
);
fs.rmSync(work, { recursive: true, force: true });
