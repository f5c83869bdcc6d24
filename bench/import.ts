// bench/import: import of a ≥1 GiB recording from a carrier (validate, one
// pass of read + hash + encrypt + write, fsync, one catalog transaction)
// against `cp` + `sync` of the same file, in the same run, on the same file
// system. Prints one JSON document. Goal: ratio ≥ 0.8, ≤ 2.0 CPU-s per GiB.
//   npx tsx bench/import.ts [--size-mib N] [--runs N] [--profile DIR]
// --profile writes DIR/import.cpuprofile of the last run (see bench/profile-summary.ts).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../app/core/config';
import { importPath, ingestContextFor } from '../app/core/ingest';
import { openKiosk } from '../app/core/kiosk';
import { makeBigCarrier } from './big-carrier';
import { asKioskProcess, cpuBudget, cpuPerGiB, loadAverage, mbps, measureAsync, profiled, shell, type Measured } from './measure';

// Measured as the kiosk runs: with its V8 flags.
asKioskProcess();

const { values } = parseArgs({
  options: { 'size-mib': { type: 'string', default: '1024' }, runs: { type: 'string', default: '3' }, profile: { type: 'string' } },
});
const sizeMiB = Number(values['size-mib']);
const runs = Number(values.runs);
const root = path.resolve(import.meta.dirname, '..');
const work = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'bench-import-'));

const { carrier, media, bytes } = await makeBigCarrier(work, sizeMiB);
const configFile = path.join(root, 'kiosk-config', 'court-kiosk-pl.json');
const cp: Measured[] = [];
const ddDirect: Measured[] = [];
const imports: Measured[] = [];
const loadBefore = loadAverage();
for (let i = 0; i < runs; i++) {
  const dest = path.join(work, `copy-${i}.mp4`);
  execFileSync('sync');
  cp.push(shell(`cp "${media}" "${dest}" && sync`));
  fs.rmSync(dest);
  // The same bytes past the page cache, as the kiosk writes them: what the disk gives a user-space O_DIRECT writer.
  execFileSync('sync');
  ddDirect.push(shell(`dd if="${media}" of="${dest}" bs=2M oflag=direct conv=fsync status=none`));
  fs.rmSync(dest);
  const dataDir = path.join(work, `data-${i}`);
  const kiosk = await openKiosk({ dataDir, config: loadConfig(configFile), configFile });
  execFileSync('sync');
  imports.push(
    await profiled(i === runs - 1 ? values.profile : undefined, 'import', () =>
      measureAsync(async () => {
        const r = await importPath(ingestContextFor(kiosk, { operator: 'bench' }), carrier);
        if (r.problems.length || r.imported.length !== 1) throw new Error(`import failed: ${JSON.stringify(r.problems)}`);
      }),
    ),
  );
  kiosk.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
const best = (xs: Measured[]): Measured => xs.reduce((a, b) => (b.wall < a.wall ? b : a));
const round = (s: number): number => Math.round(s * 1000) / 1000;
const gib = bytes / 2 ** 30;
const budget = cpuBudget({ referenceSeconds: best(cp).wall / gib, io: { wall: best(ddDirect).wall / gib, cpu: best(ddDirect).cpu / gib }, goal: 0.8 });
console.log(
  JSON.stringify(
    {
      bench: 'import',
      bytes,
      runs,
      importSeconds: imports.map((m) => round(m.wall)),
      cpSyncSeconds: cp.map((m) => round(m.wall)),
      ddDirectSeconds: ddDirect.map((m) => round(m.wall)),
      importMBps: mbps(bytes, best(imports).wall),
      cpSyncMBps: mbps(bytes, best(cp).wall),
      ratio: Math.round((best(cp).wall / best(imports).wall) * 100) / 100,
      goal: 0.8,
      importThreadCpuSeconds: best(imports).threads,
      cpuSecondsPerGiB: { import: cpuPerGiB(best(imports).cpu, bytes), cpSync: cpuPerGiB(best(cp).cpu, bytes), goalImport: 2.0 },
      cpuBudgetPerGiB: budget,
      loadAverage: { before: loadBefore, after: loadAverage() },
      cpus: os.cpus().length,
      note: 'best of runs; both read the same carrier file from the page cache and fsync what they write; CPU is every thread of the kiosk process, and cp + sync as the shell counts its children (the kernel write-back threads count for neither); ddDirect = dd bs=2M oflag=direct conv=fsync of the same file, the I/O of an import without its crypto; cpuBudgetPerGiB: the least time and CPU an import could take here, from that I/O plus SHA-256 and AES-256-GCM at openssl speed (measure.ts)',
    },
    null,
    2,
  ),
);
fs.rmSync(work, { recursive: true, force: true });
