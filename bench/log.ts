// Viewing-log bench: `npx tsx bench/log.ts` prints one JSON document.
// (a) durable appends/s vs a bare INSERT of a same-size row with the same
//     pragmas (WAL, synchronous=FULL, one row per transaction); goal >= 0.8x.
// (b) seconds for verify() over 1,000,000 entries; goal <= 10 s.
// Databases live in bench/.work (a real disk; /tmp may be tmpfs where fsync is free).
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateEd25519Signer } from '../app/core/viewing-log/checkpoint';
import { VIEWING_LOG_SCHEMA_SQL, ViewingLog, hmacSha256 } from '../app/core/viewing-log/log-store';

const workDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '.work', `log-${process.pid}`);
const VERIFY_ENTRIES = Number(process.env.BENCH_LOG_ENTRIES ?? 1_000_000);
const APPEND_SECONDS = Number(process.env.BENCH_LOG_APPEND_SECONDS ?? 8);

function fresh(name: string): string {
  const f = path.join(workDir, name);
  for (const ext of ['', '-wal', '-shm']) fs.rmSync(f + ext, { force: true });
  return f;
}

function durableDb(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  return db;
}

function openLog(file: string, signer: ReturnType<typeof generateEd25519Signer>, macKey: Buffer, checkpointEvery = 1000): { db: Database.Database; log: ViewingLog } {
  const db = new Database(file);
  const log = new ViewingLog({ db, signer, mac: hmacSha256(macKey), origin: 'court-kiosk/BENCH', checkpointEvery });
  return { db, log };
}

function viewing(i: number): Record<string, unknown> {
  return {
    session: `S-${Math.floor(i / 20)}`,
    recording: `REC-2026-${String(i % 997).padStart(5, '0')}`,
    case: 'II K 123/26',
    party: `P-${i % 7}`,
    position: (i * 37) % 7200,
  };
}

function time<T>(f: () => T): [T, number] {
  const t = process.hrtime.bigint();
  const r = f();
  return [r, Number(process.hrtime.bigint() - t) / 1e9];
}

/** CPU seconds (user+system) of this process: fairer than wall time on a shared machine. */
function cpuTime<T>(f: () => T): [T, number, number] {
  const c = process.cpuUsage();
  const [r, wall] = time(f);
  const d = process.cpuUsage(c);
  return [r, wall, (d.user + d.system) / 1e6];
}

