// kiosk-config's `importSources` is obeyed, not just parsed: a carrier's
// crp/1 package, a plain SHA256SUMS folder and a TIS fetch each import only
// when their source is listed. A refusal names the config key, so court IT
// knows which line of kiosk-config to change (and that nothing was stored).
import type { KioskConfig } from '../config';
import { KioskError } from '../errors';
import { type Problem, problem } from '../../shared/problem';

export type ImportSource = KioskConfig['importSources'][number];

export const IMPORT_SOURCE_RULE = 'config.import-source.refused';

/** The problem for a source kiosk-config does not allow; `file` is what was refused (a folder, a TIS listing). */
export function sourceRefusal(source: ImportSource, file: string, allowed: readonly ImportSource[]): Problem {
  const listed = allowed.length ? allowed.map((s) => `"${s}"`).join(', ') : 'nothing';
  return problem(file, IMPORT_SOURCE_RULE, `importSources in kiosk-config does not include "${source}" (it allows ${listed}); nothing was imported`, 'importSources');
}

/** Throws a refusal (exit 1) unless kiosk-config allows `source`. */
export function requireSource(config: Pick<KioskConfig, 'importSources'>, source: ImportSource, file: string): void {
  if (config.importSources.includes(source)) return;
  const p = sourceRefusal(source, file, config.importSources);
  throw new KioskError('refused', p.message, [p]);
}
