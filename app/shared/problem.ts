// A problem found in input: names the file, the rule broken and says why, so
// a clerk or court IT can act on it without reading code (Q-2).
export interface Problem {
  /** Path of the offending file, relative to the package or carrier where possible. */
  readonly file: string;
  /** Stable rule identifier, e.g. `bagit.manifest.hash`, `crp.date.format`. */
  readonly rule: string;
  /** Human-readable explanation (English; UIs translate by `rule`). */
  readonly message: string;
  /** The field inside the file, when the problem is about one (e.g. `recordings[0].date`). */
  readonly field?: string;
}

export function problem(file: string, rule: string, message: string, field?: string): Problem {
  return field === undefined ? { file, rule, message } : { file, rule, message, field };
}

export function formatProblem(p: Problem): string {
  return `${p.file}${p.field ? ` [${p.field}]` : ''}: ${p.rule}: ${p.message}`;
}
