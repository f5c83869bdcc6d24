// Lint: TypeScript rules plus the layering of app/ as errors (STYLE.md), and
// promises that nobody waits for or whose rejection nobody handles as errors.
import tseslint from 'typescript-eslint';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { layeringRule } from './scripts/eslint/layering-rule.js';

const root = path.dirname(fileURLToPath(import.meta.url));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/.tmp/**', 'out/**', 'bench/.work/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { local: { rules: { layering: layeringRule } } },
    rules: {
      'local/layering': ['error', { appDir: path.join(root, 'app') }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Typed linting, which the two promise rules need: a promise nobody awaits
    // or whose rejection nobody handles is an error, as is a promise handed to
    // a callback that ignores what it returns (an event handler, a timer). The
    // kiosk service runs for weeks; a rejection nobody sees is a screen stuck
    // at 'checking' or an effect that never answered.
    //
    // The project service types every TypeScript file through tsconfig.json.
    // The few plain JavaScript files (scripts/build.mjs, scripts/start.mjs,
    // the layering rule, this file) are not in it (tsconfig has no allowJs),
    // and the build script awaits esbuild, so instead of turning the rules off
    // for them (disableTypeChecked) they get the project service's default
    // project: checked the same way, at the cost of a second small program.
    // A new .js/.mjs file elsewhere is a parse error until it is named here.
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['scripts/*.mjs', 'scripts/eslint/*.js', 'eslint.config.js'] },
        tsconfigRootDir: root,
      },
    },
    rules: {
      // `void promise` stays allowed (ignoreVoid), for fire-and-forget whose
      // promise handles its own rejection: the renderer's send() and adminApi
      // answer a failed request as a value and never reject. The rule cannot
      // check that part; a `void` on anything else needs a .catch first.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['app/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly' } },
  },
);
