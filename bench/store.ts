// Store throughput against the plain tools it replaces, on one ≥1 GiB file:
//   write: ContentStore.ingest (hash + encrypt + write + fsync + rename) vs `cp` + `sync <file>`
//   read:  a verified full read (readAll: every chunk authenticated) vs `openssl dgst -sha256`
//          (and verifyObject, which also re-hashes the plaintext, for reference)
// Goals: write ≥ 0.8x cp+sync, read ≥ 0.7x openssl. Both sides read a source that
// is in the page cache, so this measures CPU + write-back, not the carrier.
// Usage: npx tsx bench/store.ts [--size-mib N] [--chunk-kib K] [--worker|--no-worker]
// (defaults: 1024 MiB, 64 KiB chunks, the store's default for hashing on a worker thread). Prints one JSON document.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeviceKey } from '../app/core/keys';
import { ContentStore } from '../app/core/store';
import { DEFAULT_CHUNK_SIZE } from '../app/core/store/chunked-aead';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
}

function ensureTool(tool: string, pkg: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
  } catch {
    execFileSync('apt-get', ['install', '-y', pkg], { stdio: 'inherit' });
  }
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** This process's CPU seconds (all threads, user + system) since `from`. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

/** Runs a shell command; returns wall seconds and the CPU seconds its children used (from `times`). */
function shell(cmd: string): { wall: number; cpu: number } {
  const t = process.hrtime.bigint();
  const out = execFileSync('sh', ['-c', `${cmd} >/dev/null; times`]).toString().trim().split('\n');
  const wall = seconds(t);
  const secs = (out.at(-1) ?? '').split(/\s+/).map((x) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(x);
    return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
  });
  return { wall, cpu: secs.reduce((a, b) => a + b, 0) };
}

async function main(): Promise<void> {
  const sizeMiB = arg('--size-mib', 1024);
  const chunkSize = arg('--chunk-kib', DEFAULT_CHUNK_SIZE / 1024) * 1024;
  const bytes = Math.round(sizeMiB * 1024 * 1024);
  ensureTool('openssl', 'openssl');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-bench-'));
  try {
    // Incompressible source data, written once and fsynced, so both sides start from the same cached file.
    const src = path.join(tmp, 'source.mp4');
    const gen = crypto.createCipheriv('aes-256-ctr', crypto.randomBytes(32), crypto.randomBytes(16));
    const zeros = Buffer.alloc(16 * 1024 * 1024);
    const fd = fs.openSync(src, 'w');
    for (let left = bytes; left > 0; left -= zeros.length) fs.writeSync(fd, gen.update(zeros.subarray(0, Math.min(left, zeros.length))));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    const expected = execFileSync('openssl', ['dgst', '-sha256', '-r', src]).toString().split(' ')[0] ?? '';

    const dst = path.join(tmp, 'copy.mp4');
    const cp = shell(`cp '${src}' '${dst}' && sync '${dst}'`);
    const cpSec = cp.wall;
    fs.rmSync(dst);

    const store = new ContentStore({
      objectsDir: path.join(tmp, 'objects'),
      stagingDir: path.join(tmp, 'staging'),
      deviceKey: DeviceKey.fromBytes(crypto.randomBytes(32)),
      chunkSize,
      ...(process.argv.includes('--worker') ? { hashInWorker: true } : {}),
      ...(process.argv.includes('--no-worker') ? { hashInWorker: false } : {}),
    });
    let t = process.hrtime.bigint();
    let cpu = process.cpuUsage();
    const r = await store.ingest(fs.createReadStream(src, { highWaterMark: 4 * 1024 * 1024 }), { expectedSha256: expected });
    const ingestSec = seconds(t);
    const ingestCpu = cpuSeconds(cpu);

    const ossl = shell(`openssl dgst -sha256 '${src}'`);
    const opensslSec = ossl.wall;

    t = process.hrtime.bigint();
    cpu = process.cpuUsage();
    let n = 0;
    for await (const b of store.reader(r.objectId, r.wrappedKey, r.size).readAll()) n += b.length;
    const readSec = seconds(t);
    const readCpu = cpuSeconds(cpu);
    if (n !== bytes) throw new Error(`readAll returned ${n} bytes, expected ${bytes}`);

    t = process.hrtime.bigint();
    const v = await store.verifyObject(r.objectId, r.wrappedKey, r.size, expected);
    const verifySec = seconds(t);
    if (!v.ok) throw new Error(v.problem);

    const mbps = (s: number): number => Math.round((bytes / 1e6 / s) * 10) / 10;
    const round = (x: number): number => Math.round(x * 1000) / 1000;
    const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
    const out = {
      bench: 'store',
      sizeMiB,
      chunkKiB: chunkSize / 1024,
      hashInWorker: process.argv.includes('--worker') ? true : process.argv.includes('--no-worker') ? false : 'default',
      cpus: os.cpus().length,
      node: process.version,
      write: {
        ingestMBps: mbps(ingestSec),
        cpSyncMBps: mbps(cpSec),
        ratio: ratio(cpSec, ingestSec),
        goal: 0.8,
        met: cpSec / ingestSec >= 0.8,
        cpuSeconds: { ingest: round(ingestCpu), cpSync: round(cp.cpu) },
      },
      read: {
        readAllMBps: mbps(readSec),
        opensslSha256MBps: mbps(opensslSec),
        ratio: ratio(opensslSec, readSec),
        goal: 0.7,
        met: opensslSec / readSec >= 0.7,
        cpuSeconds: { readAll: round(readCpu), openssl: round(ossl.cpu) },
        verifyObjectMBps: mbps(verifySec),
        verifyObjectRatio: ratio(opensslSec, verifySec),
      },
      loadAverage: os.loadavg().map((x) => Math.round(x * 10) / 10),
      note: 'single run; source and object are in the page cache; the machine is shared, so figures are noisy',
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
