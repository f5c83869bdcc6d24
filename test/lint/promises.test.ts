// A promise nobody waits for, or one handed to a callback that ignores it, is
// a lint error in app/core (eslint.config.js), proven with the project's own
// config on code that does each.
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths';

const eslint = new ESLint({ cwd: REPO });

// Typed linting places a file in tsconfig's program, which lintText cannot add
// a new file to: the code is linted as the text of an existing core file
// instead (nothing is written to disk; the file itself is not read).
const CORE_FILE = 'app/core/session/service.ts';

const RULES = ['@typescript-eslint/no-floating-promises', '@typescript-eslint/no-misused-promises'];

async function promiseErrors(code: string): Promise<Array<{ rule: string | null; line: number }>> {
  const [r] = await eslint.lintText(code, { filePath: path.join(REPO, CORE_FILE) });
  // A parse error (no program found) is returned too: it would make every case below pass vacuously.
  return (r?.messages ?? [])
    .filter((m) => m.fatal || (m.ruleId !== null && RULES.includes(m.ruleId) && m.severity === 2))
    .map((m) => ({ rule: m.ruleId, line: m.line }));
}

const PRELUDE = `
export async function writeEntry(): Promise<void> {}
export function onEvent(listener: () => void): void {
  listener();
}
`;
const prelude = PRELUDE.split('\n').length - 1;

describe('promises in app/core are lint errors', () => {
  // The first lint builds the whole program: slow on a busy 2-core machine.
  it('a floating promise is an error', { timeout: 180_000 }, async () => {
    expect(await promiseErrors(`${PRELUDE}export function f(): void {\n  writeEntry();\n}\n`)).toEqual([
      { rule: '@typescript-eslint/no-floating-promises', line: prelude + 2 },
    ]);
  });

  it('a promise-returning function where a void callback is expected is an error', { timeout: 180_000 }, async () => {
    expect(await promiseErrors(`${PRELUDE}onEvent(async () => {\n  await writeEntry();\n});\n`)).toEqual([
      { rule: '@typescript-eslint/no-misused-promises', line: prelude + 1 },
    ]);
    // A promise as a condition is the other misuse the rule reports.
    expect(await promiseErrors(`${PRELUDE}export function g(): number {\n  if (writeEntry()) return 1;\n  return 0;\n}\n`)).toEqual([
      { rule: '@typescript-eslint/no-misused-promises', line: prelude + 2 },
    ]);
  });

  it('awaited, caught, or voided after a catch: no error', { timeout: 180_000 }, async () => {
    const ok = `${PRELUDE}
export async function awaited(): Promise<void> {
  await writeEntry();
}
export function caught(fail: (e: unknown) => void): void {
  writeEntry().catch(fail);
  onEvent(() => {
    void writeEntry().catch(fail);
  });
}
`;
    expect(await promiseErrors(ok)).toEqual([]);
  });
});
