// bench/import: import of a ≥1 GiB recording from a carrier (validate, one
// pass of read + hash + encrypt + write, fsync, one catalog transaction)
// against `cp` + `sync` of the same file, in the same run, on the same file
// system. Prints one JSON document. Goal: ratio ≥ 0.8.
//   npx tsx bench/import.ts [--size-mib N] [--runs N]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../app/core/config';
import { importPath, ingestContextFor } from '../app/core/ingest';
import { openKiosk } from '../app/core/kiosk';
import { makeBigCarrier, seconds, secondsAsync } from './big-carrier';

const { values } = parseArgs({ options: { 'size-mib': { type: 'string', default: '1024' }, runs: { type: 'string', default: '3' } } });
const sizeMiB = Number(values['size-mib']);
const runs = Number(values.runs);
const root = path.resolve(import.meta.dirname, '..');
const work = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'bench-import-'));

const { carrier, media, bytes } = await makeBigCarrier(work, sizeMiB);
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
