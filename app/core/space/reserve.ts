// Free space is checked before anything that needs it: a session (whose
// viewing log must be writable to its end) and an import (whose bytes must
// fit). Below the configured reserve (kiosk-config `storage.reserveBytes`)
// the action is refused before it starts, as an environment error (exit 2,
// rule `env.no-space`) naming the data directory, never a carrier's rule.
import fs from 'node:fs';
import { KioskError } from '../errors';
import { problem, type Problem } from '../../shared/problem';

export const DEFAULT_RESERVE_BYTES = 512 * 1024 * 1024;

/** Bytes an unprivileged writer can still use on the file system holding `dir`. */
export function freeBytes(dir: string): number {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

const MiB = 1024 * 1024;
const mib = (n: number): string => `${(n / MiB).toFixed(n < 10 * MiB ? 1 : 0)} MiB`;

export interface SpaceState {
  readonly dir: string;
  readonly freeBytes: number;
  readonly reserveBytes: number;
  /** Free space is below the reserve: sessions are refused. */
  readonly low: boolean;
}

export function spaceState(dir: string, reserveBytes: number): SpaceState {
  const free = freeBytes(dir);
  return { dir, freeBytes: free, reserveBytes, low: free < reserveBytes };
}

/** The problem that refuses a new session when free space is below the reserve; null when there is room. */
export function sessionSpaceProblem(dir: string, reserveBytes: number): Problem | null {
  const s = spaceState(dir, reserveBytes);
  if (!s.low) return null;
  return problem(
    dir,
    'session.space-low',
    `only ${mib(s.freeBytes)} free in ${dir}, below the reserve of ${mib(reserveBytes)} (storage.reserveBytes): no session is opened until space is freed`,
    'storage.reserveBytes',
  );
}

/** Throws env.no-space unless `bytes` fit in `dir` with the reserve left over. Called before the first byte is copied. */
export function requireSpace(dir: string, bytes: number, reserveBytes: number, what: string): void {
  const free = freeBytes(dir);
  if (free - bytes >= reserveBytes) return;
  const message = `${what} needs ${mib(bytes)} plus the reserve of ${mib(reserveBytes)} (storage.reserveBytes), but ${dir} has ${mib(free)} free; nothing was copied`;
  throw new KioskError('environment', message, [problem(dir, 'env.no-space', message, 'storage.reserveBytes')]);
}
