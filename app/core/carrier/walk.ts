// Walks a package on a carrier with lstat only. Symbolic links, FIFOs,
// sockets and device files are reported (`carrier.special-file`) and never
// opened or followed; names that collide after NFC normalisation or case
// folding (`carrier.name-collision`) and names that are not UTF-8
// (`carrier.name-encoding`) are reported too. Only regular files are returned.
import path from 'node:path';
import type { Stats } from 'node:fs';
import type { ProblemSink } from './problem-sink';
import { type CarrierIo, describeSpecial, lstat, readdirRaw } from './safe-fs';
import { collision, foldKey, nfc, quote } from './names';

export interface WalkedFile {
  /** Relative path as on disk, '/'-separated. */
  readonly rel: string;
  /** NFC form of `rel`: the key manifests are matched on. */
  readonly key: string;
  readonly size: number;
  readonly stat: Stats;
}

export interface WalkOptions {
  readonly maxEntries: number;
  readonly maxDepth: number;
}

export interface WalkResult {
  readonly files: WalkedFile[];
  /** True when the entry cap stopped the walk. */
  readonly truncated: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function walkTree(io: CarrierIo, root: string, sink: ProblemSink, opts: WalkOptions): Promise<WalkResult> {
  const files: WalkedFile[] = [];
  let entries = 0;
  const stack: Array<{ rel: string; depth: number }> = [{ rel: '', depth: 0 }];
  while (stack.length > 0) {
    const dir = stack.pop();
    if (!dir) break;
    const absDir = dir.rel === '' ? root : path.join(root, dir.rel);
    const raw = await readdirRaw(io, absDir, dir.rel || '.');
    const names: string[] = [];
    for (const b of raw) {
      try {
        names.push(utf8.decode(b));
      } catch {
        const shown = `${dir.rel ? `${dir.rel}/` : ''}${b.toString('latin1')}`;
        sink.error(shown, 'carrier.name-encoding', `${quote(shown)} is not a UTF-8 file name; it cannot be matched against a manifest`);
      }
    }
    names.sort();
    const seen = new Map<string, string>();
    const subdirs: Array<{ rel: string; depth: number }> = [];
    for (const name of names) {
      const rel = dir.rel ? `${dir.rel}/${name}` : name;
      if (++entries > opts.maxEntries) {
        sink.error(rel, 'carrier.too-many-files', `the package holds more than ${opts.maxEntries} entries; the walk stopped at ${quote(rel)}`);
        return { files, truncated: true };
      }
      const fk = foldKey(name);
      const other = seen.get(fk);
      if (other !== undefined) {
        const kind = collision(other, name);
        sink.error(
          rel,
          'carrier.name-collision',
          `${quote(rel)} and ${quote(other)} ${kind === 'normalization' ? 'differ only in Unicode normalisation' : 'differ only in case'}; on many file systems they are one file`,
        );
      } else {
        seen.set(fk, name);
      }
      const st = await lstat(io, path.join(absDir, name), rel);
      const special = describeSpecial(st);
      if (special) {
        sink.error(rel, 'carrier.special-file', `${quote(rel)} is ${special}; a package may hold only regular files and directories, and it is not followed or opened`);
        continue;
      }
      if (st.isDirectory()) {
        if (dir.depth + 1 > opts.maxDepth) {
          sink.error(rel, 'carrier.too-deep', `${quote(rel)} is nested deeper than ${opts.maxDepth} directories; it was not read`);
          continue;
        }
        subdirs.push({ rel, depth: dir.depth + 1 });
      } else {
        files.push({ rel, key: nfc(rel), size: st.size, stat: st });
      }
    }
    // Reverse so the stack pops them in name order: stable reports.
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i] as { rel: string; depth: number });
  }
  return { files, truncated: false };
}
