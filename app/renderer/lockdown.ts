// Renderer-side lockdown (DC-1, DC-5): no context menu, no dragging media out,
// no printing, and the shortcuts that open, save, print, reload or inspect are
// swallowed. The shells enforce the same at their level; this is the layer a
// viewer touches first. Returns a disposer (a kiosk runs for months).
const BLOCKED_WITH_CTRL = new Set(['o', 's', 'p', 'r', 'u', 'j', 'i', 'n', 't', 'w', 'f', 'g', 'c', 'x', 'a']);
const BLOCKED_KEYS = new Set(['F1', 'F3', 'F5', 'F6', 'F7', 'F11', 'F12', 'BrowserBack', 'BrowserForward', 'BrowserRefresh', 'ContextMenu']);

export function isBlockedShortcut(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>): boolean {
  if (BLOCKED_KEYS.has(e.key)) return true;
  if (e.altKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'Home')) return true;
  const mod = e.ctrlKey || e.metaKey;
  if (!mod) return false;
  const k = e.key.toLowerCase();
  // Copy/cut/select-all stay available inside form fields, where a clerk types.
  const inField = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
  if (inField && (k === 'c' || k === 'x' || k === 'a' || k === 'v')) return false;
  return BLOCKED_WITH_CTRL.has(k);
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
  const onCopy = (e: ClipboardEvent) => {
    const t = e.target;
    if (!(t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement)) stop(e);
  };
  const onBeforePrint = () => {
    doc.body.dataset.printBlocked = 'true';
  };
  doc.addEventListener('contextmenu', stop, true);
  doc.addEventListener('dragstart', stop, true);
  doc.addEventListener('drop', stop, true);
  doc.addEventListener('keydown', onKey, true);
  doc.addEventListener('copy', onCopy, true);
  doc.addEventListener('cut', onCopy, true);
  win.addEventListener('beforeprint', onBeforePrint);
  return () => {
    doc.removeEventListener('contextmenu', stop, true);
    doc.removeEventListener('dragstart', stop, true);
    doc.removeEventListener('drop', stop, true);
    doc.removeEventListener('keydown', onKey, true);
    doc.removeEventListener('copy', onCopy, true);
    doc.removeEventListener('cut', onCopy, true);
    win.removeEventListener('beforeprint', onBeforePrint);
  };
}
