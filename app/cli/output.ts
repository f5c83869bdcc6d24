// Output helpers: `--json` prints exactly one JSON document on stdout;
// human text goes to stdout, diagnostics to stderr.
import { formatProblem, type Problem } from '../shared/problem';

export interface Out {
  readonly json: boolean;
  result(doc: unknown, human: () => string): void;
  info(line: string): void;
  problems(ps: readonly Problem[]): void;
}

export function makeOut(json: boolean): Out {
  return {
    json,
    result(doc, human) {
      process.stdout.write(json ? JSON.stringify(doc, null, 2) + '\n' : human() + (human().endsWith('\n') ? '' : '\n'));
    },
    info(line) {
      process.stderr.write(line + '\n');
    },
    problems(ps) {
      for (const p of ps) process.stderr.write(formatProblem(p) + '\n');
    },
  };
}
