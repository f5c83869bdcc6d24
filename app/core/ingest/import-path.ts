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
import { exportProvenance } from '../export/provenance';
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

/** Rules the copy can meet that `check` decides too; the others (a version conflict with the store, the catalog) only an import can meet. */
const CHECKED_RULE = /^(bagit|carrier|crp|media)\.|^ingest\.read$/;

/**
 * `import` is `check` plus the commit: the verdict on a package is the one
 * validatePackage gives with every payload hash computed, as for `check`.
 * The import takes the manifests' hashes first and hashes each file once,
 * as it copies (or, for a file it does not copy, on its own); whenever that
 * finds anything wrong, it reports `check`'s verdict in full besides.
 */
async function importPackage(ctx: IngestContext, dir: string, sourceKind: 'carrier' | 'demo') {
  const timeout = ctx.readTimeoutMs !== undefined ? { readTimeoutMs: ctx.readTimeoutMs } : {};
  const full = () => validatePackage(dir, { ...timeout, hashPayload: true });
  let check = await validatePackage(dir, { ...timeout, hashPayload: false });
  if (check.problems.length) check = await full();
  const r = await ingestPackage(ctx, check, sourceKind, dir);
  if (check.problems.length || !r.problems.some((p) => CHECKED_RULE.test(p.rule))) return r;
  // What the copy met comes first (e.g. a carrier pulled mid-copy), then the
  // rest of check's verdict on the package as it is now.
  const again = await full();
  const more = again.problems.filter((p) => !r.problems.some((q) => q.file === p.file && q.rule === p.rule));
  return { ...r, problems: [...r.problems, ...more], warnings: again.problems.length ? again.warnings : r.warnings };
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
    const r = await importPackage(ctx, p.path, sourceKind);
    out.imported.push(...r.imported);
    out.unchanged.push(...r.unchanged);
    out.problems.push(...locate(p.path, base, r.problems));
    out.warnings.push(...locate(p.path, base, r.warnings));
  }
  return out;
}

export interface CheckOptions {
  readonly bagitOnly?: boolean;
  readonly readTimeoutMs?: number;
  /** kiosk-config's trusted devices: an export signed by one must verify, as on import (export.signature.invalid). */
  readonly trustedDevices?: IngestContext['trustedDevices'];
}

export async function checkPath(target: string, opts: CheckOptions = {}): Promise<{ valid: boolean; problems: Problem[]; warnings: Problem[]; packages: string[] }> {
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
    const c = await validatePackage(p.path, { ...opts, hashPayload: true });
    problems.push(...locate(p.path, base, c.problems));
    // Checked where ingestPackage checks it: once the package is otherwise valid.
    if (c.problems.length === 0 && c.bag && !opts.bagitOnly) {
      const signed = await exportProvenance(p.path, c.bag, opts.trustedDevices ?? []);
      if ('problem' in signed) problems.push(...locate(p.path, base, [signed.problem]));
    }
    warnings.push(...locate(p.path, base, c.warnings));
  }
  return { valid: problems.length === 0, problems, warnings, packages: pkgs.map((p) => p.path) };
}
