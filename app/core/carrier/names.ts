// Name comparison for carriers: FAT/exFAT/NTFS/HFS+ fold case and may change
// Unicode normalisation, so two names that a case-sensitive Linux file system
// keeps apart can be one file on the next machine. We compare names the way
// the most forgiving of those file systems would.

/** NFC form: the key under which a path is matched against manifests. */
export function nfc(name: string): string {
  return name.normalize('NFC');
}

/**
 * NFC plus case folding. JavaScript has no full case folding; upper- then
 * lower-casing approximates it (ß -> SS -> ss, final sigma -> σ), which is
 * what matters for file systems that store names upper-cased.
 */
export function foldKey(name: string): string {
  return name.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
}

export type CollisionKind = 'normalization' | 'case';

/** How two distinct names collide, or null when they do not. */
export function collision(a: string, b: string): CollisionKind | null {
  if (a === b) return null;
  if (nfc(a) === nfc(b)) return 'normalization';
  if (foldKey(a) === foldKey(b)) return 'case';
  return null;
}

/** A name for a message: JSON-quoted (shows control characters) and shortened. */
export function quote(name: string, max = 200): string {
  const s = JSON.stringify(name);
  return s.length > max ? `${s.slice(0, max)}…"` : s;
}
