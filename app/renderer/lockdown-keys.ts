// Which keystrokes the renderer lockdown swallows (DC-1). Pure, so the whole
// table is unit-tested without a browser; lockdown.ts applies it.
//
// Deny by default: every Ctrl/Meta and Alt combination is a browser's (address
// bar, bookmarks, profiles, tabs, windows, history, zoom, print, save, find,
// devtools, quit), never the kiosk's. The kiosk's own keys carry no modifier
// (Tab, Enter, Space, the player's k, c, [, ], arrows), so they pass. In a
// text field a clerk still edits: copy, cut, paste, select all, undo, redo,
// word-wise moves and deletes, and AltGr for ą, ę, ł, ґ, є, ї.

export interface KeyStroke {
  readonly key: string;
  readonly code: string;
  readonly ctrlKey: boolean;
  readonly altKey: boolean;
  readonly shiftKey: boolean;
  readonly metaKey: boolean;
  /** `getModifierState('AltGraph')`: AltGr typing a character, not a shortcut. */
  readonly altGraph: boolean;
}

const MODIFIER_KEYS = new Set(['Control', 'Alt', 'AltGraph', 'Shift', 'Meta', 'OS', 'CapsLock', 'NumLock', 'ScrollLock', 'Fn', 'FnLock', 'Hyper', 'Super', 'Symbol', 'SymbolLock']);

/** Keys that act on the browser whatever the modifiers: history, reload, home, search, bookmarks, zoom, print, menus. */
const BROWSER_KEYS = new Set([
  'BrowserBack', 'BrowserForward', 'BrowserRefresh', 'BrowserStop', 'BrowserHome', 'BrowserSearch', 'BrowserFavorites',
  'ContextMenu', 'Print', 'PrintScreen', 'Find', 'Open', 'Save', 'Close', 'New', 'Help', 'Props',
  'ZoomIn', 'ZoomOut', 'ZoomToggle', 'LaunchWebBrowser', 'LaunchMail', 'LaunchApplication1', 'LaunchApplication2',
]);

/** Editing with Ctrl inside a text field: select all, copy, paste, cut, undo, redo (by letter). */
const FIELD_CTRL_LETTERS = new Set(['a', 'c', 'v', 'x', 'z', 'y']);
/** …and with Shift too only these: Ctrl+Shift+Z redo, Ctrl+Shift+V paste as text (Ctrl+Shift+C/I/J are devtools). */
const FIELD_CTRL_SHIFT_LETTERS = new Set(['z', 'v']);
/** Word-wise moving, selecting and deleting in a text field. */
const FIELD_CTRL_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'Backspace', 'Delete']);

/**
 * The Latin letter or digit a shortcut means. Browsers map shortcuts typed on
 * a Cyrillic layout through the physical key (Ctrl+Д is Ctrl+L on a Ukrainian
 * keyboard), so when `key` is not ASCII the physical `code` decides.
 */
function shortcutChar(k: KeyStroke): string {
  if (/^[a-z0-9]$/i.test(k.key)) return k.key.toLowerCase();
  const m = /^(?:Key([A-Z])|Digit([0-9]))$/.exec(k.code);
  if (m) return (m[1] ?? m[2] ?? '').toLowerCase();
  return k.key;
}

/** True when the kiosk must swallow this keydown. `inTextField`: focus is in a field a person types into. */
export function isBlockedKey(k: KeyStroke, inTextField: boolean): boolean {
  if (MODIFIER_KEYS.has(k.key)) return false;
  // F1–F24: help, find next, reload, caret browsing, menu (F10), fullscreen (F11), devtools (F12).
  if (/^F([1-9]|1[0-9]|2[0-4])$/.test(k.key)) return true;
  if (BROWSER_KEYS.has(k.key)) return true;
  // Shift+Esc is the browser's task manager; plain Escape stays the page's.
  if (k.key === 'Escape') return k.shiftKey || k.ctrlKey || k.altKey || k.metaKey;
  if (k.altGraph && !k.metaKey) return !(inTextField && [...k.key].length === 1);
  // Alt+Left/Right/Home (history, home page), Alt+F4 (close), Alt+D/E/F (address bar, menu), Alt+Enter…
  if (k.altKey) return true;
  if (k.ctrlKey || k.metaKey) {
    if (!inTextField) return true;
    if (FIELD_CTRL_KEYS.has(k.key)) return false;
    const c = shortcutChar(k);
    return !(k.shiftKey ? FIELD_CTRL_SHIFT_LETTERS : FIELD_CTRL_LETTERS).has(c);
  }
  // Backspace outside a field was "back" in browsers and still is in some.
  if (k.key === 'Backspace') return !inTextField;
  return false;
}

/** Input types a person types text into (not buttons, boxes or sliders). */
const TEXT_INPUT_TYPES = new Set(['text', 'search', 'password', 'tel', 'url', 'email', 'number', 'date', 'datetime-local', 'month', 'time', 'week']);

/** Whether an element takes typed text: a text-like input, a textarea or editable content. */
export function isTextEntry(el: { readonly tagName?: string; readonly type?: string; readonly isContentEditable?: boolean } | null): boolean {
  if (!el) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName?.toUpperCase();
  if (tag === 'TEXTAREA') return true;
  return tag === 'INPUT' && TEXT_INPUT_TYPES.has((el.type ?? 'text').toLowerCase());
}
