// `kioskctl check PATH [--bagit-only] [--json]` and `kioskctl import PATH [--json]`.
import { checkPath, importPath, ingestContextFor, type CheckOptions } from '../ingest';
import type { Kiosk } from '../kiosk';
import { formatProblem } from '../../shared/problem';
import { EXIT_FAILED, EXIT_OK } from './exit-codes';
import type { Out } from './out';

export async function check(target: string, opts: CheckOptions, out: Out): Promise<number> {
  const r = await checkPath(target, opts);
  if (!out.json) for (const w of r.warnings) out.info(`warning: ${formatProblem(w)}`);
  out.result({ valid: r.valid, problems: r.problems, warnings: r.warnings }, () =>
    r.valid ? `${target}: valid (${r.packages.length} package${r.packages.length === 1 ? '' : 's'})` : r.problems.map(formatProblem).join('\n'),
  );
  return r.valid ? EXIT_OK : EXIT_FAILED;
}

export async function importCmd(kiosk: Kiosk, target: string, opts: { operator: string | null }, out: Out, sourceKind: 'carrier' | 'demo' = 'carrier'): Promise<number> {
  const progress = out.progress?.bind(out);
  const ctx = ingestContextFor(kiosk, { operator: opts.operator, ...(progress ? { onProgress: progress } : {}) });
  const r = await importPath(ctx, target, sourceKind);
  const doc = {
    imported: r.imported.map(({ identifier, version, case: c, flags, status, holds }) => ({ identifier, version, case: c, flags, status, holds })),
    unchanged: r.unchanged.map(({ identifier, version, case: c }) => ({ identifier, version, case: c })),
    problems: r.problems,
    warnings: r.warnings,
  };
  out.result(doc, () =>
    [
      ...r.imported.map((x) => `imported ${x.case} ${x.identifier ?? '(incomplete)'} v${x.version} [${x.status}]${x.flags.length ? ` flags: ${x.flags.join(', ')}` : ''}${x.holds.length ? ` held: ${x.holds.join('; ')}` : ''}`),
      ...r.unchanged.map((x) => `unchanged ${x.case} ${x.identifier ?? '(incomplete)'} v${x.version} (already stored)`),
      ...r.problems.map((p) => `rejected: ${formatProblem(p)}`),
    ].join('\n') || 'nothing to import',
  );
  return r.problems.length ? EXIT_FAILED : EXIT_OK;
}
