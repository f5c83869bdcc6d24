// Renderer-side lockdown (DC-1, DC-5): no context menu, no dragging media out,
// no dropping anything in (a dropped link or file would navigate away from the
// kiosk), no printing, no zoom, and every browser shortcut swallowed (the
// table is lockdown-keys.ts). The shells enforce the same at their level
// (window-policy.ts: navigation denied, navigateOnDragDrop off, no menu); this
// is the layer a viewer touches first. Installed by every page the kiosk
// shows (main.tsx, watermark-main.tsx). Returns a disposer (a kiosk runs for
// months).
import { isBlockedKey, isTextEntry } from './lockdown-keys';

export { isBlockedKey, isTextEntry, type KeyStroke } from './lockdown-keys';

/** Whether the kiosk swallows this keydown, judged where it happens (in a text field or not). */
export function isBlockedShortcut(e: KeyboardEvent): boolean {
  const target = e.target instanceof Element ? (e.target as Element & { type?: string; isContentEditable?: boolean }) : null;
  return isBlockedKey(
    { key: e.key, code: e.code, ctrlKey: e.ctrlKey, altKey: e.altKey, shiftKey: e.shiftKey, metaKey: e.metaKey, altGraph: e.getModifierState('AltGraph') },
    isTextEntry(target),
  );
}

function isTextTarget(t: EventTarget | null): boolean {
  return t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement ? isTextEntry(t) : false;
}

export function installLockdown(win: Window): () => void {
  const doc = win.document;
  const stop = (e: Event) => {
    e.preventDefault();
    e.stopPropagation();
  };
  const onKey = (e: KeyboardEvent) => {
    if (isBlockedShortcut(e)) stop(e);
  };
  // Cancelling dragenter/dragover is what tells the browser the page handles
  // the drop itself, and cancelling the drop is what keeps it from loading
  // the dropped link or file; `none` shows the viewer a refusing cursor.
  const refuseDrag = (e: DragEvent) => {
    stop(e);
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'none';
  };
  // Ctrl+wheel (and a touchpad's pinch, which arrives as one) zooms the page.
  const onWheel = (e: WheelEvent) => {
    if (e.ctrlKey || e.metaKey) e.preventDefault();
  };
  const onCopy = (e: ClipboardEvent) => {
    if (!isTextTarget(e.target)) stop(e);
  };
  const onBeforePrint = () => {
    doc.body.dataset.printBlocked = 'true';
  };
  // Capture on the window: before any listener of the page, whatever the target.
  const captured: Array<[string, EventListener]> = [
    ['contextmenu', stop],
    ['dragstart', stop],
    ['dragenter', refuseDrag as EventListener],
    ['dragover', refuseDrag as EventListener],
    ['drop', refuseDrag as EventListener],
    ['keydown', onKey as EventListener],
    ['copy', onCopy as EventListener],
    ['cut', onCopy as EventListener],
  ];
  for (const [type, fn] of captured) win.addEventListener(type, fn, true);
  // Not passive: a passive listener may not cancel the zoom.
  win.addEventListener('wheel', onWheel, { capture: true, passive: false });
  win.addEventListener('beforeprint', onBeforePrint);
  return () => {
    for (const [type, fn] of captured) win.removeEventListener(type, fn, true);
    win.removeEventListener('wheel', onWheel, { capture: true });
    win.removeEventListener('beforeprint', onBeforePrint);
  };
}
