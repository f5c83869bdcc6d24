// Shared by the benchmarks: wall clock, CPU seconds (ours and a reference
// tool's), the machine's load, and a CPU profile of one measured step.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { OWNER_V8_FLAGS } from '../app/core/service/v8-flags';
import { nativeAeadPath } from '../app/core/store/native-aead';

/**
 * Runs this benchmark again, in a Node started with the kiosk's V8 flags
 * (app/core/service/v8-flags.ts), unless it already was one: the pipeline is
 * measured as the kiosk service and kioskctl run it. Call before any work.
 */
export function asKioskProcess(): void {
  const missing = OWNER_V8_FLAGS.filter((f) => !process.execArgv.includes(f));
  if (missing.length === 0) return;
  const r = spawnSync(process.execPath, [...missing, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

export interface Measured {
  /** Wall seconds. */
  wall: number;
  /** CPU seconds, user + system, of every thread of the measured side. */
  cpu: number;
  /**
   * For this process: CPU seconds of the main thread, of the other threads busiest first (the hash worker, libuv's pool, V8's helpers),
   * and of threads that ended before `f` did (a download's TLS reader, native/tls), which /proc no longer lists: the process's CPU less the rest.
   */
  threads?: { main: number; others: number[]; ended: number };
}

/** User + system CPU seconds from a Linux /proc stat file (a process's or a thread's). */
export function procCpuSeconds(statFile: string): number {
  const stat = fs.readFileSync(statFile, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // USER_HZ on Linux
}

/** The whole machine's busy and idle core-seconds so far (/proc/stat; idle includes iowait). */
export function machineCpu(): { busy: number; idle: number } {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is inside user)
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const busy = f.slice(0, 8).reduce((a, b) => a + b, 0) - idle;
  return { busy: busy / 100, idle: idle / 100 }; // USER_HZ on Linux
}

/** CPU seconds of each thread of this process, by thread id. */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      out.set(tid, procCpuSeconds(`/proc/self/task/${tid}/stat`));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

export function seconds(f: () => void): number {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

export async function secondsAsync(f: () => Promise<void>): Promise<number> {
  return (await measureAsync(f)).wall;
}

/** Wall and CPU seconds of `f` in this process (all its threads: the hash worker and libuv's pool too). */
export async function measureAsync(f: () => Promise<void>): Promise<Measured> {
  const before = threadCpu();
  const t = process.hrtime.bigint();
  const c = process.cpuUsage();
  await f();
  const d = process.cpuUsage(c);
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  const after = threadCpu();
  const delta = (tid: string): number => Math.round(((after.get(tid) ?? 0) - (before.get(tid) ?? 0)) * 100) / 100;
  const main = String(process.pid);
  const others = [...after.keys()].filter((t) => t !== main).map(delta).filter((x) => x > 0).sort((a, b) => b - a);
  const cpu = (d.user + d.system) / 1e6;
  const listed = delta(main) + others.reduce((a, b) => a + b, 0);
  return { wall, cpu, threads: { main: delta(main), others, ended: Math.max(0, Math.round((cpu - listed) * 100) / 100) } };
}

/** Runs a shell command line; wall seconds and the CPU seconds its children used (the shell's `times`). */
export function shell(cmd: string): Measured {
  const t = process.hrtime.bigint();
  const out = execFileSync('sh', ['-c', `${cmd} >/dev/null; times`]).toString().trim().split('\n');
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  const secs = (out.at(-1) ?? '').split(/\s+/).map((x) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(x);
    return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
  });
  return { wall, cpu: secs.reduce((a, b) => a + b, 0) };
}

/**
 * Drops the clean pages of `files` from the page cache (GNU dd's
 * iflag=nocache with count=0 is posix_fadvise DONTNEED over the whole file;
 * Node has no fadvise), so the next read of them comes from the disk. Call
 * after a sync: dirty pages stay.
 */
export function evictFromCache(...files: string[]): void {
  for (const f of files) execFileSync('dd', [`if=${f}`, 'iflag=nocache', 'count=0', 'status=none']);
}

/**
 * Now, in seconds of CLOCK_MONOTONIC to the microsecond: process.hrtime is
 * libuv's uv_hrtime, which reads that clock on Linux, and it is the clock of
 * `perf record -k CLOCK_MONOTONIC`, so a bench's marks line up with perf's.
 */
export function monotonicSeconds(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1e6;
}

/** CPU seconds per GiB of `bytes`, two decimals. */
export function cpuPerGiB(cpu: number, bytes: number): number {
  return Math.round((cpu / (bytes / 2 ** 30)) * 100) / 100;
}

export function loadAverage(): number[] {
  return os.loadavg().map((x) => Math.round(x * 100) / 100);
}

export const mbps = (bytes: number, s: number): number => Math.round((bytes / 1e6 / s) * 10) / 10;

/**
 * Runs `f` under V8's sampling profiler (this thread) and writes
 * `<dir>/<name>.cpuprofile` (open it in Chrome DevTools or speedscope for the
 * flame graph; bench/profile-summary.ts prints where the time goes).
 */
export async function profiled<T>(dir: string | undefined, name: string, f: () => Promise<T>): Promise<T> {
  if (!dir) return f();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await f();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/** Seconds a GiB takes `openssl speed -evp ALG` over `bufferBytes`-long buffers, measured now: that pass with no overhead at all. */
export function opensslSecondsPerGiB(alg: 'sha256' | 'aes-256-gcm', bufferBytes: number): number {
  const out = execFileSync('openssl', ['speed', '-evp', alg, '-bytes', String(bufferBytes), '-seconds', '2'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  const last = out.trim().split('\n').at(-1) ?? '';
  const k = Number(/([\d.]+)k\s*$/.exec(last)?.[1]);
  if (!Number.isFinite(k) || k <= 0) throw new Error(`openssl speed ${alg}: no figure in ${JSON.stringify(last)}`);
  return Math.round((2 ** 30 / (k * 1000)) * 100) / 100;
}

/**
 * What the machine allows a pipeline, per GiB. `io` is the same bytes moved
 * by a plain tool (dd with O_DIRECT, or curl) in this run: its wall time and
 * CPU. Beyond it the kiosk must hash (SHA-256) and seal or open (AES-256-GCM)
 * every byte; counted at openssl's own speed. `otherCpu` is CPU another
 * process needs meanwhile on the same cores (the TIS server). The least time
 * is the larger of the I/O's and the CPU's share of the cores, and
 * `ratioCeiling` the best ratio to `referenceSeconds` (cp + sync, curl) any
 * implementation could reach here; `cpuAllowed` is what the kiosk may spend
 * for `goal`, against `cpuLeast`, its unavoidable part.
 */
export function cpuBudget(o: { referenceSeconds: number; io: { wall: number; cpu: number }; otherCpu?: number; goal: number }) {
  const cores = os.cpus().length;
  const sha256 = opensslSecondsPerGiB('sha256', 4 << 20);
  const aes256gcm = opensslSecondsPerGiB('aes-256-gcm', 256 << 10);
  const two = (x: number): number => Math.round(x * 100) / 100;
  const other = o.otherCpu ?? 0;
  const cpuLeast = o.io.cpu + sha256 + aes256gcm;
  const least = Math.max(o.io.wall, (cpuLeast + other) / cores);
  return {
    cores,
    referenceSeconds: two(o.referenceSeconds),
    io: { wall: two(o.io.wall), cpu: two(o.io.cpu) },
    otherCpu: two(other),
    opensslSha256: sha256,
    opensslAes256Gcm: aes256gcm,
    leastSeconds: two(least),
    ratioCeiling: two(o.referenceSeconds / least),
    cpuLeast: two(cpuLeast),
    cpuAllowed: two(cores * (o.referenceSeconds / o.goal) - other),
  };
}

export interface AtOnce {
  /** Seconds from the start until the last job ended. */
  wall: number;
  /** Seconds from the start until each job ended. */
  seconds: Record<string, number>;
  /** The whole machine's busy and idle core-seconds meanwhile. */
  busyCoreSeconds: number;
  idleCoreSeconds: number;
}

/**
 * Runs a path's necessary work at once, as separate processes with nothing
 * between them: the shell `jobs` (a fetch, a read, a write), SHA-256 of
 * `bytes`, and AES-256-GCM sealing or opening of `bytes` in the store's 256
 * KiB chunks (the kiosk's native/aead, else node:crypto). The hash and the
 * cipher run over one buffer that stays in the cache, and their processes
 * load before the clock starts: kinder than any real pipeline, which must
 * also move the bytes between them. No implementation of the path does less
 * work, so the time until all have ended is the least it can take on these
 * cores, with the machine as it is in this minute.
 */
export async function atOnce(jobs: Record<string, string[]>, o: { bytes: number; aead: 'seal' | 'open'; cleanUp?: string[] }): Promise<AtOnce> {
  const addon = nativeAeadPath();
  const chunks = Math.ceil(o.bytes / (256 << 10));
  // The node children load and allocate first, say so, and start on a byte on stdin.
  const go = (body: string): string => `process.stdout.write('r');process.stdin.once('data',()=>{${body};process.exit(0)});`;
  const hashJs = `const c=require('node:crypto');const b=Buffer.alloc(4<<20,7);` + go(`const h=c.createHash('sha256');for(let i=0;i<${Math.ceil(o.bytes / (4 << 20))};i++)h.update(b);h.digest()`);
  const setup =
    `const c=require('node:crypto');const a=${addon ? `require(${JSON.stringify(addon)})` : 'null'};const k=c.randomBytes(32),aad=Buffer.alloc(32),p=Buffer.alloc(256<<10,7),o=Buffer.alloc((256<<10)+16),n=Buffer.alloc(12);` +
    `function seal(i){n.writeUIntBE(i,5,6);if(a)return a.sealChunkInto(k,n,aad,p,o);const e=c.createCipheriv('aes-256-gcm',k,n);e.setAAD(aad);o.set(e.update(p));e.final();o.set(e.getAuthTag(),p.length);}`;
  // Opening: one sealed chunk, opened as often as the object has chunks (the tag checked every time).
  const cipherJs =
    o.aead === 'seal'
      ? setup + go(`for(let i=0;i<${chunks};i++)seal(i)`)
      : setup +
        `seal(0);const x=Buffer.from(o),q=Buffer.alloc(256<<10);n.writeUIntBE(0,5,6);` +
        go(
          `for(let i=0;i<${chunks};i++){if(a){if(a.openChunkInto(k,n,aad,x,q)!==q.length)throw new Error('open')}else{const d=c.createDecipheriv('aes-256-gcm',k,n);d.setAAD(aad);d.setAuthTag(x.subarray(q.length));d.update(x.subarray(0,q.length));d.final()}}`,
        );
  const waiting = Object.entries({ sha256: hashJs, [o.aead]: cipherJs }).map(([name, js]) => {
    const child = spawn(process.execPath, ['-e', js], { stdio: ['pipe', 'pipe', 'inherit'] });
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`at once: ${name} exited with ${code} before it was ready`)));
    });
    return { name, child, ready };
  });
  await Promise.all(waiting.map((w) => w.ready));
  const seconds: Record<string, number> = {};
  const ended = (name: string, child: ChildProcess, t0: bigint): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      child.removeAllListeners('exit');
      child.once('error', reject);
      child.once('exit', (code) => {
        seconds[name] = Math.round((Number(process.hrtime.bigint() - t0) / 1e9) * 1000) / 1000;
        if (code === 0) resolve();
        else reject(new Error(`at once: ${name} exited with ${code}`));
      });
    });
  const m0 = machineCpu();
  const t0 = process.hrtime.bigint();
  const all: Array<Promise<void>> = [];
  for (const [name, [cmd, ...args]] of Object.entries(jobs)) all.push(ended(name, spawn(cmd!, args, { stdio: ['ignore', 'ignore', 'inherit'] }), t0));
  for (const w of waiting) {
    all.push(ended(w.name, w.child, t0));
    w.child.stdin.end('g');
  }
  await Promise.all(all);
  const m1 = machineCpu();
  for (const f of o.cleanUp ?? []) fs.rmSync(f, { force: true });
  const two = (x: number): number => Math.round(x * 100) / 100;
  return { wall: Math.max(...Object.values(seconds)), seconds, busyCoreSeconds: two(m1.busy - m0.busy), idleCoreSeconds: two(m1.idle - m0.idle) };
}
