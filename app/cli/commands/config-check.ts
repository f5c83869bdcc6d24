// `kioskctl config check FILE [--files] [--json]`: the file's content (schema,
// the accounts' secret policy) and, with --files, the files it names; and
// always what a hostile neighbour could change: the file's mode, and the data
// directory it would be used with (--data-dir, KIOSK_DATA_DIR or the default,
// when it exists), the files in its keys/, and the key directory beside it
// (storage.keyDir, default `<data dir>-keys`) and the device key in it. Exit 0 valid, 1 invalid content,
// 2 an environment problem (config.mode, env.data-dir.mode, env.key-file.owner)
// or usage.
import { checkConfigFile, checkReferencedFiles } from '../../core/config';
import { resolveDataDir } from '../../core/data-dir';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../../core/commands/exit-codes';
import { configFileProblems, dataDirProblems, isEnvironmentProblem } from '../../core/file-safety';
import { defaultKeyDir, keyDirProblems } from '../../core/keys';
import { keyDirOf } from '../../core/kiosk';
import type { Out } from '../output';
import type { Problem } from '../../shared/problem';

export function configCheck(file: string, opts: { files: boolean; dataDir?: string }, out: Out): number {
  const dataDir = resolveDataDir(opts.dataDir);
  const r = checkConfigFile(file);
  const keyDir = r.ok ? keyDirOf({ dataDir, config: r.config, configFile: file }) : defaultKeyDir(dataDir);
  const problems: Problem[] = [...configFileProblems(file), ...dataDirProblems(dataDir), ...keyDirProblems(keyDir), ...(r.ok ? [] : r.problems)];
  if (r.ok && opts.files) problems.push(...checkReferencedFiles(file, r.config));
  const valid = problems.length === 0;
  if (!out.json) out.problems(problems);
  out.result({ valid, file, dataDir, problems }, () => (valid ? `${file}: valid` : `${file}: invalid (${problems.length} problem${problems.length === 1 ? '' : 's'})`));
  if (problems.some(isEnvironmentProblem)) return EXIT_USAGE;
  return valid ? EXIT_OK : EXIT_FAILED;
}
