// hls.js, configured for the kiosk: a loader that accepts only our own media
// URLs and sends the session's capability in its request header (never in a
// URL), the transmux worker shipped as a file of our origin (so the CSP needs
// no blob: worker), and no automatic quality probing.
import Hls, { type HlsConfig, type LoaderCallbacks, type LoaderConfiguration, type LoaderContext } from 'hls.js';
import { MEDIA_CAPABILITY_HEADER } from '../../shared/media-contract';
import { isOwnMediaUrl } from './media-url';

const DefaultLoader = Hls.DefaultConfig.loader;

/** A loader class bound to one session's capability: hls.js makes its loaders itself, from the config. */
function ownMediaLoader(capability: string): HlsConfig['loader'] {
  return class OwnMediaLoader extends DefaultLoader {
    override load(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>): void {
      if (!isOwnMediaUrl(context.url, window.location.origin)) {
        callbacks.onError({ code: 403, text: `refused: not kiosk media (${context.url})` }, context, null, this.stats);
        return;
      }
      // hls.js's XHR loader sets context.headers on the request (src/utils/xhr-loader.ts).
      context.headers = { ...context.headers, [MEDIA_CAPABILITY_HEADER]: capability };
      super.load(context, config, callbacks);
    }
  };
}

export function kioskHlsConfig(capability: string): Partial<HlsConfig> {
  return {
    loader: ownMediaLoader(capability),
    enableWorker: true,
    workerPath: '/hls.worker.js',
    capLevelToPlayerSize: false,
    startLevel: 0,
    lowLatencyMode: false,
  };
}

export function createHls(capability: string): Hls | null {
  return Hls.isSupported() ? new Hls(kioskHlsConfig(capability)) : null;
}

/** Whether this browser can play through hls.js (Media Source Extensions present). */
export function playbackSupported(): boolean {
  return Hls.isSupported();
}

/**
 * A media file (the captions) fetched with the capability header, as a blob:
 * URL a <track> can show: a <track src> could only send a cookie, never the
 * header. The caller revokes the URL when the track goes.
 */
export async function mediaBlobUrl(url: string, capability: string): Promise<string> {
  if (!isOwnMediaUrl(url, window.location.origin)) throw new Error(`refused: not kiosk media (${url})`);
  const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { [MEDIA_CAPABILITY_HEADER]: capability } });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return URL.createObjectURL(await res.blob());
}
