// Bench: a ≥1 GiB part over loopback HTTPS (mutual TLS) from the reference
// TIS server (its own process), through TisClient.download (TLS decrypting
// into the store's slots, tls-exchange.ts) into the encrypted store
// (storeSink: SHA-256, AES-GCM, write, fsync), as the kiosk fetches a case
// file, against curl with the same client certificate writing to
// /dev/null, and against bare node:https discarding the bytes. The server
// shares this machine's cores, so its CPU is counted per run too, and with
// `openssl speed` of SHA-256 and AES-256-GCM from the same run the JSON gives
// the CPU budget: the least time any client that also hashes and encrypts
// could take here, were it as cheap as curl and its crypto as fast as openssl
// (measure.ts, cpuBudget). `necessaryAtOnce` measures that least time
// instead of modelling it: each round also runs the necessary work at once,
// as separate processes (measure.ts, atOnce). `nativeStreaming` is a third
// client, written in C (native-fetch.c): OpenSSL's TLS, SHA-256 and AES-GCM
// on POSIX threads, hashing, sealing and writing with O_DIRECT as the bytes
// arrive, with the kiosk's layout of three threads; what a client with no
// JavaScript runtime reaches where the ceiling's hash and seal may not run
// ahead of the bytes. It is built with the system's cc and OpenSSL headers,
// and left out (with the reason) where they are missing.
// Usage: npx tsx bench/tis.ts [--mib 1024] [--rounds 2] [--profile DIR] [--only kiosk] [--tls-reader openssl-thread|node:tls]
// --tls-reader: who reads the kiosk's TLS (client.ts's tlsReader; default:
// native/tls's thread where it is built), to set the two side by side.
// Prints one JSON object; goal: ratio ≥ 0.7. --only kiosk runs the kiosk's
// download alone, for `perf record` (perf-summary.ts) and `perf sched`
// (sched-idle.ts), and prints no ratio, but the process ids and each
// download's window on CLOCK_MONOTONIC.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DeviceKey } from '../app/core/keys';
import { ContentStore } from '../app/core/store';
import { TisClient, type Sink } from '../app/core/tis/client';
import { defaultTlsReader } from '../app/core/tis/native-tls-exchange';
import { storeSink, type StoreSink } from '../app/core/tis/store-sink';
import { writeTisCase } from '../scripts/tis-server/cases';
import { asKioskProcess, atOnce, cpuBudget, cpuPerGiB, loadAverage, machineCpu, measureAsync, monotonicSeconds, procCpuSeconds, profiled, shell, type AtOnce, type Measured } from './measure';

// Measured as the kiosk runs: with its V8 flags.
asKioskProcess();

const { values } = parseArgs({
  options: { mib: { type: 'string', default: '1024' }, rounds: { type: 'string', default: '2' }, profile: { type: 'string' }, only: { type: 'string' }, 'tls-reader': { type: 'string' } },
});
const tlsReader = values['tls-reader'] ?? defaultTlsReader().reader;
if (tlsReader !== 'openssl-thread' && tlsReader !== 'node:tls') throw new Error(`--tls-reader: "${tlsReader}" is neither openssl-thread nor node:tls`);
if (values.only !== undefined && values.only !== 'kiosk') throw new Error(`--only: "${values.only}" is not a side this bench can run alone (kiosk)`);
const kioskOnly = values.only === 'kiosk';
const mib = Number(values.mib);
const rounds = Number(values.rounds);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = path.join(repo, 'bench/.work/tis');
const certs = path.join(work, 'pki');
const root = path.join(work, 'root');
const signature = 'BENCH 1/25';
const partName = `part-${mib}MiB.bin`;

execFileSync('bash', [path.join(repo, 'scripts/tis-certs.sh'), certs], { stdio: 'pipe' });
const nativeFetch = path.join(work, 'native-fetch');
/** Why the C client is not in this run, or null once it is built. */
let nativeSkipped: string | null = null;
if (!kioskOnly) {
  try {
    execFileSync('cc', ['-O2', '-pthread', '-o', nativeFetch, path.join(repo, 'bench/native-fetch.c'), '-lssl', '-lcrypto'], { stdio: 'pipe' });
  } catch (e) {
    nativeSkipped = `cc could not build bench/native-fetch.c (needs a C compiler and OpenSSL's headers): ${String((e as { stderr?: Buffer }).stderr ?? e).trim().split('\n')[0]}`;
  }
}
const caseFiles = path.join(root, encodeURIComponent(signature), 'files');
const partFile = path.join(caseFiles, partName);
if (!fs.existsSync(partFile) || fs.statSync(partFile).size !== mib * 1024 * 1024) {
  await writeTisCase(root, { case: { jurisdiction: 'PL', signature }, recordings: [] }, {});
  // Random bytes: nothing on the way can compress them.
  execFileSync('sh', ['-c', `head -c ${mib * 1024 * 1024} /dev/urandom > '${partFile}'`]);
}
await writeTisCase(
  root,
  { case: { jurisdiction: 'PL', signature }, recordings: [{ identifier: 'B', date: null, duration: null, parts: [{ name: partName }] }] },
  {},
);

