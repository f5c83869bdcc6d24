// ESLint rule `local/layering`: enforces the one-way layering of app/
// (../shared/STYLE.md): shared <- core <- {cli, shells}, shared <- renderer.
// Modelled on VS Code's `local/code-layering`: every file under app/ belongs
// to exactly one layer, and an import is checked against what that layer may
// reach, both for relative paths (resolved) and for packages/builtins.
import path from 'node:path';
import { builtinModules } from 'node:module';

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Layer of an absolute file path, or null when outside app/. */
export function layerOf(file, appDir) {
  const rel = path.relative(appDir, file).split(path.sep);
  if (rel[0] === '..' || path.isAbsolute(rel[0] ?? '')) return null;
  if (rel[0] === 'shells') return rel[1] ? `shells/${rel[1]}` : null;
  return rel[0] ?? null;
}

const LAYERS = {
  shared: { layers: ['shared'], node: false, packages: ['zod'], forbidPackages: [] },
  core: {
    layers: ['shared', 'core'],
    node: true,
    packages: '*',
    forbidPackages: ['electron', 'react', 'react-dom', 'hls.js'],
  },
  cli: {
    layers: ['shared', 'core', 'cli'],
    node: true,
    packages: '*',
    forbidPackages: ['electron', 'react', 'react-dom', 'hls.js'],
  },
  'shells/electron': {
    layers: ['shared', 'core', 'shells/electron'],
    node: true,
    packages: '*',
    forbidPackages: ['react', 'react-dom', 'hls.js'],
  },
  'shells/web': {
    layers: ['shared', 'core', 'shells/web'],
    node: true,
    packages: '*',
    forbidPackages: ['electron', 'react', 'react-dom', 'hls.js'],
  },
  renderer: {
    layers: ['shared', 'renderer'],
    node: false,
    packages: '*',
    forbidPackages: ['electron', 'better-sqlite3', 'usb', 'drivelist', 'xstate'],
  },
};

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the layering of app/ (STYLE.md)' },
    schema: [{ type: 'object', properties: { appDir: { type: 'string' } }, additionalProperties: false }],
    messages: {
      unclassified: 'File {{file}} is under app/ but in no known layer (shared, core, cli, shells/electron, shells/web, renderer).',
      layer: 'Layer "{{from}}" must not import from layer "{{to}}" ({{spec}}).',
      outside: 'Layer "{{from}}" must not import files outside app/ ({{spec}}).',
      node: 'Layer "{{from}}" must not import Node built-in "{{spec}}": it runs without Node.',
      pkg: 'Layer "{{from}}" must not import package "{{spec}}".',
    },
  },
  create(context) {
    const appDir = path.resolve(context.options[0]?.appDir ?? 'app');
    const file = context.filename;
    const from = layerOf(file, appDir);
    if (from === null) return {};
    const policy = LAYERS[from];
    if (!policy) {
      return {
        Program(node) {
          context.report({ node, messageId: 'unclassified', data: { file } });
        },
      };
    }
    function check(node, spec) {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const target = path.resolve(path.dirname(file), spec);
        const to = layerOf(target, appDir);
        if (to === null) {
          context.report({ node, messageId: 'outside', data: { from, spec } });
        } else if (!policy.layers.includes(to)) {
          context.report({ node, messageId: 'layer', data: { from, to, spec } });
        }
        return;
      }
      if (BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0])) {
        if (!policy.node) context.report({ node, messageId: 'node', data: { from, spec } });
        return;
      }
      const name = packageName(spec);
      const allowed = policy.packages === '*' || policy.packages.includes(name);
      if (!allowed || policy.forbidPackages.includes(name)) {
        context.report({ node, messageId: 'pkg', data: { from, spec } });
      }
    }
    return {
      ImportDeclaration(node) {
        check(node, node.source.value);
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source.value);
      },
      ExportAllDeclaration(node) {
        check(node, node.source.value);
      },
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node, node.source.value);
      },
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node, node.arguments[0].value);
        }
      },
    };
  },
};