fs.mkdirSync(workDir, { recursive: true });
try {
  const signer = generateEd25519Signer('court-kiosk-BENCH');
  const macKey = randomBytes(32);

  // (a) Durable appends vs bare inserts.
  const logFile = fresh('append.db');
  const bareFile = fresh('bare.db');
  const seed = new Database(logFile);
  seed.exec(VIEWING_LOG_SCHEMA_SQL);
  seed.close();
  const { db: logDb, log } = openLog(logFile, signer, macKey);
  const bare = durableDb(bareFile);
  bare.exec('CREATE TABLE t (seq INTEGER PRIMARY KEY NOT NULL, entry TEXT NOT NULL, leaf_hash BLOB NOT NULL, mac BLOB NOT NULL)');
  const ins = bare.prepare('INSERT INTO t (seq, entry, leaf_hash, mac) VALUES (?, ?, ?, ?)');
  // A row of the same size as the log writes: same JSON text, 32-byte hash and MAC.
  const sampleEntry = JSON.stringify({ data: viewing(0), seq: 0, time: new Date().toISOString(), type: 'view.start' });
  const h32 = randomBytes(32);
  const m32 = randomBytes(32);
  // Strictly alternate one log append and one bare insert, timing each, so
  // both sides see the same disk weather (fsync latency drifts a lot on a
  // shared machine); throughput = operations / time spent in them.
  let bareSeq = 0;
  let logNs = 0n;
  let bareNs = 0n;
  let ops = 0;
  const perSecond: Array<{ viewingLog: number; bare: number }> = [];
  let secLog = 0n;
  let secBare = 0n;
  let secOps = 0;
  const end = Date.now() + APPEND_SECONDS * 1000;
  let nextMark = Date.now() + 1000;
  while (Date.now() < end) {
    const t0 = process.hrtime.bigint();
    log.append('view.start', viewing(ops));
    const t1 = process.hrtime.bigint();
    ins.run(bareSeq++, sampleEntry, h32, m32); // autocommit: one transaction per row
    const t2 = process.hrtime.bigint();
    logNs += t1 - t0;
    bareNs += t2 - t1;
    secLog += t1 - t0;
    secBare += t2 - t1;
    ops++;
    secOps++;
    if (Date.now() >= nextMark) {
      perSecond.push({ viewingLog: Math.round(secOps / (Number(secLog) / 1e9)), bare: Math.round(secOps / (Number(secBare) / 1e9)) });
      secLog = 0n;
      secBare = 0n;
      secOps = 0;
      nextMark += 1000;
    }
  }
  const appendOk = log.verify().ok;
  logDb.close();
  bare.close();
  const logPerS = ops / (Number(logNs) / 1e9);
  const barePerS = ops / (Number(bareNs) / 1e9);

  // (b) Build a million-entry log fast (rows exactly as append writes them,
  // batched), then time a cold open and a full verify().
  const bigFile = fresh('verify.db');
  const big0 = new Database(bigFile);
  big0.exec(VIEWING_LOG_SCHEMA_SQL);
  big0.close();
  const builder = openLog(bigFile, signer, macKey);
  builder.db.pragma('synchronous = OFF'); // build speed only; verify() reads what is on disk either way
  const [, buildS] = time(() => {
    const CHUNK = 50_000;
    for (let i = 0; i < VERIFY_ENTRIES; i += CHUNK) {
      const items = [];
      for (let j = i; j < Math.min(VERIFY_ENTRIES, i + CHUNK); j++) items.push({ type: j % 2 ? 'view.stop' : 'view.start', data: viewing(j) });
      builder.log.appendBatch(items);
    }
    builder.log.checkpoint();
  });
  builder.db.close();
  const [opened, openS, openCpuS] = cpuTime(() => openLog(bigFile, signer, macKey));
  const [result, verifyS, verifyCpuS] = cpuTime(() => opened.log.verify());
  const [, inclusionS] = time(() => opened.log.inclusionProof(Math.floor(VERIFY_ENTRIES / 3), VERIFY_ENTRIES));
  opened.db.close();
  const dbBytes = fs.statSync(bigFile).size;

  console.log(
    JSON.stringify(
      {
        bench: 'viewing-log',
        node: process.version,
        loadAverage1m: Number((os.loadavg()[0] ?? 0).toFixed(2)),
        cpus: os.cpus().length,
        durableAppend: {
          pragmas: { journal_mode: 'wal', synchronous: 'FULL' },
          seconds: APPEND_SECONDS,
          method: 'strictly alternating single operations, each timed',
          entryBytes: Buffer.byteLength(sampleEntry),
          viewingLogAppendsPerSec: Math.round(logPerS),
          bareInsertsPerSec: Math.round(barePerS),
          ratio: Number((logPerS / barePerS).toFixed(3)),
          goalRatio: 0.8,
          perSecond,
          entriesWrittenEach: ops,
          verifiedAfter: appendOk,
        },
        verify: {
          entries: VERIFY_ENTRIES,
          dbMegabytes: Number((dbBytes / 1e6).toFixed(1)),
          buildSeconds: Number(buildS.toFixed(2)),
          openSeconds: Number(openS.toFixed(2)),
          openCpuSeconds: Number(openCpuS.toFixed(2)),
          verifySeconds: Number(verifyS.toFixed(2)),
          verifyCpuSeconds: Number(verifyCpuS.toFixed(2)),
          goalSeconds: 10,
          ok: result.ok,
          checkpoint: result.checkpoint,
          inclusionProofSeconds: Number(inclusionS.toFixed(2)),
        },
      },
      null,
      2,
    ),
  );
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
}