const server = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'scripts/tis-server/main.ts'), '--root', root, '--certs', certs], {
  cwd: repo,
  stdio: ['ignore', 'pipe', 'inherit'],
});
// However this process ends (a crash included, which skips the finally below), the server goes
// with it: an orphaned server would hold this bench's stderr open, and a pipe reading it would wait for ever.
process.on('exit', () => server.kill('SIGTERM'));
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const line = out.split('\n')[0];
    if (out.includes('\n') && line) resolve(line.trim());
  });
  server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
});

/** CPU seconds the server process has used so far. */
const serverCpu = (): number => procCpuSeconds(`/proc/${server.pid}/stat`);
/** The client's own cost: every byte read in place into one reused buffer, counted and dropped. */
class CountingSink implements Sink {
  private n = 0;
  private readonly mem = Buffer.allocUnsafe(4 * 1024 * 1024);
  async write(chunk: Buffer): Promise<void> {
    this.n += chunk.length;
  }
  space(): Uint8Array {
    return this.mem;
  }
  commit(n: number): null {
    this.n += n;
    return null;
  }
  async finish(): Promise<{ sha256: string; size: number }> {
    return { sha256: part().sha256, size: this.n };
  }
  async abort(): Promise<void> {}
}
let listed: { sha256: string; size: number; href: string } | undefined;
const part = (): { sha256: string; size: number; href: string } => listed!;

const store = new ContentStore({
  objectsDir: path.join(work, 'store', 'objects'),
  stagingDir: path.join(work, 'store', 'staging'),
  deviceKey: DeviceKey.fromBytes(randomBytes(32)),
});

