// Where the native AES-256-GCM of the cipher worker lies (native/aead: it
// seals and opens straight into the pipeline's slots, where node:crypto
// returns a new buffer per chunk). The worker loads it by this absolute path;
// without it the worker uses node:crypto: the same bytes, at more CPU
// (docs/performance.md).
//
// This module runs in three forms: as ESM (tsx, the web shell's bundle,
// kioskctl), where import.meta.url says where it lies, and inside the
// Electron main's CommonJS bundle, where esbuild leaves import.meta empty and
// __dirname says it instead. In a packaged Electron app the root is
// app.asar, and a native module cannot be loaded from inside an archive:
// electron-builder's asarUnpack puts it beside, in app.asar.unpacked.
import fs from 'node:fs';
import path from 'node:path';
import { appRootFrom } from '../app-root';

/** Which implementation seals and opens the store's large objects. */
export type CipherBackend = 'openssl-evp' | 'node:crypto';

/** Where this module lies: a file URL under ESM, the bundle's directory under CommonJS. */
function whereThisLies(): string | undefined {
  const url: string | undefined = import.meta.url;
  if (url) return url;
  return typeof __dirname === 'string' ? __dirname : undefined;
}

/** The built addon's path under the application root, or null where there is none. */
export function nativeAeadPath(from: string | undefined = whereThisLies()): string | null {
  if (!from) return null;
  try {
    const inRoot = path.join(appRootFrom(from), 'native', 'aead', 'aead.node');
    const unpacked = inRoot.replace(/([/\\])app\.asar([/\\])/, '$1app.asar.unpacked$2');
    for (const file of [unpacked, inRoot]) if (fs.existsSync(file)) return file;
    return null;
  } catch {
    return null;
  }
}
