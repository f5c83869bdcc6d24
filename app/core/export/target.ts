// The target of an export: a carrier's mount point or any directory. Checked
// before the first byte: it exists and is a directory, is writable, is not
// inside the kiosk's own data directory, has room, and nothing is already
// where the package would go. Staging folders of an interrupted export
// (clearly named, never valid as a finished package's name) are removed so a
// re-run completes.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { STAGING_PREFIX, isIncompleteExport } from '../carrier';
import { KioskError } from '../errors';
import { problem } from '../../shared/problem';
import { fsyncDir } from '../fsync-dir';

// The prefix is the carrier's: `check` and `import` refuse a folder so named (export.incomplete).
export { STAGING_PREFIX };
/** Room kept free beyond the package's bytes: tag files, directory blocks, file-system slack. */
const HEADROOM_BYTES = 4 << 20;

function refuse(message: string, rule: string, file: string): never {
  throw new KioskError('refused', message, [problem(file, rule, message, 'to')]);
}

function within(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function realOrResolved(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

export interface TargetCheck {
  readonly root: string;
  readonly finalDir: string;
  readonly stagingDir: string;
}

export async function checkTarget(to: string, packageName: string, dataDir: string, bytesNeeded: number, fileCount: number): Promise<TargetCheck> {
  const root = realOrResolved(to);
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
  } catch {
    refuse(`target ${to} does not exist: mount the carrier or create the directory; nothing was written`, 'export.target.missing', to);
  }
  if (!st.isDirectory()) refuse(`target ${to} is not a directory; nothing was written`, 'export.target.not-directory', to);
  if (within(root, realOrResolved(dataDir))) {
    refuse(`target ${to} is inside the kiosk's own data directory; an export must leave the device; nothing was written`, 'export.target.inside-data-dir', to);
  }
  // access(W_OK) says yes to root on a read-only bind or a write-protected card; only a real write proves it.
  const probe = path.join(root, `.court-kiosk-write-probe-${crypto.randomBytes(4).toString('hex')}`);
  try {
    const fh = await fsp.open(probe, 'wx', 0o600);
    await fh.close();
    await fsp.rm(probe, { force: true });
  } catch (e) {
    refuse(`target ${to} is not writable (${(e as NodeJS.ErrnoException).code ?? 'error'}); nothing was written`, 'export.target.not-writable', to);
  }
  const finalDir = path.join(root, packageName);
  const stagingDir = path.join(root, `${STAGING_PREFIX}${packageName}`);
  if (fs.existsSync(finalDir)) {
    refuse(`${finalDir} already exists; the package would go there; nothing was written`, 'export.target.not-empty', finalDir);
  }
  await removeStaleStaging(root);
  const sfs = await fsp.statfs(root);
  const free = Number(sfs.bavail) * Number(sfs.bsize);
  // Every file may waste up to a block.
  const need = bytesNeeded + (fileCount + 8) * Number(sfs.bsize) + HEADROOM_BYTES;
  if (free < need) {
    refuse(`target ${to} has ${free} bytes free, the package needs ${need}; nothing was written`, 'export.target.too-small', to);
  }
  return { root, finalDir, stagingDir };
}

/** Staging folders left by an export that was killed or whose carrier was pulled: never a package, always removed. */
export async function removeStaleStaging(root: string): Promise<string[]> {
  const removed: string[] = [];
  for (const e of await fsp.readdir(root, { withFileTypes: true })) {
    if (!e.isDirectory() || !isIncompleteExport(e.name)) continue;
    await fsp.rm(path.join(root, e.name), { recursive: true, force: true });
    removed.push(e.name);
  }
  if (removed.length) await fsyncDir(root);
  return removed;
}

export { fsyncDir };

/** A folder name from a case signature: letters, digits, `.`, `_`, `-` (a carrier may be FAT). */
export function packageNameFor(caseSignature: string, at: Date): string {
  const sig = caseSignature.normalize('NFC').replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 80) || 'case';
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${sig}_export_${stamp}`;
}