try {
  const client = new TisClient({
    baseUrl: url,
    ca: fs.readFileSync(path.join(certs, 'ca.crt')),
    cert: fs.readFileSync(path.join(certs, 'client.crt')),
    key: fs.readFileSync(path.join(certs, 'client.key')),
    timeoutMs: 120_000,
    hashInClient: false, // as the kiosk's (app/core/commands/tis-client.ts): the store hashes
    tlsReader,
  });
  const listing = await client.listRecordings(signature); // the server hashes the part here, once
  const part = listing.recordings[0]?.parts[0];
  if (!part || part.status !== 'ready') throw new Error('bench part not ready');
  listed = part;
  const href = client.resolve(part.href).href;

  const threads: Measured['threads'][] = [];
  /** The machine's busy and idle core-seconds during each download into the store (the server's included). */
  const kioskMachine: Array<{ busyCoreSeconds: number; idleCoreSeconds: number }> = [];
  /** Each download into the store, from and to, in CLOCK_MONOTONIC seconds: `perf record -k CLOCK_MONOTONIC`'s clock (sched-idle.ts). */
  const windows: Array<[number, number]> = [];
  const cpu = { kiosk: [] as number[], clientOnly: [] as number[], node: [] as number[], curl: [] as number[], nativeStreaming: [] as number[] };
  const serverCpuPerGiB = { kiosk: [] as number[], clientOnly: [] as number[], node: [] as number[], curl: [] as number[], nativeStreaming: [] as number[] };
  /** Runs `f`, adding the server's CPU seconds per GiB meanwhile to `into`. */
  const withServer = async <T>(into: number[], f: () => Promise<T> | T): Promise<T> => {
    const s0 = serverCpu();
    const r = await f();
    into.push(cpuPerGiB(serverCpu() - s0, part.size));
    return r;
  };
  const timed = async (c: TisClient, into: number[], intoStore: boolean, profileDir?: string): Promise<number> => {
    let status = '';
    let sink: StoreSink | null = null;
    const m0 = machineCpu();
    const w0 = monotonicSeconds();
    const m = await profiled(profileDir, 'tis', () =>
      measureAsync(async () => {
        status = (await c.download(part.href, part, async () => (intoStore ? (sink = storeSink(store, part.sha256)) : new CountingSink()))).status;
      }),
    );
    const w1 = monotonicSeconds();
    // Removed outside the timing: a fetch ends with the object stored and
    // fsynced, and deleting it (unlink, fsync of the directory) took 0.41-0.46 s
    // a GiB here, while the ext4 journal freed the extents; it belongs to a
    // purge, not to a download, and curl's side deletes nothing.
    // The machine's counters stop with the download, as its timing does: the shred below waits
    // on the journal with both cores idle (0.11 s, 0.22 idle core-seconds, on 2026-12-07), and
    // until f855968 its idle time was counted as the download's.
    const m1 = machineCpu();
    const stored = (sink as StoreSink | null)?.stored();
    if (stored) await store.shred(stored.objectId);
    if (status !== 'ok') throw new Error('download not ok');
    into.push(cpuPerGiB(m.cpu, part.size));
    if (intoStore) {
      threads.push(m.threads);
      windows.push([w0, w1]);
      kioskMachine.push({ busyCoreSeconds: Math.round((m1.busy - m0.busy) * 100) / 100, idleCoreSeconds: Math.round((m1.idle - m0.idle) * 100) / 100 });
    }
    return part.size / 1e6 / m.wall;
  };
  /** Plain node:https into nothing: what Node's TLS client alone manages on this machine. */
  const rawNode = async (): Promise<number> => {
    let n = 0;
    const m = await measureAsync(
      () =>
        new Promise<void>((resolve, reject) => {
          https
            .get(href, { ca: fs.readFileSync(path.join(certs, 'ca.crt')), cert: fs.readFileSync(path.join(certs, 'client.crt')), key: fs.readFileSync(path.join(certs, 'client.key')), agent: false }, (res) => {
              res.on('data', (c: Buffer) => (n += c.length));
              res.on('end', () => resolve());
              res.on('error', reject);
            })
            .on('error', reject);
        }),
    );
    cpu.node.push(cpuPerGiB(m.cpu, n));
    return n / 1e6 / m.wall;
  };

  /**
   * The necessary work of a fetch alone, at once (measure.ts, atOnce): curl's
   * fetch to /dev/null with the server's work for it, SHA-256 and AES-256-GCM
   * sealing of 1 GiB, and 1 GiB written with O_DIRECT and fsynced. The time
   * until all have ended is the least any client that hashes, seals and
   * writes what it fetches could take on these cores; curl's own time over it
   * is that client's best possible ratio, measured rather than modelled
   * (cpuBudget).
   */
  const necessary = (): Promise<AtOnce> => {
    const out = path.join(work, 'at-once.out');
    return atOnce(
      {
        fetch: ['curl', '-sS', '--fail', '--cacert', path.join(certs, 'ca.crt'), '--cert', path.join(certs, 'client.crt'), '--key', path.join(certs, 'client.key'), '-o', '/dev/null', href],
        write: ['dd', 'if=/dev/zero', `of=${out}`, 'bs=4M', `count=${part.size / (4 << 20)}`, 'oflag=direct', 'conv=fsync', 'status=none'],
      },
      { bytes: part.size, aead: 'seal', cleanUp: [out] },
    );
  };

  /** The C client (native-fetch.c) into an O_DIRECT file here, checked for the part's SHA-256 and its sealed size. */
  const nativeThreads: Array<Record<string, number>> = [];
  const nativeStreaming = (): number => {
    const out = path.join(work, 'native.out');
    try {
      const t = process.hrtime.bigint();
      const r = JSON.parse(execFileSync(nativeFetch, [href, path.join(certs, 'ca.crt'), path.join(certs, 'client.crt'), path.join(certs, 'client.key'), out, '--workers', '2']).toString()) as {
        bytes: number;
        sha256: string;
        written: number;
        threadCpuSeconds: Record<string, number>;
        processCpuSeconds: number;
      };
      const wall = Number(process.hrtime.bigint() - t) / 1e9;
      const chunks = Math.ceil(part.size / (256 << 10));
      if (r.bytes !== part.size || r.sha256 !== part.sha256 || r.written !== part.size + chunks * 16) throw new Error(`native-fetch: ${JSON.stringify(r)}`);
      cpu.nativeStreaming.push(cpuPerGiB(r.processCpuSeconds, part.size));
      nativeThreads.push(r.threadCpuSeconds);
      return part.size / 1e6 / wall;
    } finally {
      fs.rmSync(out, { force: true });
    }
  };

  const kiosk: number[] = [];
  const native: number[] = [];
  const clientOnly: number[] = [];
  const node: number[] = [];
  const curl: number[] = [];
  const least: AtOnce[] = [];
  const loadBefore = loadAverage();
  const curlOut = path.join(work, 'curl.out');
  for (let r = 0; r < rounds; r += 1) {
    kiosk.push(await withServer(serverCpuPerGiB.kiosk, () => timed(client, cpu.kiosk, true, r === rounds - 1 ? values.profile : undefined)));
    if (kioskOnly) continue;
    clientOnly.push(await withServer(serverCpuPerGiB.clientOnly, () => timed(client, cpu.clientOnly, false)));
    node.push(await withServer(serverCpuPerGiB.node, rawNode));
    if (nativeSkipped === null) native.push(await withServer(serverCpuPerGiB.nativeStreaming, nativeStreaming));

    const q = (x: string): string => `'${x.replace(/'/g, "'\\''")}'`;
    const m = await withServer(serverCpuPerGiB.curl, () => shell(
      `(curl -sS --fail --cacert ${q(path.join(certs, 'ca.crt'))} --cert ${q(path.join(certs, 'client.crt'))} --key ${q(path.join(certs, 'client.key'))} -o /dev/null -w '%{size_download}' ${q(href)} > ${q(curlOut)})`,
    ));
    const bytes = Number(fs.readFileSync(curlOut, 'utf8'));
    if (bytes !== part.size) throw new Error(`curl got ${bytes} bytes`);
    curl.push(bytes / 1e6 / m.wall);
    cpu.curl.push(cpuPerGiB(m.cpu, bytes));
    least.push(await necessary());
  }
  const best = (xs: number[]): number => Math.max(...xs);
  const round1 = (x: number): number => Math.round(x * 10) / 10;
  if (kioskOnly) {
    process.stdout.write(
      `${JSON.stringify({ bench: 'tis-download', only: 'kiosk', tlsReader, bytes: part.size, rounds, kioskMBps: kiosk.map(round1), cpuSecondsPerGiB: { kiosk: cpu.kiosk }, kioskThreadCpuSeconds: threads, kioskMachineCoreSeconds: kioskMachine, serverCpuSecondsPerGiB: { kiosk: serverCpuPerGiB.kiosk }, pids: { kiosk: process.pid, server: server.pid }, windowsMonotonicSeconds: windows, loadAverage: { before: loadBefore, after: loadAverage() } })}\n`,
    );
  } else {
    // The budget, per GiB, from the best curl run: what is left of the two cores
    // beside the server, for a client as cheap as curl that also hashes and seals.
    const gib = part.size / 2 ** 30;
    const bestCurl = curl.indexOf(best(curl));
    const curlSeconds = part.size / 1e6 / best(curl) / gib;
    const budget = cpuBudget({
      referenceSeconds: curlSeconds,
      io: { wall: curlSeconds, cpu: cpu.curl[bestCurl]! },
      otherCpu: serverCpuPerGiB.curl[bestCurl]!,
      goal: 0.7,
    });
    process.stdout.write(
      `${JSON.stringify({
        bench: 'tis-download',
        tlsReader,
        bytes: part.size,
        rounds,
        kioskMBps: kiosk.map(round1),
        clientOnlyMBps: clientOnly.map(round1),
        rawNodeHttpsMBps: node.map(round1),
        curlMBps: curl.map(round1),
        bestKioskMBps: round1(best(kiosk)),
        bestCurlMBps: round1(best(curl)),
        ratio: Math.round((best(kiosk) / best(curl)) * 100) / 100,
        ratioClientOnly: Math.round((best(clientOnly) / best(curl)) * 100) / 100,
        ratioRawNode: Math.round((best(node) / best(curl)) * 100) / 100,
        nativeStreaming:
          nativeSkipped === null
            ? { MBps: native.map(round1), ratio: Math.round((best(native) / best(curl)) * 100) / 100, threadCpuSeconds: nativeThreads }
            : { skipped: nativeSkipped },
        goal: 0.7,
        cpuSecondsPerGiB: cpu,
        kioskThreadCpuSeconds: threads,
        kioskMachineCoreSeconds: kioskMachine,
        serverCpuSecondsPerGiB: serverCpuPerGiB,
        cpuBudgetPerGiB: budget,
        // Measured: the necessary work at once (atOnce), per round, and curl's best time over its best.
        necessaryAtOnce: {
          seconds: least.map((l) => l.seconds),
          busyCoreSeconds: least.map((l) => l.busyCoreSeconds),
          idleCoreSeconds: least.map((l) => l.idleCoreSeconds),
          ratioCeiling: Math.round((part.size / 1e6 / best(curl) / Math.min(...least.map((l) => l.wall))) * 100) / 100,
        },
        loadAverage: { before: loadBefore, after: loadAverage() },
        note: 'kiosk = TisClient.download (mTLS) into the encrypted store, fsynced, as a case-file fetch; clientOnly = the same client reading in place into one reused buffer and dropping the bytes; rawNode = node:https discarding bytes; nativeStreaming = bench/native-fetch.c (OpenSSL TLS, SHA-256 and AES-256-GCM on three POSIX threads, O_DIRECT, fsync) into a file, as the kiosk but with no JavaScript runtime; curl -o /dev/null; same cert, same server process (its CPU counts for neither side, and is given apart); cpuBudget: the least time on these cores for a client as cheap as curl that also hashes and encrypts at openssl speed',
      })}\n`,
    );
  }
} finally {
  server.kill('SIGTERM');
}
