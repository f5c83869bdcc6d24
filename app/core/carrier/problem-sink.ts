// Collects problems and warnings with a cap per rule, so a hostile package
// (a million bad manifest lines) cannot flood memory or the clerk's screen:
// past the cap, one summary problem says how many more were found.
import { type Problem, problem } from '../../shared/problem';

export const DEFAULT_PROBLEMS_PER_RULE = 1000;

export type Severity = 'error' | 'warning';

export class ProblemSink {
  readonly problems: Problem[] = [];
  readonly warnings: Problem[] = [];
  private readonly counts = new Map<string, number>();
  private readonly firstFile = new Map<string, string>();

  constructor(private readonly perRule = DEFAULT_PROBLEMS_PER_RULE) {}

  error(file: string, rule: string, message: string, field?: string): void {
    this.add('error', file, rule, message, field);
  }

  warn(file: string, rule: string, message: string, field?: string): void {
    this.add('warning', file, rule, message, field);
  }

  add(severity: Severity, file: string, rule: string, message: string, field?: string): void {
    const key = `${severity}\u0000${rule}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    if (n === 1) this.firstFile.set(key, file);
    if (n > this.perRule) return;
    (severity === 'error' ? this.problems : this.warnings).push(problem(file, rule, message, field));
  }

  hasErrors(): boolean {
    return this.problems.length > 0;
  }

  /** Appends one summary per rule that went over the cap; call once, at the end. */
  summarize(): void {
    for (const [key, n] of this.counts) {
      if (n <= this.perRule) continue;
      const [severity, rule = ''] = key.split('\u0000');
      const list = severity === 'error' ? this.problems : this.warnings;
      list.push(
        problem(
          this.firstFile.get(key) ?? '',
          rule,
          `${n - this.perRule} more ${severity === 'error' ? 'problems' : 'warnings'} of rule ${rule} were found and not listed (limit ${this.perRule} per rule)`,
        ),
      );
    }
  }
}
