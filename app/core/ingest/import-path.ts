// `import PATH` and `check PATH`: PATH is a package or a carrier's root (then
// every package up to 3 levels below it). One pipeline for every source.
import fs from 'node:fs';
import path from 'node:path';
import { isIncompleteExport, scanCarrier, type FoundPackage } from '../carrier';
import { type Problem, problem } from '../../shared/problem';
import type { IngestContext, ImportedRecording } from './context';
import { ingestPackage } from './ingest-package';
import { importPlainFolder, checkPlainFolder } from './plain-folder';
import { validatePackage } from './validate-package';
import { sourceRefusal } from './import-sources';

export interface ImportResult {
  readonly imported: ImportedRecording[];
  readonly unchanged: ImportedRecording[];
  readonly problems: Problem[];
  readonly warnings: Problem[];
}

interface PackagesAt {
  readonly packages: FoundPackage[];
  /** Why the path, or a folder on it, is refused. */
  readonly problems: Problem[];
}

const refusedPath = (p: Problem): PackagesAt => ({ packages: [], problems: [p] });

/**
 * Packages at a path. A folder refused on the carrier (e.g. .mp4 without
 * SHA256SUMS) refuses the whole path; an export that never finished
 * (INCOMPLETE-EXPORT-…, given itself or found on the carrier) is refused on
 * its own and the other packages go on.
 */
async function packagesAt(p: string): Promise<PackagesAt> {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return refusedPath(problem(p, 'import.path.missing', 'no such file or directory'));
  }
  if (!st.isDirectory()) return refusedPath(problem(p, 'import.path.not-directory', 'a package or a carrier is a directory'));
  if (!isIncompleteExport(p) && fs.existsSync(path.join(p, 'bagit.txt'))) return { packages: [{ path: p, kind: 'bag' }], problems: [] };
  const scan = await scanCarrier(p, { maxDepth: 3 });
  const unfinished = scan.refused.filter((r) => isIncompleteExport(r.path)).flatMap((r) => r.problems);
  const refused = scan.refused.filter((r) => !isIncompleteExport(r.path)).flatMap((r) => r.problems);
  if (refused.length) return refusedPath(refused[0]!);
  if (scan.packages.length === 0 && unfinished.length === 0) return refusedPath(problem(p, 'import.no-package', 'no crp/1 package or SHA256SUMS folder found up to 3 levels below'));
  return { packages: scan.packages, problems: unfinished };
}

/** Relative names in problems become carrier-relative paths a clerk can find. */
function locate(pkgDir: string, root: string, ps: readonly Problem[]): Problem[] {
  const rel = path.relative(root, pkgDir) || path.basename(pkgDir);
  return ps.map((p) => (path.isAbsolute(p.file) ? p : { ...p, file: path.join(rel, p.file) }));
}

export async function importPath(ctx: IngestContext, target: string, sourceKind: 'carrier' | 'demo' = 'carrier'): Promise<ImportResult> {
  const root = path.resolve(target);
  const { packages: pkgs, problems } = await packagesAt(root);
  const out: ImportResult = { imported: [], unchanged: [], problems: [...problems], warnings: [] };
  for (const p of pkgs) {
    const base = pkgs.length === 1 && p.path === root ? path.dirname(root) : root;
    // The demo seed is the appliance's own carrier, not a court's source.
    const source = p.kind === 'plain' ? 'plain-folder' : 'carrier';
    if (sourceKind !== 'demo' && ctx.importSources && !ctx.importSources.includes(source)) {
      out.problems.push(...locate(p.path, base, [sourceRefusal(source, '.', ctx.importSources)]));
      continue;
    }
    if (p.kind === 'plain') {
      const r = await importPlainFolder(ctx, p.path);
      out.imported.push(...r.imported);
      out.unchanged.push(...r.unchanged);
      out.problems.push(...locate(p.path, base, r.problems));
      continue;
    }
    const check = await validatePackage(p.path, { hashPayload: false, ...(ctx.readTimeoutMs !== undefined ? { readTimeoutMs: ctx.readTimeoutMs } : {}) });
    const r = await ingestPackage(ctx, check, sourceKind, p.path);
    out.imported.push(...r.imported);
    out.unchanged.push(...r.unchanged);
    out.problems.push(...locate(p.path, base, r.problems));
    out.warnings.push(...locate(p.path, base, r.warnings));
  }
  return out;
}

export async function checkPath(target: string, opts: { bagitOnly?: boolean; readTimeoutMs?: number } = {}): Promise<{ valid: boolean; problems: Problem[]; warnings: Problem[]; packages: string[] }> {
  const root = path.resolve(target);
  const { packages: pkgs, problems: refused } = await packagesAt(root);
  const problems: Problem[] = [...refused];
  const warnings: Problem[] = [];
  for (const p of pkgs) {
    const base = pkgs.length === 1 && p.path === root ? path.dirname(root) : root;
    if (p.kind === 'plain') {
      problems.push(...locate(p.path, base, await checkPlainFolder(p.path)));
      continue;
    }
    const c = await validatePackage(p.path, { hashPayload: true, ...opts });
    problems.push(...locate(p.path, base, c.problems));
    warnings.push(...locate(p.path, base, c.warnings));
  }
  return { valid: problems.length === 0, problems, warnings, packages: pkgs.map((p) => p.path) };
}
