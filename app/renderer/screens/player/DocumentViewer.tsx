// The protocol (UA-3), read inside the session: fetched once with the
// session's capability (the kiosk logs it as it leaves), drawn page by page
// on a canvas by pdf.js under the same watermark as the picture, with the
// signature's verdict in words beside it. There is no text layer (nothing to
// select or copy), no link, no download and no print; the bytes live only in
// this component and go when it closes or the session ends.
import { useEffect, useRef, useState } from 'react';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import type { MediaAttachment } from '../../../shared/media-contract';
import { useI18n } from '../../i18n/context';
import { DocumentError, drawPage, fetchDocument, openPdf } from '../../document/pdf';
import { Watermark, type WatermarkProps } from './Watermark';
import { SignatureVerdictPanel } from './SignatureVerdict';

type State = 'loading' | 'ready' | 'refused' | 'error';

interface Props {
  readonly doc: MediaAttachment & { readonly document: string };
  readonly capability: string;
  /** Null when the watermark is off in kiosk-config. */
  readonly watermark: WatermarkProps | null;
  onClose(): void;
}

/** The page's width on screen: the stage's width, at most an A4 page at a comfortable reading size. */
const MAX_PAGE_PX = 900;

export function DocumentViewer({ doc, capability, watermark, onClose }: Props) {
  const { t } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const sheet = useRef<HTMLDivElement>(null);
  const close = useRef<HTMLButtonElement>(null);
  const [pdf, setPdf] = useState<PDFDocumentProxy | null>(null);
  const [state, setState] = useState<State>('loading');
  const [page, setPage] = useState(1);
  const [drawn, setDrawn] = useState(0);
  const title = doc.title ?? doc.kind;

  useEffect(() => close.current?.focus(), []);

  useEffect(() => {
    let live = true;
    let opened: PDFDocumentProxy | null = null;
    fetchDocument(doc.document, capability)
      .then(openPdf)
      .then(
        (p) => {
          opened = p;
          if (!live) return void p.destroy();
          setPdf(p);
          setState('ready');
        },
        (e: unknown) => live && setState(e instanceof DocumentError && e.refused ? 'refused' : 'error'),
      );
    return () => {
      live = false;
      void opened?.destroy();
    };
  }, [doc.document, capability]);

  useEffect(() => {
    const c = canvas.current;
    if (!pdf || !c) return;
    const width = Math.min(MAX_PAGE_PX, (sheet.current?.clientWidth ?? MAX_PAGE_PX) - 16);
    const draw = drawPage(pdf, page, c, width);
    draw.done.then(
      () => setDrawn(page),
      () => undefined, // cancelled by a newer page, or the document closed
    );
    return () => draw.cancel();
  }, [pdf, page]);

  // When the viewer leaves, nothing of the document stays on a canvas.
  useEffect(() => {
    const c = canvas.current;
    return () => {
      if (c) c.width = 0;
    };
  }, []);

  const pages = pdf?.numPages ?? 0;
  const turn = (by: 1 | -1) => setPage((p) => Math.max(1, Math.min(pages || 1, p + by)));

  // The viewer's keys, wherever the focus is (a button that became disabled
  // at the last page leaves it on the page itself). The player's own keys
  // stand aside while this dialog is open.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      } else if (e.key === 'ArrowRight' || e.key === 'PageDown') {
        e.preventDefault();
        setPage((p) => Math.max(1, Math.min(pages || 1, p + 1)));
      } else if (e.key === 'ArrowLeft' || e.key === 'PageUp') {
        e.preventDefault();
        setPage((p) => Math.max(1, p - 1));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [pages, onClose]);

  return (
    <div className="modal-backdrop document-backdrop">
      <div
        className="document-viewer"
        role="dialog"
        aria-modal="true"
        aria-labelledby="doc-h"
        data-testid="document-viewer"
        data-state={state}
        data-page={drawn}
        data-pages={pages}
      >
        <header className="document-bar">
          <h2 id="doc-h">{t('doc.dialog', { title })}</h2>
          <div className="buttons">
            <button type="button" onClick={() => turn(-1)} disabled={page <= 1 || state !== 'ready'} data-testid="doc-prev">
              ‹ {t('doc.prev')}
            </button>
            <span className="page-no" aria-live="polite" data-testid="doc-page">
              {pages > 0 ? t('doc.page', { n: page, total: pages }) : ''}
            </span>
            <button type="button" onClick={() => turn(1)} disabled={page >= pages || state !== 'ready'} data-testid="doc-next">
              {t('doc.next')} ›
            </button>
            <button ref={close} type="button" className="primary" onClick={onClose} data-testid="doc-close">
              {t('doc.close')}
            </button>
          </div>
        </header>
        <div className="document-body">
          {/* Focusable, so a page taller than the screen scrolls with the keyboard (↑/↓) too. */}
          <div className="document-sheet" ref={sheet} tabIndex={0} role="region" aria-label={title} data-testid="doc-sheet">
            <div className="document-page">
              <canvas
                ref={canvas}
                data-testid="doc-canvas"
                aria-label={pages > 0 ? `${title} — ${t('doc.page', { n: page, total: pages })}` : title}
                role="img"
                onContextMenu={(e) => e.preventDefault()}
                draggable={false}
              />
              {watermark && <Watermark {...watermark} />}
            </div>
            {state === 'loading' && <p className="overlay-msg">{t('doc.loading')}</p>}
            {(state === 'refused' || state === 'error') && (
              <p className="overlay-msg alert" role="alert" data-testid="doc-refused">
                {t(state === 'refused' ? 'doc.refused' : 'doc.error')}
              </p>
            )}
          </div>
          <aside className="document-side">
            <SignatureVerdictPanel doc={doc} />
            <p className="sub keys">{t('doc.keys')}</p>
          </aside>
        </div>
      </div>
    </div>
  );
}
