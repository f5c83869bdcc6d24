// The terminal's Out: `--json` prints exactly one JSON document on stdout;
// human text goes to stdout, diagnostics and the progress bar to stderr.
import { formatProblem } from '../shared/problem';
import type { Out } from '../core/commands/out';
import { drawProgress } from './progress-bar';

export type { Out } from '../core/commands/out';

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
    ...(json || !process.stderr.isTTY ? {} : { progress: drawProgress }),
  };
}
