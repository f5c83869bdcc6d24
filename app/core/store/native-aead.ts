// Where the native AES-256-GCM of the cipher worker lies (native/aead: it
// seals and opens straight into the pipeline's slots, where node:crypto
// returns a new buffer per chunk). The worker loads it by this absolute path;
// without it, or in a bundle that cannot say where it lies (the Electron
// main is CommonJS, and import.meta is empty there), the worker uses
// node:crypto: the same bytes, at more CPU (docs/performance.md).
import fs from 'node:fs';
import path from 'node:path';
import { appRootFrom } from '../app-root';

/** Which implementation seals and opens the store's large objects. */
export type CipherBackend = 'openssl-evp' | 'node:crypto';

/** The built addon's path under the application root, or null where there is none. */
export function nativeAeadPath(): string | null {
  const here: string | undefined = import.meta.url;
  if (!here) return null;
  try {
    const file = path.join(appRootFrom(here), 'native', 'aead', 'aead.node');
    return fs.existsSync(file) ? file : null;
  } catch {
    return null;
  }
}
