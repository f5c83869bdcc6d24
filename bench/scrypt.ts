// PIN hash cost bench: `npx tsx bench/scrypt.ts [--runs 8]` prints one JSON
// document. What one guess at a clerk PIN or an admin password costs with the
// default scrypt parameters (DEFAULT_SCRYPT) and the neighbours, as CPU time
// (what a guesser pays, little disturbed by other work on the machine) and
// wall time (what a clerk waits at the PIN pad). Goal: >= 250 ms of CPU per
// guess with the default.
import { DEFAULT_SCRYPT, hashPin, verifyPin, type ScryptParams } from '../app/core/auth/pin-hash';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 8;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

async function measure(params: ScryptParams): Promise<Record<string, unknown>> {
  const stored = await hashPin('135790', params);
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    if (!(await verifyPin(stored, '135790'))) throw new Error('bench hash did not verify');
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return {
    params,
    memoryMiB: (128 * 2 ** params.ln * params.r) / 2 ** 20,
    cpuMs: { min: Math.round(Math.min(...cpu)), median: Math.round(median(cpu)) },
    wallMs: { min: Math.round(Math.min(...wall)), median: Math.round(median(wall)) },
  };
}

const results = [];
for (const ln of [15, 16, 17, 18]) results.push({ default: ln === DEFAULT_SCRYPT.ln, ...(await measure({ ...DEFAULT_SCRYPT, ln })) });
const def = results.find((r) => r.default) as { cpuMs: { min: number } } | undefined;
process.stdout.write(
  JSON.stringify({ bench: 'scrypt', runs: RUNS, goal: { cpuMsPerGuessAtLeast: 250 }, met: (def?.cpuMs.min ?? 0) >= 250, results }, null, 2) + '\n',
);
