// hls.js, configured for the kiosk: a loader that accepts only our own media
// URLs, the transmux worker shipped as a file of our origin (so the CSP needs
// no blob: worker), and no automatic quality probing. Full playback (screens,
// events to the session machine) is the player issue's; this is the wiring.
import Hls, { type HlsConfig, type LoaderCallbacks, type LoaderConfiguration, type LoaderContext } from 'hls.js';
import { isOwnMediaUrl } from './media-url';

const DefaultLoader = Hls.DefaultConfig.loader;

class OwnMediaLoader extends DefaultLoader {
  override load(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>): void {
    if (!isOwnMediaUrl(context.url, window.location.origin)) {
      callbacks.onError({ code: 403, text: `refused: not kiosk media (${context.url})` }, context, null, this.stats);
      return;
    }
    super.load(context, config, callbacks);
  }
}

export const KIOSK_HLS_CONFIG: Partial<HlsConfig> = {
  loader: OwnMediaLoader,
  enableWorker: true,
  workerPath: '/hls.worker.js',
  capLevelToPlayerSize: false,
  startLevel: 0,
  lowLatencyMode: false,
};

export function createHls(): Hls | null {
  return Hls.isSupported() ? new Hls(KIOSK_HLS_CONFIG) : null;
}

/** Whether this browser can play through hls.js (Media Source Extensions present). */
export function playbackSupported(): boolean {
  return Hls.isSupported();
}
