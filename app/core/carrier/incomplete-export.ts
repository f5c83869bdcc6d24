// The folder an export writes its package into before the package is logged,
// signed and renamed (app/core/export). Until the rename, its contents may
// already pass every BagIt and crp/1 check (a kill between the tag manifest
// and the rename leaves exactly that), so the name alone decides: a folder
// with this prefix is never a package, and `check` and `import` refuse it
// with rule `export.incomplete`, wherever on the carrier it lies.
import path from 'node:path';
import { type Problem, problem } from '../../shared/problem';
import { quote } from './names';

/** Prefix of the folder an export is written into before its rename. */
export const STAGING_PREFIX = 'INCOMPLETE-EXPORT-';

export function isIncompleteExport(dir: string): boolean {
  return path.basename(dir).startsWith(STAGING_PREFIX);
}

/** Why such a folder is refused; `file` names it as the caller shows paths. */
export function incompleteExportProblem(file: string): Problem {
  return problem(
    file,
    'export.incomplete',
    `${quote(file)} is an export that never finished; it was not logged as complete and must not be imported`,
  );
}
