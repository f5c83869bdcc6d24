// bench/replica: what the second copy (PL-5.1) costs an import. The same
// recording imported with no replica and with a required one (object copied
// and catalog snapshot written before the import reports success), against
// `cp` + `sync` of the file once and twice (to two directories), in the same
// run, on the same file system. Also the catalog snapshot alone
// (serialize + write + fsync + rename) for a catalog of --log-entries viewing
// log entries, the part a required replica adds to every import and export.
// Prints one JSON document.
//   npx tsx bench/replica.ts [--size-mib N] [--runs N] [--log-entries N]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../app/core/config';
import { importPath, ingestContextFor } from '../app/core/ingest';
import { openKiosk } from '../app/core/kiosk';
import { makeBigCarrier } from './big-carrier';
import { asKioskProcess, seconds, secondsAsync } from './measure';

// Measured as the kiosk runs: with its V8 flags.
asKioskProcess();

const { values } = parseArgs({ options: { 'size-mib': { type: 'string', default: '1024' }, runs: { type: 'string', default: '3' }, 'log-entries': { type: 'string', default: '200000' } } });
const sizeMiB = Number(values['size-mib']);
const runs = Number(values.runs);
const logEntries = Number(values['log-entries']);
const root = path.resolve(import.meta.dirname, '..');
const work = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'bench-replica-'));
const { carrier, media, bytes } = await makeBigCarrier(work, sizeMiB);
const baseConfig = path.join(root, 'kiosk-config', 'court-kiosk-pl.json');

/** kiosk-config with a required replica at `replica`, written beside the work files. */
function configWith(replica: string | null): string {
  const file = path.join(work, replica ? 'with-replica.json' : 'without.json');
  const c = JSON.parse(fs.readFileSync(baseConfig, 'utf8')) as Record<string, unknown>;
  delete c.$schema;
  fs.writeFileSync(file, JSON.stringify(replica ? { ...c, replica: { path: replica, required: true } } : c));
  return file;
}

async function timedImport(replica: string | null, i: number): Promise<number> {
  const dataDir = path.join(work, `data-${i}`);
  if (replica) fs.mkdirSync(replica, { mode: 0o700 });
  const configFile = configWith(replica);
  const kiosk = await openKiosk({ dataDir, config: loadConfig(configFile), configFile });
  execFileSync('sync');
  const t = await secondsAsync(async () => {
    const r = await importPath(ingestContextFor(kiosk, { operator: 'bench' }), carrier);
    if (r.problems.length || r.imported.length !== 1) throw new Error(`import failed: ${JSON.stringify(r.problems)}`);
  });
  kiosk.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (replica) fs.rmSync(replica, { recursive: true, force: true });
  return t;
}

const cp1: number[] = [];
const cp2: number[] = [];
const plain: number[] = [];
const replicated: number[] = [];
for (let i = 0; i < runs; i++) {
  const a = path.join(work, 'copy-a.mp4');
  const b = path.join(work, 'copy-b.mp4');
  execFileSync('sync');
  cp1.push(seconds(() => execFileSync('sh', ['-c', `cp "${media}" "${a}" && sync`])));
  fs.rmSync(a);
  execFileSync('sync');
  cp2.push(seconds(() => execFileSync('sh', ['-c', `cp "${media}" "${a}" && cp "${media}" "${b}" && sync`])));
  fs.rmSync(a);
  fs.rmSync(b);
  plain.push(await timedImport(null, i));
  replicated.push(await timedImport(path.join(work, `replica-${i}`), i));
}

// The catalog snapshot alone, for a catalog with a long viewing log.
const snapDir = path.join(work, 'snapshot');
const snapConfig = configWith(path.join(work, 'snapshot-replica'));
fs.mkdirSync(path.join(work, 'snapshot-replica'), { mode: 0o700 });
const kiosk = await openKiosk({ dataDir: snapDir, config: loadConfig(snapConfig), configFile: snapConfig });
const batch = Array.from({ length: 1000 }, (_, j) => ({ type: 'media.progress', data: { session: 'bench', from: j, to: j + 1, note: 'x'.repeat(200) } }));
for (let n = 0; n < logEntries; n += batch.length) kiosk.log.appendBatch(batch);
const catalogBytes = kiosk.db.serialize().length;
const snapshots: number[] = [];
for (let i = 0; i < runs; i++) {
  kiosk.log.append('bench.touch', { i });
  snapshots.push(await secondsAsync(() => kiosk.replica!.catchUp(kiosk.db, { now: true })));
}
kiosk.close();

const mbps = (s: number) => Math.round((bytes / 1e6 / s) * 10) / 10;
const best = (xs: number[]) => Math.min(...xs);
const ms = (xs: number[]) => xs.map((s) => Math.round(s * 1000) / 1000);
console.log(
  JSON.stringify(
    {
      bench: 'replica',
      bytes,
      runs,
      loadAverage: os.loadavg(),
      importSeconds: ms(plain),
      importWithReplicaSeconds: ms(replicated),
      cpSyncSeconds: ms(cp1),
      cpTwiceSyncSeconds: ms(cp2),
      importMBps: mbps(best(plain)),
      importWithReplicaMBps: mbps(best(replicated)),
      cpSyncMBps: mbps(best(cp1)),
      cpTwiceSyncMBps: mbps(best(cp2)),
      replicaCost: Math.round((best(replicated) / best(plain)) * 100) / 100,
      cpTwiceCost: Math.round((best(cp2) / best(cp1)) * 100) / 100,
      catalog: { logEntries, bytes: catalogBytes, snapshotSeconds: ms(snapshots) },
      note: 'best of runs; the replica directory is on the same file system here (no second disk on this machine), as is the second cp',
    },
    null,
    2,
  ),
);
fs.rmSync(work, { recursive: true, force: true });
