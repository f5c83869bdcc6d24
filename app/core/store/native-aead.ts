// Where the native AES-256-GCM of the cipher worker lies (native/aead: it
// seals and opens straight into the pipeline's slots, where node:crypto
// returns a new buffer per chunk). The worker loads it by this absolute path;
// without it the worker uses node:crypto: the same bytes, at more CPU
// (docs/performance.md).
import { nativeAddonPath } from '../native-addon';

/** Which implementation seals and opens the store's large objects. */
export type CipherBackend = 'openssl-evp' | 'node:crypto';

/** The built addon's path under the application root, or null where there is none. */
export function nativeAeadPath(from?: string): string | null {
  return from === undefined ? nativeAddonPath('aead') : nativeAddonPath('aead', from);
}
