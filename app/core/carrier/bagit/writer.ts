// Streaming BagIt 1.0 writer for exports and demo carriers. Payload is hashed
// (SHA-256, on the hash worker of ../../pipeline) while it is written, so a
// recording is read once; every file and directory is fsynced so a bag that
// `finish` reported written survives a power cut. The writer refuses anything its own validator would reject
// (unsafe paths, names colliding by case or normalisation).
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { type Problem, problem } from '../../../shared/problem';
import { KioskError } from '../../errors';
import { fsyncDir } from '../../fsync-dir';
import { foldKey, quote } from '../names';
import { DirectFileSink, SlotCollector, type OwnedSlot } from '../../pipeline';
import { checkRelativePath, encodeBagPath } from './paths';

export interface PayloadWritten {
  /** Lower-case hex SHA-256 of the bytes written. */
  readonly sha256: string;
  readonly size: number;
}

export interface FinishOptions {
  /**
   * Tag files (added with addTagFile or put in the directory by the caller)
   * that the tag manifest must not list. RFC 8493 lets a tag manifest omit
   * tag files; demo carriers use this to show such a bag.
   */
  readonly extraUnlistedTagFiles?: readonly string[];
}

const RESERVED_TAG = /^(bagit\.txt|bag-info\.txt|fetch\.txt|(tag)?manifest-[^/]*\.txt)$/;

export class BagWriter {
  private readonly payload: Array<{ path: string; sha256: string; size: number }> = [];
  private readonly tags: Array<{ path: string; sha256: string }> = [];
  /** foldKey -> path, for files and directories alike. */
  private readonly names = new Map<string, string>();
  private readonly dirs = new Set<string>();
  private state: 'open' | 'finishing' | 'finished' = 'open';

  private constructor(readonly dir: string) {}

  /** Creates `dir` (and data/) — it must not exist or be empty. */
  static async create(dir: string): Promise<BagWriter> {
    const root = path.resolve(dir);
    await fsp.mkdir(root, { recursive: true });
    const existing = await fsp.readdir(root);
    if (existing.length > 0) {
      throw new KioskError('invalid-input', `cannot write a bag into ${root}: the directory is not empty`);
    }
    const w = new BagWriter(root);
    await fsp.mkdir(path.join(root, 'data'));
    w.dirs.add('data');
    w.names.set(foldKey('data'), 'data');
    return w;
  }

  /**
   * Streams one payload file to disk. `relPath` is relative to data/
   * (`rec.mp4` -> `data/rec.mp4`); a path that already starts with `data/`
   * is taken as relative to the bag, as recordings.json writes it.
   */
  async addPayloadFile(relPath: string, source: AsyncIterable<Uint8Array | OwnedSlot>): Promise<PayloadWritten> {
    this.assertOpen();
    const rel = this.claim(relPath.startsWith('data/') ? relPath : `data/${relPath}`, 'payload');
    await this.makeParents(rel);
    const abs = path.join(this.dir, rel);
    // The shared pipeline: each 4 MiB slot is hashed on the hash worker while
    // it is written, with O_DIRECT where the carrier's file system has it, so
    // the export neither waits for nor leaves a copy in the page cache.
    const file = await DirectFileSink.create(abs, { mode: 0o644, wipe: true });
    const out = new SlotCollector((slot) => file.write([slot]));
    let sha256: string;
    let size: number;
    try {
      for await (const chunk of source) await out.push(chunk);
      ({ sha256, size } = await out.finish());
      await file.finish();
      await file.fh.sync();
    } catch (e) {
      await out.abandon();
      await file.settle();
      await file.fh.close().catch(() => {});
      await fsp.rm(abs, { force: true });
      this.names.delete(foldKey(rel));
      throw e;
    }
    await file.fh.close();
    this.payload.push({ path: rel, sha256, size });
    return { sha256, size };
  }

  /** Writes a tag file (e.g. `recordings.json`), relative to the bag root, outside data/. */
  async addTagFile(name: string, content: string | Uint8Array): Promise<void> {
    this.assertOpen();
    if (RESERVED_TAG.test(foldKey(name))) {
      throw new KioskError('invalid-input', `${quote(name)} is written by the bag writer itself`, [
        problem(name, 'bagit.writer.reserved-name', `${name} is reserved for the bag writer`),
      ]);
    }
    const rel = this.claim(name, 'tag');
    await this.makeParents(rel);
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    await writeFileSynced(path.join(this.dir, rel), bytes);
    this.tags.push({ path: rel, sha256: sha256Hex(bytes) });
  }

