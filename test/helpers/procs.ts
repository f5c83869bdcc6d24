// The machine's processes as /proc shows them: for tests that prove a secret
// is in no process's argv or environment.
import fs from 'node:fs';

export interface ProcSeen {
  readonly pid: number;
  readonly cmdline: string;
  readonly environ: string;
}

/** Every process on the machine whose argv and environment this user may read. */
export function allProcesses(): ProcSeen[] {
  const out: ProcSeen[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      out.push({ pid: Number(d), cmdline: fs.readFileSync(`/proc/${d}/cmdline`, 'latin1'), environ: fs.readFileSync(`/proc/${d}/environ`, 'latin1') });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}
