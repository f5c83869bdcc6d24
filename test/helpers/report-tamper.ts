// One byte of a viewing report file changed, the way someone editing it would:
// the file stays valid JSON, one character of the chosen part differs.
export type TamperedPart = 'entry' | 'signature' | 'checkpoint';

function flipAt(text: string, at: number): string {
  const c = text[at];
  if (c === undefined) throw new Error(`nothing to change at ${at}`);
  return text.slice(0, at) + (c === 'A' ? 'B' : c === 'a' ? 'b' : c === '1' ? '2' : 'A') + text.slice(at + 1);
}

/** The report's text with one character changed: in an entry's data, in the signature, or in the checkpoint's root hash. */
export function tamper(text: string, part: TamperedPart): string {
  switch (part) {
    case 'entry': {
      // The viewer's purpose in the session.opened entry, inside "entries".
      const at = text.indexOf('"purpose"', text.indexOf('"entries"'));
      return flipAt(text, text.indexOf(':', at) + 4);
    }
    case 'signature':
      return flipAt(text, text.lastIndexOf('"signature": "') + '"signature": "'.length + 10);
    case 'checkpoint': {
      // Third line of the note (the root hash): origin\\nsize\\nroot.
      const start = text.indexOf('"checkpoint": "') + '"checkpoint": "'.length;
      const rootAt = text.indexOf('\\n', text.indexOf('\\n', start) + 2) + 2;
      return flipAt(text, rootAt + 5);
    }
    default: {
      const never: never = part;
      throw new Error(String(never));
    }
  }
}
