// Why the machine's cores stand idle while the kiosk fetches a case file, from
// the scheduler's own record. bench/tis.ts counts the idle core-seconds of a
// download (kioskMachineCoreSeconds); this says what each idle moment was:
//   - nothing runnable: every thread of the fetch waited on another (the TLS
//     server on its socket, the TLS client on the server, the workers on a
//     slot): the pipeline's own turn-taking;
//   - a thread waits on another CPU: a woken thread sat in a busy CPU's run
//     queue while this CPU was idle, which is the kernel's placement;
//   - a woken thread waits for this CPU: the time for an idle CPU to start
//     the thread woken onto it (on a VM, waking a halted vCPU).
// It runs `bench/tis.ts --only kiosk` under `perf sched record -k
// CLOCK_MONOTONIC` (root, or perf_event_paranoid ≤ 0), takes the downloads'
// windows and process ids from its JSON, and reads `perf sched timehist`.
// Usage: npx tsx bench/sched-idle.ts [--rounds 2] [--mib 1024] [--keep DIR]
// Prints one JSON object, per download: core-seconds idle by cause, and the
// run time and wake-up delay of the kiosk's main thread, its other threads,
// the server's main thread, its other threads, and everything else.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAverage } from './measure';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '2' }, mib: { type: 'string', default: '1024' }, keep: { type: 'string' } },
});
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = values.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sched-idle-'));
fs.mkdirSync(dir, { recursive: true });
const data = path.join(dir, 'sched.data');

type Who = 'idle' | 'kioskMain' | 'kioskThreads' | 'serverMain' | 'serverThreads' | 'other';
/** One stretch a task ran on a CPU, and how long it had waited, runnable, before it. */
interface Slice {
  cpu: number;
  who: Who;
  start: number;
  end: number;
  /** Seconds from its wake-up to `start` ("sch delay"). */
  delay: number;
}

/** `perf sched timehist` lines: time, [cpu], task name[tid/pid], wait, sch delay, run time (ms). */
const LINE = /^\s*([\d.]+)\s+\[(\d+)\]\s+(.+?)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$/;

function classify(task: string, pids: { kiosk: number; server: number }): Who {
  if (task === '<idle>') return 'idle';
  const m = /\[(\d+)(?:\/(\d+))?\]$/.exec(task);
  if (!m) return 'other';
  const tid = Number(m[1]);
  const pid = m[2] === undefined ? tid : Number(m[2]);
  if (pid === pids.kiosk) return tid === pid ? 'kioskMain' : 'kioskThreads';
  if (pid === pids.server) return tid === pid ? 'serverMain' : 'serverThreads';
  return 'other';
}

function parse(text: string, pids: { kiosk: number; server: number }): { slices: Slice[]; cpus: number } {
  const slices: Slice[] = [];
  let cpus = 0;
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const end = Number(m[1]);
    const cpu = Number(m[2]);
    const run = Number(m[6]) / 1000;
    cpus = Math.max(cpus, cpu + 1);
    slices.push({ cpu, who: classify(m[3]!, pids), start: end - run, end, delay: Number(m[5]) / 1000 });
  }
  return { slices, cpus };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Attributes each idle moment of [from, to] on each CPU, on a 50 µs grid. A
 * moment is "waiting for this CPU" when a thread woken earlier is about to
 * start on it, "waiting on another CPU" when a thread woken earlier is about
 * to start on a busy one, and "nothing runnable" otherwise.
 */
