// How a command's exception becomes output and an exit code: one mapping for
// kioskctl alone and for the kiosk service answering a client, so both print
// and exit the same. Environment errors (ENOSPC, EIO, EACCES, a held lock) are
// exit 2 with an `env.*` rule naming the path, never a carrier's rule.
import { KioskError } from '../errors';
import { EXIT_FAILED, EXIT_USAGE } from './exit-codes';
import type { Out } from './out';
import { environmentError } from '../errors/environment';

export function commandFailure(e: unknown, out: Out, write: (s: string) => void = (s) => process.stderr.write(s)): number {
  const err = e instanceof KioskError ? e : environmentError(e);
  if (err) {
    out.problems(err.problems);
    const code = err.code === 'usage' || err.code === 'environment' || err.code === 'config' ? EXIT_USAGE : EXIT_FAILED;
    if (out.json) out.result({ ok: false, error: { code: err.code, message: err.message, problems: err.problems } }, () => '');
    write(`kioskctl: ${err.message}\n`);
    return code;
  }
  write(`kioskctl: ${(e as Error).stack ?? String(e)}\n`);
  return EXIT_USAGE;
}