  /**
   * Writes bagit.txt, bag-info.txt (with Payload-Oxum, and Bagging-Date unless
   * given), manifest-sha256.txt and tagmanifest-sha256.txt, then fsyncs every
   * directory. The bag is complete only when this resolves.
   */
  async finish(bagInfo: ReadonlyArray<readonly [string, string]>, opts: FinishOptions = {}): Promise<void> {
    this.assertOpen();
    this.state = 'finishing';
    const info = renderBagInfo(bagInfo, this.payload);
    const declaration = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';
    const manifest = [...this.payload]
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map((p) => `${p.sha256}  ${encodeBagPath(p.path)}\n`)
      .join('');
    const written: Array<{ path: string; sha256: string }> = [];
    for (const [name, text] of [
      ['bagit.txt', declaration],
      ['bag-info.txt', info],
      ['manifest-sha256.txt', manifest],
    ] as const) {
      const bytes = Buffer.from(text, 'utf8');
      await writeFileSynced(path.join(this.dir, name), bytes);
      written.push({ path: name, sha256: sha256Hex(bytes) });
    }
    const unlisted = new Set(opts.extraUnlistedTagFiles ?? []);
    const tagManifest = [...written, ...this.tags.filter((t) => !unlisted.has(t.path))]
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map((t) => `${t.sha256}  ${encodeBagPath(t.path)}\n`)
      .join('');
    await writeFileSynced(path.join(this.dir, 'tagmanifest-sha256.txt'), Buffer.from(tagManifest, 'utf8'));
    // Deepest first, the bag root last: each directory entry is durable before its parent's.
    const dirs = [...this.dirs].sort((a, b) => b.split('/').length - a.split('/').length);
    for (const d of dirs) await fsyncDir(path.join(this.dir, d));
    await fsyncDir(this.dir);
    this.state = 'finished';
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new KioskError('usage', 'the bag writer is already finished');
  }

  /** Validates a bag-relative path and reserves it (and its directories) against collisions. */
  private claim(rel: string, kind: 'payload' | 'tag'): string {
    const checked = checkRelativePath(rel);
    const bad: Problem[] = checked.findings.map((f) => problem(rel, `bagit.path.${f.rule}`, f.message));
    if (kind === 'tag' && rel.startsWith('data/')) {
      bad.push(problem(rel, 'bagit.tagmanifest.payload-path', 'a tag file cannot live under data/'));
    }
    if (bad.length > 0 || checked.path !== rel) {
      throw new KioskError('invalid-input', `cannot add ${quote(rel)} to the bag: ${bad.map((p) => p.message).join('; ')}`, bad);
    }
    const segments = rel.split('/');
    for (let i = 1; i <= segments.length; i++) {
      const prefix = segments.slice(0, i).join('/');
      const key = foldKey(prefix);
      const other = this.names.get(key);
      const isLast = i === segments.length;
      if (other !== undefined && (isLast || other !== prefix)) {
        const why = other === prefix ? 'is already in the bag' : `collides with ${quote(other)} (case or Unicode normalisation)`;
        throw new KioskError('invalid-input', `cannot add ${quote(rel)}: ${quote(prefix)} ${why}`, [
          problem(rel, 'carrier.name-collision', `${prefix} ${why}`),
        ]);
      }
    }
    for (let i = 1; i <= segments.length; i++) {
      const prefix = segments.slice(0, i).join('/');
      this.names.set(foldKey(prefix), prefix);
    }
    return rel;
  }

  private async makeParents(rel: string): Promise<void> {
    const segments = rel.split('/').slice(0, -1);
    for (let i = 1; i <= segments.length; i++) {
      const d = segments.slice(0, i).join('/');
      if (this.dirs.has(d)) continue;
      await fsp.mkdir(path.join(this.dir, d));
      this.dirs.add(d);
    }
  }
}

function renderBagInfo(
  entries: ReadonlyArray<readonly [string, string]>,
  payload: ReadonlyArray<{ size: number }>,
): string {
  const lines: string[] = [];
  let hasDate = false;
  for (const [label, value] of entries) {
    if (label === '' || /[:\r\n]/.test(label) || label.trim() !== label) {
      throw new KioskError('invalid-input', `bag-info label ${quote(label)} is not allowed (no colon, line break or surrounding whitespace)`, [
        problem('bag-info.txt', 'bagit.baginfo.format', `label ${quote(label)} is not allowed`, label),
      ]);
    }
    const lower = label.toLowerCase();
    if (lower === 'payload-oxum') {
      throw new KioskError('invalid-input', 'Payload-Oxum is computed by the bag writer', [
        problem('bag-info.txt', 'bagit.baginfo.repeated', 'Payload-Oxum is computed by the bag writer', label),
      ]);
    }
    if (lower === 'bagging-date') hasDate = true;
    const [first = '', ...more] = value.split(/\r\n|\r|\n/).map((l) => l.trim());
    lines.push(`${label}: ${first}`);
    for (const m of more) if (m !== '') lines.push(`  ${m}`);
  }
  if (!hasDate) lines.push(`Bagging-Date: ${new Date().toISOString().slice(0, 10)}`);
  const octets = payload.reduce((n, p) => n + p.size, 0);
  lines.push(`Payload-Oxum: ${octets}.${payload.length}`);
  return `${lines.join('\n')}\n`;
}

async function writeAll(handle: fsp.FileHandle, chunk: Uint8Array, position?: number): Promise<void> {
  let off = 0;
  while (off < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, off, chunk.byteLength - off, position === undefined ? null : position + off);
    off += bytesWritten;
  }
}

async function writeFileSynced(abs: string, bytes: Uint8Array): Promise<void> {
  const handle = await fsp.open(abs, 'wx', 0o644);
  try {
    await writeAll(handle, bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}


function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
