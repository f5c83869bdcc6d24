// pdf.js (pdfjs-dist), configured for the kiosk: the PDF's bytes are fetched
// by us with the session's capability header (pdf.js never sees a URL), the
// worker is a file of our own origin (the CSP allows worker-src 'self' only),
// and everything that would widen the page's powers is off: no eval for
// fonts, no FontFace (glyphs are drawn as paths, so no font-src data:), no
// system fonts, no XFA forms, no WebAssembly decoders. Pages are drawn on a
// canvas only: no text layer, no annotation layer, nothing to select or copy.
import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy, type RenderTask } from 'pdfjs-dist';
import { MEDIA_CAPABILITY_HEADER } from '../../shared/media-contract';
import { isOwnMediaUrl } from '../player/media-url';

GlobalWorkerOptions.workerSrc = '/pdf.worker.js';

/** Why a document could not be opened: refused by the kiosk (session over, not logged) or not readable here. */
export class DocumentError extends Error {
  constructor(
    readonly refused: boolean,
    message: string,
  ) {
    super(message);
  }
}

/** The document's bytes, fetched with the capability header from the kiosk's own media route. */
export async function fetchDocument(url: string, capability: string): Promise<Uint8Array> {
  if (!isOwnMediaUrl(url, window.location.origin)) throw new DocumentError(true, `refused: not kiosk media (${url})`);
  const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { [MEDIA_CAPABILITY_HEADER]: capability } });
  if (!res.ok) throw new DocumentError(res.status === 403 || res.status === 401 || res.status === 409, `${url}: ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

export function openPdf(data: Uint8Array): Promise<PDFDocumentProxy> {
  return getDocument({
    data,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    useWasm: false,
    stopAtErrors: true,
  }).promise;
}

/**
 * Draws page `n` (1-based) on `canvas`, `cssWidth` pixels wide on screen, at
 * the screen's pixel density. `cancel` stops a draw no longer wanted (the
 * viewer turned the page again, or closed the document).
 */
export function drawPage(pdf: PDFDocumentProxy, n: number, canvas: HTMLCanvasElement, cssWidth: number): { done: Promise<void>; cancel(): void } {
  let task: RenderTask | null = null;
  let cancelled = false;
  const done = (async () => {
    const page = await pdf.getPage(n);
    if (cancelled) return;
    const scale = cssWidth / page.getViewport({ scale: 1 }).width;
    const dpr = window.devicePixelRatio || 1;
    const viewport = page.getViewport({ scale: scale * dpr });
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.style.width = `${Math.floor(viewport.width / dpr)}px`;
    canvas.style.height = `${Math.floor(viewport.height / dpr)}px`;
    task = page.render({ canvas, viewport });
    await task.promise;
  })();
  return {
    done,
    cancel() {
      cancelled = true;
      task?.cancel();
    },
  };
}
