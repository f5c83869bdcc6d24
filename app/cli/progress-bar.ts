// A progress bar on a terminal (stderr); the Out of a terminal that is not a
// TTY, or of --json, has none.
import type { ImportProgress } from '../core/ingest';

function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

export function drawProgress(p: ImportProgress): void {
  const width = 30;
  const frac = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 1;
  const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
  const eta = p.etaSec === null ? '' : ` ${Math.ceil(p.etaSec)} s left`;
  process.stderr.write(`\r${p.package} [${bar}] ${mib(p.bytesDone)}/${mib(p.bytesTotal)} ${p.filesDone}/${p.filesTotal} files ${mib(p.rateBytesPerSec)}/s${eta}   `);
  if (p.filesDone === p.filesTotal) process.stderr.write('\n');
}
