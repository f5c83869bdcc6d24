// Finds the packages on a carrier (FORMATS.md §1): directories at most
// `maxDepth` levels below the root (the root itself included) that hold
// bagit.txt (a BagIt bag, not descended into) or, otherwise, .mp4 files and
// a SHA256SUMS file (a plain folder). A folder with .mp4 files but no
// SHA256SUMS is refused: the kiosk never imports a recording it has no stored
// hash for (DC-4). A folder named as an export's staging folder
// (INCOMPLETE-EXPORT-…) is refused whatever it holds: an export that never
// finished. Symbolic links are never followed.
import path from 'node:path';
import type { Problem } from '../../shared/problem';
import { incompleteExportProblem, isIncompleteExport } from './incomplete-export';
import { ProblemSink } from './problem-sink';
import { quote } from './names';
import { type CarrierIo, CarrierTimeoutError, DEFAULT_READ_TIMEOUT_MS, describeSpecial, isNodeError, lstat, readdirRaw } from './safe-fs';
import { SHA256SUMS } from './sha256sums';

export type PackageKind = 'bag' | 'plain';

export interface FoundPackage {
  /** Absolute path of the package directory. */
  readonly path: string;
  readonly kind: PackageKind;
}

export interface RefusedFolder {
  readonly path: string;
  readonly problems: Problem[];
}

export interface CarrierScan {
  readonly packages: FoundPackage[];
  /**
   * Folders that look like recordings (or are an unfinished export) but cannot
   * be imported, with why; file is relative to the root (the root itself goes
   * by its name).
   */
  readonly refused: RefusedFolder[];
  /** Problems of the carrier itself (links not followed, unreadable names, time-outs); file is relative to the root. */
  readonly problems: Problem[];
}

export interface ScanOptions {
  readonly maxDepth?: number;
  readonly readTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

export const DEFAULT_MAX_DEPTH = 3;

// Folders operating systems put on removable media; never packages.
const SYSTEM_DIRS = new Set(['system volume information', '$recycle.bin', 'lost+found']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function findPackages(carrierRoot: string, maxDepth = DEFAULT_MAX_DEPTH): Promise<FoundPackage[]> {
  return (await scanCarrier(carrierRoot, { maxDepth })).packages;
}

export async function scanCarrier(carrierRoot: string, opts: ScanOptions = {}): Promise<CarrierScan> {
  const root = path.resolve(carrierRoot);
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  const io: CarrierIo = { timeoutMs: opts.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS, signal: opts.signal };
  const sink = new ProblemSink();
  const packages: FoundPackage[] = [];
  const refused: RefusedFolder[] = [];
  const queue: Array<{ rel: string; depth: number }> = [{ rel: '', depth: 0 }];
  try {
    const st = await lstat(io, root, '.');
    if (!st.isDirectory()) {
      sink.error('.', 'carrier.not-directory', `the carrier root ${quote(root)} is not a directory${st.isSymbolicLink() ? ' (a symbolic link, not followed)' : ''}`);
      queue.length = 0;
    }
    while (queue.length > 0) {
      const dir = queue.shift();
      if (!dir) break;
      const abs = dir.rel ? path.join(root, dir.rel) : root;
      if (isIncompleteExport(abs)) {
        refused.push({ path: abs, problems: [incompleteExportProblem(dir.rel || path.basename(root))] });
        continue;
      }
      const entries: Array<{ name: string; kind: 'file' | 'dir' | 'special' }> = [];
      for (const b of await readdirRaw(io, abs, dir.rel || '.')) {
        let name: string;
        try {
          name = utf8.decode(b);
        } catch {
          sink.error(`${dir.rel ? `${dir.rel}/` : ''}${b.toString('latin1')}`, 'carrier.name-encoding', 'a name on the carrier is not UTF-8; it was skipped');
          continue;
        }
        const rel = dir.rel ? `${dir.rel}/${name}` : name;
        const est = await lstat(io, path.join(abs, name), rel);
        const special = describeSpecial(est);
        if (special) {
          sink.error(rel, 'carrier.special-file', `${quote(rel)} is ${special}; it is not followed`);
          entries.push({ name, kind: 'special' });
        } else {
          entries.push({ name, kind: est.isDirectory() ? 'dir' : 'file' });
        }
      }
      if (entries.some((e) => e.name === 'bagit.txt' && e.kind !== 'dir')) {
        packages.push({ path: abs, kind: 'bag' });
        continue;
      }
      const mp4 = entries.filter((e) => e.kind === 'file' && /\.mp4$/i.test(e.name));
      if (mp4.length > 0) {
        const sums = entries.find((e) => e.name.toUpperCase() === SHA256SUMS && e.kind === 'file');
        if (sums) {
          packages.push({ path: abs, kind: 'plain' });
        } else {
          const file = dir.rel ? `${dir.rel}/${SHA256SUMS}` : SHA256SUMS;
          refused.push({
            path: abs,
            problems: [
              {
                file,
                rule: 'plain.sums.missing',
                message: `${quote(dir.rel || '.')} holds ${mp4.length} .mp4 file(s) but no ${SHA256SUMS}; the kiosk never imports a recording it has no stored hash for`,
              },
            ],
          });
        }
        continue;
      }
      if (dir.depth >= maxDepth) continue;
      for (const e of entries.filter((x) => x.kind === 'dir').sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (e.name.startsWith('.') || SYSTEM_DIRS.has(e.name.toLowerCase())) continue;
        queue.push({ rel: dir.rel ? `${dir.rel}/${e.name}` : e.name, depth: dir.depth + 1 });
      }
    }
  } catch (e) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (e instanceof CarrierTimeoutError) sink.error(e.file, 'carrier.read-timeout', `${e.message}; the carrier may be failing, so the search stopped`);
    else if (isNodeError(e)) sink.error('.', 'carrier.io-error', `reading the carrier failed (${e.code ?? 'error'}); the search stopped`);
    else throw e;
  }
  sink.summarize();
  packages.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { packages, refused, problems: sink.problems };
}
