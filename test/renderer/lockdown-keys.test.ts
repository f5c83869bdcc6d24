// The lockdown's key table, key by key, without a browser. The browser test
// (test/e2e/lockdown.test.ts) presses the same keys in Chromium.
import { describe, expect, it } from 'vitest';
import { isBlockedKey, isTextEntry, type KeyStroke } from '../../app/renderer/lockdown-keys';
import { BROWSER_SHORTCUTS } from '../helpers/lockdown-shortcuts';

/** A keystroke from a combo written like Playwright's: `Control+Shift+KeyQ`, `Alt+F4`, `Backspace`. */
function stroke(combo: string, overrides: Partial<KeyStroke> = {}): KeyStroke {
  const parts = combo.split('+');
  const last = parts.pop() ?? '';
  const mods = new Set(parts);
  const shift = mods.has('Shift');
  const letter = /^Key([A-Z])$/.exec(last)?.[1];
  const digit = /^Digit([0-9])$/.exec(last)?.[1];
  const named: Record<string, [string, string]> = {
    Equal: [shift ? '+' : '=', 'Equal'],
    Minus: [shift ? '_' : '-', 'Minus'],
    NumpadAdd: ['+', 'NumpadAdd'],
    NumpadSubtract: ['-', 'NumpadSubtract'],
    Numpad0: ['0', 'Numpad0'],
    Space: [' ', 'Space'],
    BracketRight: [']', 'BracketRight'],
    BracketLeft: ['[', 'BracketLeft'],
  };
  const [key, code] = letter
    ? [shift ? letter : letter.toLowerCase(), last]
    : digit
      ? [digit, last]
      : (named[last] ?? [last, last]);
  return {
    key, code,
    ctrlKey: mods.has('Control'), altKey: mods.has('Alt'), shiftKey: shift, metaKey: mods.has('Meta'), altGraph: false,
    ...overrides,
  };
}

describe('the lockdown key table', () => {
  it.each(BROWSER_SHORTCUTS)('[DC-1] swallows %s outside and inside a text field', (combo) => {
    expect(isBlockedKey(stroke(combo), false)).toBe(true);
    expect(isBlockedKey(stroke(combo), true)).toBe(true);
  });

  it('[DC-1] swallows Backspace outside a text field and lets it delete inside one', () => {
    expect(isBlockedKey(stroke('Backspace'), false)).toBe(true);
    expect(isBlockedKey(stroke('Backspace'), true)).toBe(false);
  });

  it('[DC-1] swallows every function key, the browser keys and Shift+Esc, keeps plain Escape', () => {
    for (let n = 1; n <= 24; n++) expect(isBlockedKey(stroke(`F${n}`), false), `F${n}`).toBe(true);
    for (const k of ['BrowserBack', 'BrowserForward', 'BrowserRefresh', 'BrowserHome', 'BrowserSearch', 'BrowserFavorites', 'ContextMenu', 'ZoomIn']) {
      expect(isBlockedKey(stroke(k), false), k).toBe(true);
    }
    expect(isBlockedKey(stroke('Shift+Escape'), false)).toBe(true);
    expect(isBlockedKey(stroke('Escape'), false)).toBe(false);
  });

  it('[DC-1] swallows a shortcut typed on a Cyrillic layout by its physical key (Ctrl+Д is Ctrl+L)', () => {
    expect(isBlockedKey({ ...stroke('Control+KeyL'), key: 'д' }, false)).toBe(true);
    expect(isBlockedKey({ ...stroke('Control+KeyL'), key: 'д' }, true)).toBe(true);
    // …and still lets a clerk copy with Ctrl+С on that layout.
    expect(isBlockedKey({ ...stroke('Control+KeyC'), key: 'с' }, true)).toBe(false);
  });

  it('[Q-5] keeps the kiosk\'s own keys: Tab, Shift+Tab, Enter, Space, digits and the player\'s k, c, [, ], arrows', () => {
    for (const combo of ['Tab', 'Shift+Tab', 'Enter', 'Space', 'KeyK', 'KeyC', 'BracketLeft', 'BracketRight', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Digit1', 'Digit0', 'Home', 'End']) {
      expect(isBlockedKey(stroke(combo), false), combo).toBe(false);
      expect(isBlockedKey(stroke(combo), true), combo).toBe(false);
    }
    // Modifier keys alone are never swallowed: the next key decides.
    for (const k of ['Control', 'Alt', 'Shift', 'Meta', 'AltGraph']) expect(isBlockedKey({ ...stroke(k), key: k }, false), k).toBe(false);
  });

  it('[Q-5] lets a clerk edit a text field: copy, cut, paste, select all, undo, redo, word-wise moves and deletes', () => {
    for (const combo of ['Control+KeyC', 'Control+KeyX', 'Control+KeyV', 'Control+KeyA', 'Control+KeyZ', 'Control+KeyY', 'Control+Shift+KeyZ', 'Control+Shift+KeyV',
      'Control+ArrowLeft', 'Control+Shift+ArrowRight', 'Control+Backspace', 'Control+Delete', 'Control+Home', 'Control+End']) {
      expect(isBlockedKey(stroke(combo), true), combo).toBe(false);
      expect(isBlockedKey(stroke(combo), false), `${combo} outside a field`).toBe(true);
    }
  });

  it('[Q-4] lets AltGr type ą, ę, ł and ї in a text field (Windows reports it as Ctrl+Alt), never a shortcut outside one', () => {
    for (const [code, key] of [['KeyA', 'ą'], ['KeyE', 'ę'], ['KeyL', 'ł'], ['BracketRight', 'ї']] as const) {
      const linux: KeyStroke = { key, code, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false, altGraph: true };
      const windows: KeyStroke = { ...linux, ctrlKey: true, altKey: true };
      expect(isBlockedKey(linux, true), key).toBe(false);
      expect(isBlockedKey(windows, true), key).toBe(false);
      expect(isBlockedKey(windows, false), key).toBe(true);
    }
    // Ctrl+Alt without AltGr is a shortcut, not typing.
    expect(isBlockedKey(stroke('Control+Alt+KeyL'), true)).toBe(true);
  });

  it('tells text fields from buttons, boxes and sliders', () => {
    expect(isTextEntry({ tagName: 'INPUT', type: 'text' })).toBe(true);
    expect(isTextEntry({ tagName: 'INPUT', type: 'password' })).toBe(true);
    expect(isTextEntry({ tagName: 'TEXTAREA' })).toBe(true);
    expect(isTextEntry({ tagName: 'DIV', isContentEditable: true })).toBe(true);
    for (const type of ['range', 'checkbox', 'radio', 'button', 'submit', 'file']) expect(isTextEntry({ tagName: 'INPUT', type }), type).toBe(false);
    expect(isTextEntry({ tagName: 'SELECT' })).toBe(false);
    expect(isTextEntry({ tagName: 'BUTTON', type: 'submit' })).toBe(false);
    expect(isTextEntry(null)).toBe(false);
  });
});
