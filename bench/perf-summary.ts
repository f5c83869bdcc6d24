// Where a thread's CPU goes, native code and kernel included, from `perf`
// samples: what a V8 .cpuprofile (profile-summary.ts) cannot show. There,
// TLS decryption runs during libuv's poll and counts as "(idle)", and
// node:crypto's allocations, zero-fills and copies, and the page faults
// behind them, hide inside one JS call. A Markdown table per thread, busiest
// first, of seconds by kind of work:
//   perf record -F 999 -g -o perf.data -- npx tsx bench/tis.ts --only kiosk
//   npx tsx bench/perf-summary.ts perf.data [--hz 999] [--threads 6]
// Samples are counted, not weighted: seconds = samples / hz.
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { hz: { type: 'string', default: '999' }, threads: { type: 'string', default: '6' } },
});
const file = positionals[0];
if (!file) {
  process.stderr.write('usage: npx tsx bench/perf-summary.ts PERF_DATA [--hz 999] [--threads 6]\n');
  process.exit(2);
}
const hz = Number(values.hz);

/** Kinds of work, tried in order on a sample's stack, leaf first. */
const KINDS: Array<[string, (leaf: string, stack: string) => boolean]> = [
  ['AES-256-GCM (OpenSSL)', (l) => /aesni|ghash|gcm/i.test(l)],
  ['SHA-256 (OpenSSL)', (l) => /sha256/.test(l)],
  ['page faults (kernel)', (_, s) => s.includes('exc_page_fault')],
  ['TCP and sockets (kernel)', (_, s) => /tcp_|ip_rcv|ip_local|__dev_queue|net_rx|loopback|skb_|sock_|inet_/.test(s)],
  ['copies to and from user space (kernel)', (_, s) => /_copy_to_iter|_copy_from_iter|copy_page_to_iter|copy_user/.test(s)],
  ['other system calls (kernel)', (_, s) => /__x64_sys|do_syscall|entry_SYSCALL/.test(s)],
  ['memcpy (user space)', (l) => /memmove|memcpy/.test(l)],
  ['memset (user space)', (l) => /memset/.test(l)],
  ['V8 garbage collection', (_, s) => /v8::internal::(Scavenger|MarkCompact|Sweeper|Marking|IncrementalMarking|Heap::)/.test(s)],
  ['JavaScript, V8 builtins, or code without symbols', (l) => l.startsWith('Builtins_') || l === '[unknown]'],
  ['V8 runtime', (l) => l.includes('v8::')],
  ['libuv', (l) => /\buv_|uv__|epoll/.test(l)],
  ['Node C++', (l) => l.includes('node::')],
  ['interrupts and scheduling (kernel)', (_, s) => /pvm_|irq|schedule|finish_task/.test(s)],
];

interface Thread {
  comm: string;
  samples: number;
  kinds: Map<string, number>;
}

const text = execFileSync('perf', ['script', '-i', file, '-F', 'comm,pid,tid,ip,sym'], {
  encoding: 'utf8',
  maxBuffer: 1 << 30,
  stdio: ['ignore', 'pipe', 'ignore'],
});
const threads = new Map<string, Thread>();
function add(comm: string, tid: string, stack: string[]): void {
  const t = threads.get(tid) ?? { comm, samples: 0, kinds: new Map<string, number>() };
  threads.set(tid, t);
  const leaf = stack[0] ?? '[unknown]';
  const joined = stack.slice(0, 12).join(' < ');
  const kind = KINDS.find(([, f]) => f(leaf, joined))?.[0] ?? 'other';
  t.samples += 1;
  t.kinds.set(kind, (t.kinds.get(kind) ?? 0) + 1);
}
// A sample is a header line "comm pid/tid" and its stack, one frame per indented line.
let head: [string, string] | null = null;
let stack: string[] = [];
for (const line of text.split('\n')) {
  if (line.trim() === '') continue;
  if (!/^\s/.test(line)) {
    if (head) add(head[0], head[1], stack);
    const [comm = '?', tid = '?'] = line.trim().split(/\s+/);
    head = [comm, tid];
    stack = [];
  } else {
    const parts = line.trim().split(/\s+/);
    stack.push(parts.slice(1).join(' ') || '[unknown]');
  }
}
if (head) add(head[0], head[1], stack);

const s = (n: number): string => (n / hz).toFixed(2);
const busiest = [...threads.entries()].sort((a, b) => b[1].samples - a[1].samples).slice(0, Number(values.threads));
for (const [tid, t] of busiest) {
  process.stdout.write(`\n### ${t.comm} ${tid}: ${s(t.samples)} s\n\n| work | seconds | share |\n|---|---:|---:|\n`);
  for (const [k, n] of [...t.kinds.entries()].sort((a, b) => b[1] - a[1])) {
    process.stdout.write(`| ${k} | ${s(n)} | ${Math.round((n / t.samples) * 100)}% |\n`);
  }
}
