// The layering of app/ (STYLE.md) is a lint error, proven on code that breaks it.
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths';

// The code below is linted as files that do not exist, which the project
// service (typed linting) cannot place in tsconfig's program; layering needs
// no types, so these lint without them. The whole tree lints with the
// project's config exactly.
const untyped = new ESLint({ cwd: REPO, overrideConfig: tseslint.configs.disableTypeChecked });
const eslint = new ESLint({ cwd: REPO });

async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [r] = await untyped.lintText(code, { filePath: path.join(REPO, file) });
  // A parse error (fatal) is returned too: code that never parsed proves nothing.
  return (r?.messages ?? []).filter((m) => m.fatal || (m.ruleId === 'local/layering' && m.severity === 2)).map((m) => m.message);
}

describe('[DC-8] layering of app/ is enforced by lint as errors', () => {
  it('core -> electron fails the lint', async () => {
    expect(await layeringErrors('app/core/bad.ts', "import { app } from 'electron';\nexport const x = app;\n")).toEqual([
      expect.stringContaining('must not import package "electron"'),
    ]);
  });

  it('renderer -> node:fs fails the lint', async () => {
    expect(await layeringErrors('app/renderer/bad.ts', "import fs from 'node:fs';\nexport const x = fs;\n")).toEqual([
      expect.stringContaining('Node built-in "node:fs"'),
    ]);
  });

  it('renderer -> core (relative path) fails the lint', async () => {
    expect(await layeringErrors('app/renderer/bad.ts', "import { openKiosk } from '../core/kiosk';\nexport const x = openKiosk;\n")).toEqual([
      expect.stringContaining('Layer "renderer" must not import from layer "core"'),
    ]);
  });

  it('core -> shells and shared -> core fail the lint', async () => {
    expect(await layeringErrors('app/core/bad.ts', "import { startWebShell } from '../shells/web';\nexport const x = startWebShell;\n")).toHaveLength(1);
    expect(await layeringErrors('app/shared/bad.ts', "import { openKiosk } from '../core/kiosk';\nexport const x = openKiosk;\n")).toHaveLength(1);
    expect(await layeringErrors('app/core/bad.ts', "import React from 'react';\nexport const x = React;\n")).toHaveLength(1);
  });

  it('a file in no known layer is itself an error', async () => {
    expect(await layeringErrors('app/misc/bad.ts', 'export const x = 1;\n')).toEqual([expect.stringContaining('in no known layer')]);
  });

  it('allowed imports pass: core -> shared, shells/electron -> electron and core, renderer -> hls.js', async () => {
    expect(await layeringErrors('app/core/ok.ts', "import { problem } from '../shared/problem';\nexport const x = problem;\n")).toEqual([]);
    expect(await layeringErrors('app/shells/electron/ok.ts', "import { app } from 'electron';\nimport { openKiosk } from '../../core/kiosk';\nexport const x = [app, openKiosk];\n")).toEqual([]);
    expect(await layeringErrors('app/renderer/ok.ts', "import Hls from 'hls.js';\nexport const x = Hls;\n")).toEqual([]);
  });

  // What `npm run lint` lints, typed: 30-60 s on the 2-core machine.
  it('the whole tree lints clean', { timeout: 240_000 }, async () => {
    const results = await eslint.lintFiles(['app', 'test', 'scripts', 'bench']);
    const errors = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${path.relative(REPO, r.filePath)}:${m.line} ${m.ruleId}: ${m.message}`));
    expect(errors).toEqual([]);
  });
});
