// Where the kiosk's native addons lie (native/<name>/<name>.node, built by
// scripts/build-native.sh), and loading one. Each is optional: without it the
// kiosk runs the same path on Node's own modules, at more CPU
// (docs/performance.md), and `kioskctl selftest` says which runs.
//
// This module runs in three forms: as ESM (tsx, the web shell's bundle,
// kioskctl), where import.meta.url says where it lies, and inside the
// Electron main's CommonJS bundle, where esbuild leaves import.meta empty and
// __dirname says it instead. In a packaged Electron app the root is
// app.asar, and a native module cannot be loaded from inside an archive:
// electron-builder's asarUnpack puts it beside, in app.asar.unpacked.
import fs from 'node:fs';
import path from 'node:path';
import { appRootFrom } from './app-root';

/** Where this module lies: a file URL under ESM, the bundle's directory under CommonJS. */
function whereThisLies(): string | undefined {
  const url: string | undefined = import.meta.url;
  if (url) return url;
  return typeof __dirname === 'string' ? __dirname : undefined;
}

/** The built addon's path under the application root, or null where there is none. */
export function nativeAddonPath(name: 'aead' | 'tls', from: string | undefined = whereThisLies()): string | null {
  if (!from) return null;
  try {
    const inRoot = path.join(appRootFrom(from), 'native', name, `${name}.node`);
    const unpacked = inRoot.replace(/([/\\])app\.asar([/\\])/, '$1app.asar.unpacked$2');
    for (const file of [unpacked, inRoot]) if (fs.existsSync(file)) return file;
    return null;
  } catch {
    return null;
  }
}

/** Loads an addon's exports (process.dlopen works alike under ESM and CommonJS); the error says why not. */
export function loadAddon(file: string): unknown {
  const m = { exports: {} as unknown };
  process.dlopen(m, file);
  return m.exports;
}
