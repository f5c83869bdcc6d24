// `kioskctl config check FILE [--files] [--json]`
import { checkConfigFile, checkReferencedFiles } from '../../core/config';
import { EXIT_FAILED, EXIT_OK } from '../../core/commands/exit-codes';
import type { Out } from '../output';
import type { Problem } from '../../shared/problem';

export function configCheck(file: string, opts: { files: boolean }, out: Out): number {
  const r = checkConfigFile(file);
  let problems: Problem[] = r.ok ? [] : r.problems;
  if (r.ok && opts.files) problems = checkReferencedFiles(file, r.config);
  const valid = problems.length === 0;
  if (!out.json) out.problems(problems);
  out.result({ valid, file, problems }, () => (valid ? `${file}: valid` : `${file}: invalid (${problems.length} problem${problems.length === 1 ? '' : 's'})`));
  return valid ? EXIT_OK : EXIT_FAILED;
}
