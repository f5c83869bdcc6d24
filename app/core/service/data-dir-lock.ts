// The data directory has exactly one owner at a time: the kiosk service for
// its whole life, or a kioskctl command for its duration when no service runs.
// The lock is SQLite's own POSIX record lock on `kiosk.lock`, held by an
// EXCLUSIVE transaction that is never committed. The kernel drops it when the
// process ends however it ends (SIGKILL, power cut), so a stale lock cannot
// outlive its holder. SQLite also tracks its locks per inode within a process,
// so a second open in the same process is refused like one in another process.
// Who holds it is written beside it in `owner.json`, for the message a refused
// second owner prints.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { KioskError } from '../errors';
import { problem } from '../../shared/problem';

export type OwnerKind = 'service' | 'command';

export interface OwnerInfo {
  readonly pid: number;
  readonly kind: OwnerKind;
  /** What the owner is: `kioskctl serve`, `kioskctl import`, `electron`… */
  readonly what: string;
  readonly since: string;
  readonly version: string;
}

export interface DataDirLock {
  readonly owner: OwnerInfo;
  release(): void;
}

export const lockFile = (root: string): string => path.join(root, 'kiosk.lock');
export const ownerFile = (root: string): string => path.join(root, 'owner.json');

/** The owner recorded for a data directory, or null when none is recorded or it is unreadable. */
export function readOwner(root: string): OwnerInfo | null {
  try {
    const o = JSON.parse(fs.readFileSync(ownerFile(root), 'utf8')) as Partial<OwnerInfo>;
    if (typeof o.pid !== 'number' || (o.kind !== 'service' && o.kind !== 'command')) return null;
    return { pid: o.pid, kind: o.kind, what: String(o.what ?? ''), since: String(o.since ?? ''), version: String(o.version ?? '') };
  } catch {
    return null;
  }
}

function isBusy(e: unknown): boolean {
  const c = (e as { code?: unknown }).code;
  return typeof c === 'string' && (c === 'SQLITE_BUSY' || c.startsWith('SQLITE_BUSY_') || c === 'SQLITE_LOCKED');
}

/** Takes the lock now, or returns null when another owner holds it. */
export function tryLockDataDir(root: string, who: Omit<OwnerInfo, 'pid' | 'since'>): DataDirLock | null {
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  const db = new Database(lockFile(root));
  try {
    db.pragma('busy_timeout = 0');
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if (isBusy(e)) return null;
    throw e;
  }
  const owner: OwnerInfo = { pid: process.pid, since: new Date().toISOString(), ...who };
  const tmp = `${ownerFile(root)}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(owner) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, ownerFile(root));
  let held = true;
  return {
    owner,
    release() {
      if (!held) return;
      held = false;
      // The owner file is left for the next owner to replace: removing it here
      // could race a new owner that has just written its own.
      db.close();
    },
  };
}

export function heldError(root: string, holder: OwnerInfo | null): KioskError {
  const who = holder ? `PID ${holder.pid} (${holder.what}, since ${holder.since})` : 'another process';
  const msg = `the data directory ${root} is held by ${who}; one kiosk has one owner of its data`;
  return new KioskError('environment', msg, [problem(root, 'env.data-dir-held', msg)]);
}

/** Takes the lock or throws env.data-dir-held naming the holder (exit 2). */
export function lockDataDir(root: string, who: Omit<OwnerInfo, 'pid' | 'since'>): DataDirLock {
  const lock = tryLockDataDir(root, who);
  if (!lock) throw heldError(root, readOwner(root));
  return lock;
}
