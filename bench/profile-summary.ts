// Where the seconds go, from a V8 .cpuprofile: a Markdown table of self time
// by kind of work and by function, the folded stacks (the input format of
// flamegraph.pl, inferno and speedscope), and a flame graph as SVG beside it.
//   npx tsx bench/profile-summary.ts docs/perf/import-before.cpuprofile [...]
import fs from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** The kinds of work the issue asks about, recognised by function and file. */
const KINDS: Array<[string, (name: string, url: string) => boolean]> = [
  ['idle (waiting for I/O or the worker)', (n) => n === '(idle)'],
  ['garbage collection', (n) => n === '(garbage collector)'],
  ['SHA-256', (n, u) => /crypto\/hash/.test(u) || n === 'digest'],
  ['AES-256-GCM', (n, u) => /crypto\/cipher/.test(u)],
  ['TLS and HTTP parsing', (n, u) => /_tls_|tls_wrap|_http_|llhttp|net:/.test(u) || /^(onStreamRead|parserOnBody|parserOnHeadersComplete|execute)$/.test(n)],
  ['file system calls (JS side)', (n, u) => /fs\/promises|internal\/fs/.test(u) || /^(read|write|writev|writeBuffers|fsync|fdatasync|open|close)$/.test(n)],
  ['copies (Buffer.set / copy / concat)', (n) => /^(set|copy|concat|_copyActual|allocUnsafe)$/.test(n)],
  ['program (V8 and Node outside JS)', (n) => n === '(program)'],
];

function kindOf(n: string, u: string): string {
  for (const [k, f] of KINDS) if (f(n, u)) return k;
  return 'other JavaScript';
}

function short(url: string): string {
  return url.replace(/^file:\/\/.*?\/(app|bench|node_modules|scripts)\//, '$1/');
}

export function summarise(file: string): string {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const kinds = new Map<string, number>();
  const funcs = new Map<string, number>();
  const folded = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName || '(anonymous)';
    // A native function (no URL) counts as the kind of work of its JavaScript caller.
    let k = kindOf(name, n.callFrame.url);
    for (let x = parent.get(id); k === 'other JavaScript' && !n.callFrame.url && x !== undefined; x = parent.get(x)) {
      const f = byId.get(x)!.callFrame;
      if (f.url) {
        k = kindOf(f.functionName, f.url);
        break;
      }
    }
    kinds.set(k, (kinds.get(k) ?? 0) + us);
    const key = `${name} ${short(n.callFrame.url)}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`.trim();
    funcs.set(key, (funcs.get(key) ?? 0) + us);
    const stack: string[] = [];
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
      const f = byId.get(x)!.callFrame;
      if (f.functionName !== '(root)') stack.push((f.functionName || '(anonymous)').replace(/;/g, ':'));
    }
    const line = stack.reverse().join(';');
    folded.set(line, (folded.get(line) ?? 0) + us);
  }
  const ms = (us: number): string => (us / 1000).toFixed(0).padStart(6);
  const pct = (us: number): string => ((100 * us) / total).toFixed(1).padStart(5);
  const rows = (m: Map<string, number>, n: number): string[] =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `| ${ms(us)} | ${pct(us)} % | ${k.replace(/\|/g, '\\|')} |`);
  const base = file.replace(/\.cpuprofile$/, '');
  fs.writeFileSync(`${base}.folded`, [...folded].map(([s, us]) => `${s} ${Math.round(us)}`).join('\n') + '\n');
  fs.writeFileSync(`${base}.svg`, flameSvg(folded, total, base.split('/').at(-1) ?? ''));
  return [
    `### ${base.split('/').at(-1)} (main thread, ${(total / 1e6).toFixed(2)} s sampled)`,
    '',
    '| ms | share | kind of work |',
    '|---:|---:|---|',
    ...rows(kinds, 20),
    '',
    '| ms | share | function (self time) |',
    '|---:|---:|---|',
    ...rows(funcs, 12),
    '',
  ].join('\n');
}

/** A plain icicle-free flame graph (root at the bottom), widths by self+children time. */
function flameSvg(folded: Map<string, number>, total: number, title: string): string {
  interface Frame { name: string; value: number; children: Map<string, Frame> }
  const root: Frame = { name: 'all', value: 0, children: new Map() };
  for (const [stack, us] of folded) {
    root.value += us;
    let f = root;
    for (const name of stack.split(';')) {
      let c = f.children.get(name);
      if (!c) f.children.set(name, (c = { name, value: 0, children: new Map() }));
      c.value += us;
      f = c;
    }
  }
  const W = 1200, H = 16;
  const rects: string[] = [];
  let depthMax = 0;
  const walk = (f: Frame, x: number, depth: number): void => {
    const w = (f.value / total) * W;
    if (w < 0.3) return;
    depthMax = Math.max(depthMax, depth);
    const hue = 10 + ((f.name.length * 7) % 40);
    const label = w > 40 ? f.name.slice(0, Math.floor(w / 7)) : '';
    const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    rects.push(`<g><title>${esc(f.name)} ${(f.value / 1000).toFixed(0)} ms (${((100 * f.value) / total).toFixed(1)} %)</title><rect x="${x.toFixed(1)}" y="{Y${depth}}" width="${w.toFixed(1)}" height="${H - 1}" fill="hsl(${hue},80%,60%)"/><text x="${(x + 3).toFixed(1)}" y="{T${depth}}">${esc(label)}</text></g>`);
    let cx = x;
    for (const c of [...f.children.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      walk(c, cx, depth + 1);
      cx += (c.value / total) * W;
    }
  };
  walk(root, 0, 0);
  const height = (depthMax + 2) * H + 20;
  const body = rects.join('\n').replace(/\{Y(\d+)\}/g, (_, d: string) => String(height - (Number(d) + 1) * H)).replace(/\{T(\d+)\}/g, (_, d: string) => String(height - (Number(d) + 1) * H + 11));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" font-family="monospace" font-size="10"><text x="4" y="14" font-size="12">${title}: flame graph of the main thread (width = time)</text>\n${body}\n</svg>\n`;
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  for (const f of process.argv.slice(2)) process.stdout.write(`${summarise(f)}\n`);
}