function attribute(slices: Slice[], cpus: number, from: number, to: number) {
  const step = 50e-6;
  const n = Math.floor((to - from) / step);
  const busy: Array<Array<Who | null>> = Array.from({ length: cpus }, () => new Array<Who | null>(n).fill(null));
  // For each grid point, the woken threads waiting to start, and on which CPU.
  const waiting: Array<Array<{ cpu: number; who: Who }> | undefined> = new Array(n);
  const run = new Map<Who, number>();
  const delay = new Map<Who, number>();
  const index = (t: number): number => Math.min(n, Math.max(0, Math.floor((t - from) / step)));
  for (const s of slices) {
    if (s.who === 'idle' || s.end < from || s.start - s.delay > to) continue;
    const a = index(s.start);
    const b = index(s.end);
    for (let i = a; i < b; i += 1) busy[s.cpu]![i] = s.who;
    run.set(s.who, (run.get(s.who) ?? 0) + (Math.min(s.end, to) - Math.max(s.start, from)));
    if (s.delay > 0) {
      delay.set(s.who, (delay.get(s.who) ?? 0) + s.delay);
      for (let i = index(s.start - s.delay); i < a; i += 1) (waiting[i] ??= []).push({ cpu: s.cpu, who: s.who });
    }
  }
  let nothing = 0;
  let thisCpu = 0;
  let otherCpu = 0;
  /** Idle moments while a thread of each kind waited in another CPU's queue. */
  const queuedElsewhere = new Map<Who, number>();
  /** Idle moments with nothing runnable, by what the other CPUs ran meanwhile. */
  const alone = new Map<string, number>();
  for (let i = 0; i < n; i += 1) {
    for (let c = 0; c < cpus; c += 1) {
      if (busy[c]![i] !== null) continue;
      const w = waiting[i] ?? [];
      if (w.length === 0) {
        nothing += 1;
        // What ran meanwhile on the other CPUs: the one stage the rest waited on.
        const others = [...new Set(busy.map((b) => b[i]).filter((x): x is Who => x !== null && x !== undefined))];
        const key = others.length === 0 ? 'nothing' : others.sort().join('+');
        alone.set(key, (alone.get(key) ?? 0) + step);
      }
      else if (w.some((x) => x.cpu === c)) thisCpu += 1;
      else {
        otherCpu += 1;
        for (const who of new Set(w.map((x) => x.who))) queuedElsewhere.set(who, (queuedElsewhere.get(who) ?? 0) + step);
      }
    }
  }
  const perWho = (m: Map<string, number>): Record<string, number> => Object.fromEntries([...m].sort((x, y) => y[1] - x[1]).map(([k, v]) => [k, round3(v)]));
  return {
    seconds: round3(to - from),
    idleCoreSeconds: {
      total: round3((nothing + thisCpu + otherCpu) * step),
      nothingRunnable: round3(nothing * step),
      aThreadWaitsOnAnotherCpu: round3(otherCpu * step),
      aWokenThreadWaitsForThisCpu: round3(thisCpu * step),
    },
    /** Of nothingRunnable, the seconds by what ran on the other CPUs meanwhile ("nothing": every CPU idle). */
    nothingRunnableWhileRan: perWho(alone),
    /** Of aThreadWaitsOnAnotherCpu, the seconds in which a thread of each kind was the one waiting (two may wait at once). */
    waitingOnAnotherCpuBy: perWho(queuedElsewhere),
    runSeconds: perWho(run),
    wakeUpDelaySeconds: perWho(delay),
  };
}

try {
  const loadBefore = loadAverage();
  const out = execFileSync(
    'perf',
    ['sched', 'record', '-k', 'CLOCK_MONOTONIC', '-a', '-o', data, '--', process.execPath, '--import', 'tsx', path.join(repo, 'bench/tis.ts'), '--only', 'kiosk', '--rounds', values.rounds, '--mib', values.mib],
    // perf's and the bench's messages (a refused perf_event_open among them) go to our stderr.
    { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
  ).toString();
  const tis = JSON.parse(out.trim().split('\n').at(-1)!) as {
    kioskMBps: number[];
    kioskMachineCoreSeconds: Array<{ busyCoreSeconds: number; idleCoreSeconds: number }>;
    pids: { kiosk: number; server: number };
    windowsMonotonicSeconds: Array<[number, number]>;
  };
  const text = execFileSync('perf', ['sched', 'timehist', '-i', data], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 30 }).toString();
  const { slices, cpus } = parse(text, tis.pids);
  if (slices.length === 0) throw new Error(`${data}: perf sched timehist gave no lines this tool can read`);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'sched-idle',
      cpus,
      note: 'per download into the store (bench/tis.ts --only kiosk): idle core-seconds by cause, from perf sched timehist on a 50 µs grid; /proc/stat figures beside them for comparison',
      downloads: tis.windowsMonotonicSeconds.map(([from, to], i) => ({
        kioskMBps: tis.kioskMBps[i],
        procStat: tis.kioskMachineCoreSeconds[i],
        ...attribute(slices, cpus, from, to),
      })),
      perfData: values.keep ? data : undefined,
      loadAverage: { before: loadBefore, after: loadAverage() },
    })}\n`,
  );
} finally {
  // perf.data is 5-6 MB a GiB fetched: kept only when asked (--keep).
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
}
