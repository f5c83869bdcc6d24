// Serving the renderer's built assets. Only files inside the assets folder,
// only known types; anything else is 404 (a problem document). The CSP rides on every response.
import fs from 'node:fs';
import path from 'node:path';
import { problemResponse, securityHeaders } from './security-headers';
import { rangeResponse } from './range';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export function serveAsset(assetsDir: string, urlPath: string, range: string | null = null): Response {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath);
  } catch {
    return problemResponse('path-not-allowed', 'malformed percent-encoding in the path');
  }
  if (rel.includes('\0')) return problemResponse('path-not-allowed', 'NUL in the path');
  const root = path.resolve(assetsDir);
  const file = path.resolve(root, '.' + path.posix.normalize(rel));
  const missing = () => problemResponse('not-found', `no file ${urlPath} among the renderer's files`);
  if (!file.startsWith(root + path.sep)) return missing();
  const type = TYPES[path.extname(file)];
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return missing();
  }
  if (!type || !st.isFile()) return missing();
  return rangeResponse(fs.readFileSync(file), range, securityHeaders({ 'content-type': type, 'cache-control': 'no-cache' }));
}
