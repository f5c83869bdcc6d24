// Which URLs the player may load: only the kiosk's own origin, and only under
// /media/ (the session's capability-addressed media handler). Anything else —
// another origin, a data:, blob: or file: URL, a path outside /media/ — is
// refused before a request is made.
export function isOwnMediaUrl(url: string, origin: string): boolean {
  let u: URL;
  try {
    u = new URL(url, origin);
  } catch {
    return false;
  }
  return u.origin === origin && u.pathname.startsWith('/media/') && !u.pathname.includes('/../') && u.username === '' && u.password === '';
}
