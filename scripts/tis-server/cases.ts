// The on-disk layout the reference TIS server serves (see README.md):
//   <root>/<encodeURIComponent(signature)>/case.json
//   <root>/<encodeURIComponent(signature)>/files/<name>
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface FileInfo {
  readonly file: string;
  readonly size: number;
  readonly sha256: string;
  readonly etag: string;
}

export interface CaseJsonPart {
  name: string;
  status?: 'ready' | 'processing';
  retryAfter?: number;
  [k: string]: unknown;
}

export interface CaseJsonAttachment {
  name: string;
  signature?: string | null;
  [k: string]: unknown;
}

export interface CaseJsonRecording {
  parts: CaseJsonPart[];
  attachments?: CaseJsonAttachment[];
  [k: string]: unknown;
}

export interface CaseJson {
  case: { signature: string; [k: string]: unknown };
  recordings: CaseJsonRecording[];
}

/** A name is served only when it is a plain file name listed in case.json. */
export function isSafeName(name: string): boolean {
  return name.length > 0 && !name.startsWith('.') && !/[/\\\0]/.test(name);
}

export function caseDir(root: string, signature: string): string | null {
  if (signature.length === 0 || signature.startsWith('.')) return null;
  return path.join(root, encodeURIComponent(signature));
}

export function fileHref(signature: string, name: string): string {
  return `/api/v1/cases/${encodeURIComponent(signature)}/files/${encodeURIComponent(name)}`;
}

/** Writes a case in the server's layout; used by tests, the bench and by hand. */
export async function writeTisCase(root: string, caseJson: CaseJson, files: Record<string, Buffer | string>): Promise<string> {
  const dir = caseDir(root, caseJson.case.signature);
  if (dir === null) throw new Error(`unusable case signature ${JSON.stringify(caseJson.case.signature)}`);
  await fs.mkdir(path.join(dir, 'files'), { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    if (!isSafeName(name)) throw new Error(`unsafe file name ${JSON.stringify(name)}`);
    await fs.writeFile(path.join(dir, 'files', name), content);
  }
  await fs.writeFile(path.join(dir, 'case.json'), JSON.stringify(caseJson, null, 2));
  return dir;
}

export async function readCase(root: string, signature: string): Promise<{ dir: string; json: CaseJson } | null> {
  const dir = caseDir(root, signature);
  if (dir === null) return null;
  try {
    const text = await fs.readFile(path.join(dir, 'case.json'), 'utf8');
    return { dir, json: JSON.parse(text) as CaseJson };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Hashes files once per (size, mtime): a 1 GiB part is not re-read for every listing. */
export class FileInfoCache {
  private readonly cache = new Map<string, { mtimeMs: number; size: number; info: Promise<FileInfo> }>();

  async get(file: string): Promise<FileInfo | null> {
    let st;
    try {
      st = await fs.stat(file);
    } catch {
      return null;
    }
    if (!st.isFile()) return null;
    const hit = this.cache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.info;
    const info = hashFile(file).then((sha256) => ({
      file,
      size: st.size,
      sha256,
      // A strong validator derived from the content, stable across restarts.
      etag: `"sha256-${sha256.slice(0, 32)}"`,
    }));
    this.cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, info });
    return info;
  }
}

function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}
