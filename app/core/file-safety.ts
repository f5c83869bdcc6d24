// Files and folders a hostile neighbour (another user, a compromised service
// on the same machine) must not be able to change or plant. Refused, never
// repaired: a config others could write may already hold their accounts, a
// key file someone else owns may already be theirs, so court IT decides.
//
//   config.mode          kiosk-config is group- or world-writable
//   env.data-dir.mode    the data directory, or a folder in it, is group- or world-writable
//   env.key-file.owner   a key file is not owned by the kiosk's user (this process's uid)
//
// Each is an environment error: exit 2 (`kioskctl config check`, every start).
// Mode bits and owners only make sense on POSIX; on Windows the ACLs decide.
import fs from 'node:fs';
import path from 'node:path';
import { dataLayout } from './data-dir';
import { KioskError } from './errors';
import { formatProblem, problem, type Problem } from '../shared/problem';

const POSIX = process.platform !== 'win32';

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

const modeOf = (st: fs.Stats): string => (st.mode & 0o7777).toString(8).padStart(4, '0');
const writableByOthers = (st: fs.Stats): boolean => (st.mode & 0o022) !== 0;

/** The rules above: a problem with one of them is the machine's, not the input's (exit 2). */
export function isEnvironmentProblem(p: Problem): boolean {
  return p.rule === 'config.mode' || p.rule.startsWith('env.');
}

/** kiosk-config must be writable by its owner alone (it names the accounts, the TIS and whom to trust). */
export function configFileProblems(file: string): Problem[] {
  const st = POSIX ? statOrNull(file) : null;
  if (!st || !writableByOthers(st)) return [];
  return [
    problem(file, 'config.mode', `mode ${modeOf(st)}: group or others may write this kiosk-config (its accounts, TIS and trusted signers); run chmod go-w on it and check it was not changed`),
  ];
}

/** A key file must belong to the kiosk's user; one owned by anyone else may have been planted or swapped. */
export function keyFileProblems(file: string): Problem[] {
  const uid = POSIX ? process.getuid?.() : undefined;
  const st = uid === undefined ? null : statOrNull(file);
  if (!st || st.uid === uid) return [];
  return [
    problem(file, 'env.key-file.owner', `owned by uid ${st.uid}, not by the kiosk's user (uid ${uid}); treat the key as exposed or replaced: re-provision, or chown it if you are sure it was not`),
  ];
}

/**
 * The data directory, the folders the kiosk keeps in it and every key file in
 * keys/. Nothing is created: a data directory that does not exist yet has no
 * problems (it is made 0700).
 */
export function dataDirProblems(root: string): Problem[] {
  if (!POSIX) return [];
  const l = dataLayout(root);
  const out: Problem[] = [];
  for (const dir of [l.root, l.objects, l.staging, l.keys, l.quarantine, l.exports]) {
    const st = statOrNull(dir);
    if (st?.isDirectory() && writableByOthers(st)) {
      out.push(problem(dir, 'env.data-dir.mode', `mode ${modeOf(st)}: group or others may write the kiosk's data directory, so they could add, swap or remove what it holds; it must be 0700 (chmod 700)`));
    }
  }
  let keys: string[] = [];
  try {
    keys = fs.readdirSync(l.keys);
  } catch {
    // no keys/ yet
  }
  for (const name of keys.sort()) out.push(...keyFileProblems(path.join(l.keys, name)));
  return out;
}

/** Throws an environment KioskError naming every problem, when there is any. */
export function refuseUnsafe(problems: readonly Problem[]): void {
  if (problems.length === 0) return;
  throw new KioskError('environment', problems.map(formatProblem).join('; '), problems);
}
