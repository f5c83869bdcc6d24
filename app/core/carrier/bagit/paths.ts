// Safety of paths named inside a bag (manifests, fetch.txt) and inside a
// plain folder's SHA256SUMS. RFC 8493 §6.1: implementations MUST ensure no
// file outside the bag is accessed through such a path. We reject rather than
// resolve: a path that would need resolving is not one a honest writer makes.

export interface PathFinding {
  readonly severity: 'error' | 'warning';
  /** Rule suffix: the caller prefixes it, e.g. `bagit.path.escape`. */
  readonly rule: string;
  readonly message: string;
}

export interface CheckedPath {
  /** The path with a tolerated `./` prefix removed; null when unusable. */
  readonly path: string | null;
  readonly findings: PathFinding[];
}

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Checks a decoded relative path; `rawForEncodedDots` is the path as written, before percent-decoding. */
export function checkRelativePath(decoded: string, rawForEncodedDots: string = decoded): CheckedPath {
  const findings: PathFinding[] = [];
  const err = (rule: string, message: string): void => void findings.push({ severity: 'error', rule, message });
  if (decoded.length === 0) {
    err('empty', 'the path is empty');
    return { path: null, findings };
  }
  if (decoded.includes('\u0000') || CONTROL.test(decoded)) err('control', 'the path contains a control character');
  if (/%2e/i.test(rawForEncodedDots)) err('encoded-dot', 'the path contains a percent-encoded dot (%2E), a known trick to smuggle ".." past checks');
  if (decoded.includes('\\')) err('backslash', 'the path contains a backslash; only "/" separates directories, and "\\" is a separator on Windows');
  if (decoded.startsWith('/')) err('absolute', 'the path is absolute (starts with "/")');
  if (/^[A-Za-z]:/.test(decoded)) err('absolute', 'the path starts with a drive letter');
  if (decoded.startsWith('~')) err('home', 'the path starts with "~", a home-directory reference');
  let path = decoded;
  if (path.startsWith('./')) {
    findings.push({ severity: 'warning', rule: 'dot-prefix', message: 'the path starts with "./"; strict BagIt paths are written without it' });
    path = path.slice(2);
  }
  const segments = path.replace(/^\/+/, '').split('/'); // an absolute path is reported once, as absolute
  if (segments.some((s) => s === '..')) err('escape', 'the path contains a ".." segment that could leave the package');
  else if (segments.some((s) => s === '.' || s === '')) err('not-normal', 'the path contains an empty or "." segment (e.g. "//", "/./" or a trailing "/")');
  return { path: findings.some((f) => f.severity === 'error') ? null : path, findings };
}

/**
 * BagIt 1.0 manifest and fetch paths percent-encode CR, LF and % (and only
 * those, RFC 8493 §2.1.3). Any other `%` is an encoding error. Before 1.0
 * paths are literal (the 0.96 suite has files named `%7Etest1.txt`).
 */
export function decodeBagPath(raw: string, v1: boolean): { decoded: string; error: string | null } {
  if (!v1 || !raw.includes('%')) return { decoded: raw, error: null };
  let error: string | null = null;
  const decoded = raw.replace(/%(..)?/g, (m: string, hex: string | undefined) => {
    switch (hex?.toUpperCase()) {
      case '0A':
        return '\n';
      case '0D':
        return '\r';
      case '25':
        return '%';
      case '2E':
        return m; // reported as an encoded dot by checkRelativePath
      default:
        error ??= `"${m}" is not an allowed percent-encoding; BagIt 1.0 encodes only CR (%0D), LF (%0A) and % (%25)`;
        return m;
    }
  });
  return { decoded, error };
}

/** The inverse, for the writer. */
export function encodeBagPath(path: string): string {
  return path.replace(/%/g, '%25').replace(/\n/g, '%0A').replace(/\r/g, '%0D');
}
