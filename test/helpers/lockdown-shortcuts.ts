// The browser shortcuts the kiosk must swallow (DC-1), written as Playwright
// key combos (the physical key's code), shared by the key table's unit test
// and the browser test that presses them in Chromium.

/** Navigation, address bar, bookmarks, profiles, tabs and windows, zoom, print, save, find, devtools, history, quit. */
export const BROWSER_SHORTCUTS: readonly string[] = [
  'Control+KeyL', 'Control+KeyD', 'Control+Shift+KeyQ', 'Control+KeyQ', 'Alt+F4', 'F10', 'F11', 'F12', 'F5',
  'Control+KeyR', 'Control+Shift+KeyR', 'Alt+ArrowLeft', 'Alt+ArrowRight', 'Alt+Home',
  'Control+KeyN', 'Control+KeyT', 'Control+KeyW', 'Control+Shift+KeyN', 'Control+Shift+KeyT',
  'Control+KeyO', 'Control+KeyS', 'Control+KeyP', 'Control+KeyU', 'Control+KeyH', 'Control+KeyJ',
  'Control+Shift+KeyB', 'Control+Shift+KeyO', 'Control+Shift+KeyM', 'Control+Shift+KeyI', 'Control+Shift+KeyJ', 'Control+Shift+KeyC',
  'Control+KeyF', 'Control+KeyG',
  'Control+Equal', 'Control+Shift+Equal', 'Control+NumpadAdd', 'Control+Minus', 'Control+NumpadSubtract', 'Control+Digit0', 'Control+Numpad0',
];
