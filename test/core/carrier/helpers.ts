// Test fixtures: hand-made bags written byte for byte with node:fs, so the
// validator is not tested against its own writer.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const sharedDir = path.resolve(repoRoot, '../shared');

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-'));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface BagSpec {
  /** bag-relative payload paths (data/…) -> content */
  readonly payload: Record<string, string | Uint8Array>;
  readonly version?: string;
  /** Raw bagit.txt; overrides version. */
  readonly declaration?: string | Uint8Array;
  /** Raw manifest-sha256.txt body; default: one line per payload file. */
  readonly manifest?: string | Uint8Array;
  readonly extraManifestLines?: readonly string[];
  /** Raw bag-info.txt; default: a correct Payload-Oxum; null: none. */
  readonly bagInfo?: string | Uint8Array | null;
  readonly fetch?: string;
  /** Write tagmanifest-sha256.txt over the tag files (default true). */
  readonly tagManifest?: boolean;
}

/** Writes a BagIt bag into `dir` (created) exactly as specified. */
export function writeBag(dir: string, spec: BagSpec): void {
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  const put = (rel: string, content: string | Uint8Array): void => {
    const abs = path.join(dir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  };
  let octets = 0;
  for (const [rel, content] of Object.entries(spec.payload)) {
    put(rel, content);
    octets += typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
  }
  const tags: string[] = [];
  put('bagit.txt', spec.declaration ?? `BagIt-Version: ${spec.version ?? '1.0'}\nTag-File-Character-Encoding: UTF-8\n`);
  tags.push('bagit.txt');
  const info = spec.bagInfo === undefined ? `Payload-Oxum: ${octets}.${Object.keys(spec.payload).length}\n` : spec.bagInfo;
  if (info !== null) {
    put('bag-info.txt', info);
    tags.push('bag-info.txt');
  }
  const lines =
    spec.manifest ??
    Object.entries(spec.payload)
      .map(([rel, c]) => `${sha256(c)}  ${rel.replace(/%/g, '%25').replace(/\n/g, '%0A').replace(/\r/g, '%0D')}\n`)
      .join('') + (spec.extraManifestLines ?? []).map((l) => `${l}\n`).join('');
  put('manifest-sha256.txt', lines);
  tags.push('manifest-sha256.txt');
  if (spec.fetch !== undefined) {
    put('fetch.txt', spec.fetch);
    tags.push('fetch.txt');
  }
  if (spec.tagManifest !== false) {
    put('tagmanifest-sha256.txt', tags.map((t) => `${sha256(fs.readFileSync(path.join(dir, t)))}  ${t}\n`).join(''));
  }
}

/** Rewrites tagmanifest-sha256.txt after a test changed a tag file. */
export function refreshTagManifest(dir: string): void {
  const names = ['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', 'fetch.txt'].filter((n) => fs.existsSync(path.join(dir, n)));
  fs.writeFileSync(
    path.join(dir, 'tagmanifest-sha256.txt'),
    names.map((t) => `${sha256(fs.readFileSync(path.join(dir, t)))}  ${t}\n`).join(''),
  );
}
