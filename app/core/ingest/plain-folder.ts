// Plain folders (FORMATS.md): .mp4 files and a SHA256SUMS file. Hashes are
// checked; every recording is *incomplete* until a clerk supplies identifier,
// date and duration (PL-4.1). A folder without SHA256SUMS is refused: the
// kiosk never imports a recording it has no stored hash for (DC-4).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseSha256Sums } from '../carrier/sha256sums';
import { crashPoint } from '../faults/crash-point';
import { insertImport, insertObject, insertRecording, sealRecording, upsertCase } from '../catalog';
import { probeMp4, type MediaInfo } from '../media/probe';
import { isProblem } from '../media';
import { recordingMediaFlags, storedMedia, type StoredMedia } from './stored-media';
import { type Problem, problem } from '../../shared/problem';
import { encodeHolds, holdReason } from '../../shared/holds';
import { KioskError } from '../errors';
import { asEnvironmentError } from '../errors/environment';
import { openCarrierFile } from './carrier-read';
import type { IngestContext, ImportedRecording } from './context';
import { progressTracker } from './progress';

/** Plain-folder recordings wait under this case until a clerk files them. */
export const UNASSIGNED_CASE = '(unassigned)';

/** A camera folder says nothing but the bytes: PL-4.1 metadata and the case are a person's to supply. */
const PLAIN_FOLDER_HOLDS = encodeHolds([
  holdReason('pl41.identifier.missing'), holdReason('pl41.date.missing'), holdReason('pl41.duration.missing'), holdReason('case.unassigned'),
]);

interface Entry {
  readonly name: string;
  readonly sha256: string;
}

async function entriesOf(dir: string): Promise<{ entries: Entry[]; problems: Problem[] }> {
  const sums = path.join(dir, 'SHA256SUMS');
  if (!fs.existsSync(sums)) return { entries: [], problems: [problem(dir, 'plain.sha256sums.missing', 'a folder without SHA256SUMS is refused: no stored hash, no import (DC-4)')] };
  const parsed = await parseSha256Sums(sums);
  const problems = [...parsed.problems];
  const listed = new Set(parsed.entries.map((e) => e.name));
  for (const f of fs.readdirSync(dir)) if (/\.mp4$/i.test(f) && !listed.has(f)) problems.push(problem(f, 'plain.unlisted', 'an .mp4 file not listed in SHA256SUMS'));
  const entries = parsed.entries.filter((e) => /\.mp4$/i.test(e.name));
  // Named here, for check and import alike, rather than as a raw ENOENT when the file is opened.
  for (const e of entries) {
    const st = fs.lstatSync(path.join(dir, e.name), { throwIfNoEntry: false });
    if (!st) problems.push(problem(e.name, 'plain.file.missing', 'listed in SHA256SUMS but not in the folder'));
    else if (!st.isFile()) problems.push(problem(e.name, 'carrier.special-file', 'not a regular file; it is not opened or followed'));
  }
  return { entries, problems };
}

async function probeFile(file: string, timeoutMs: number | undefined): Promise<MediaInfo | Problem> {
  const f = await openCarrierFile(file, timeoutMs);
  try {
    return await probeMp4((o, n) => f.read(o, n), f.size, path.basename(file));
  } finally {
    await f.close();
  }
}

/** check of a plain folder: what import would refuse, the hashes included (import compares them as it copies). */
export async function checkPlainFolder(dir: string): Promise<Problem[]> {
  const { entries, problems } = await entriesOf(dir);
  if (problems.length) return problems;
  for (const e of entries) {
    const f = await openCarrierFile(path.join(dir, e.name));
    const h = crypto.createHash('sha256');
    try {
      for await (const c of f.chunks()) h.update(c);
    } finally {
      await f.close();
    }
    if (h.digest('hex') !== e.sha256.toLowerCase()) problems.push(problem(e.name, 'plain.sha256sums.hash', 'the bytes read do not match SHA256SUMS'));
    const p = await probeFile(path.join(dir, e.name), undefined);
    if ('rule' in p) problems.push({ ...p, file: e.name });
  }
  return problems;
}

export async function importPlainFolder(ctx: IngestContext, dir: string): Promise<{ imported: ImportedRecording[]; unchanged: ImportedRecording[]; problems: Problem[] }> {
  const { entries, problems } = await entriesOf(dir);
  if (problems.length) return { imported: [], unchanged: [], problems };
  const unchanged: ImportedRecording[] = [];
  const todo: Array<Entry & { size: number }> = [];
  for (const e of entries) {
    const known = ctx.db.prepare('SELECT r.identifier, r.version, r.status FROM parts p JOIN recordings r ON r.id = p.recording_id WHERE p.sha256 = ? LIMIT 1').get(e.sha256) as
      | { identifier: string | null; version: number; status: 'complete' | 'incomplete' | 'held' }
      | undefined;
    if (known) {
      unchanged.push({ identifier: known.identifier, version: known.version, case: UNASSIGNED_CASE, status: known.status, flags: [], holds: [] });
      continue;
    }
    const m = await probeFile(path.join(dir, e.name), ctx.readTimeoutMs);
    if ('rule' in m) return { imported: [], unchanged: [], problems: [{ ...m, file: e.name }] };
    todo.push({ ...e, size: fs.statSync(path.join(dir, e.name)).size });
  }
  if (todo.length === 0) return { imported: [], unchanged, problems: [] };
  const total = todo.reduce((n, t) => n + t.size, 0);
  ctx.requireSpace?.(total, `importing ${path.basename(dir)}`);
  const progress = progressTracker(path.basename(dir), total, todo.length, ctx.onProgress);
  const stored: Array<{ e: (typeof todo)[number]; objectId: string; wrappedKey: Buffer; size: number; media: StoredMedia | null }> = [];
  try {
    for (const e of todo) {
      progress.startFile(e.name);
      const f = await openCarrierFile(path.join(dir, e.name), ctx.readTimeoutMs);
      try {
        const r = await ctx.store.ingest(f, { expectedSha256: e.sha256, onData: (c) => progress.add(c.length) }).catch((err: unknown) => {
          // A full disk or an I/O error while writing the store is not a bad hash on the carrier.
          const message = err instanceof Error ? err.message : String(err);
          throw asEnvironmentError(err) ?? new KioskError('invalid-input', message, [problem(e.name, 'plain.sha256sums.hash', `the bytes read do not match SHA256SUMS (${message})`)]);
        });
        stored.push({ e, objectId: r.objectId, wrappedKey: r.wrappedKey, size: r.size, media: null });
      } finally {
        await f.close();
      }
      progress.fileDone();
    }
    // Probe, playback index and flags from the stored object (authenticated
    // reads of its moov region), never from the carrier file read before the copy.
    for (const s of stored) {
      const m = await storedMedia(ctx.store, s, s.e.name);
      if (isProblem(m)) throw new KioskError('invalid-input', m.message, [m]);
      s.media = m;
    }
  } catch (err) {
    for (const s of stored) await ctx.store.shred(s.objectId).catch(() => undefined);
    const env = asEnvironmentError(err);
    if (env) throw env;
    return { imported: [], unchanged: [], problems: err instanceof KioskError ? err.problems.slice() : [problem(dir, 'ingest.read', (err as Error).message)] };
  }
  const now = ctx.now().toISOString();
  const imported: ImportedRecording[] = [];
  ctx.db.transaction(() => {
    const caseId = upsertCase(ctx.db, { jurisdiction: 'PL', signature: UNASSIGNED_CASE, court: null, caseNumber: null, proceedingsNumber: null, extra: {} }, now);
    const importId = insertImport(ctx.db, {
      sourceKind: 'plain-folder', sourceRef: dir, packageSha256: null, operator: ctx.operator, startedAt: now, finishedAt: now, outcome: 'imported', provenance: {},
      report: { folder: dir, files: stored.map((s) => ({ path: s.e.name, sha256: s.e.sha256, size: s.size, verdict: 'ok' })) },
    });
    for (const s of stored) {
      insertObject(ctx.db, { id: s.objectId, sha256: s.e.sha256, size: s.size, wrappedKey: s.wrappedKey }, now);
      const media = s.media!;
      const flags = recordingMediaFlags([media.info], null);
      const id = insertRecording(ctx.db, {
        caseId, importId, identifier: null, version: 0, supersedes: null, creator: { name: null, court: null }, title: s.e.name, date: null, durationSec: null,
        grouping: null, status: 'incomplete', holdReason: PLAIN_FOLDER_HOLDS, flags, envelopeSheet: null,
        extra: { provisionalId: `sha256:${s.e.sha256.slice(0, 16)}`, sourceFile: s.e.name },
        parts: [{ seq: 0, name: s.e.name, objectId: s.objectId, sha256: s.e.sha256, size: s.size, media: { info: media.info, hls: media.hls } }], attachments: [], annotations: [],
      }, now);
      sealRecording(ctx.db, id, ctx.mac);
      imported.push({ identifier: null, version: 0, case: UNASSIGNED_CASE, status: 'incomplete', flags, holds: [] });
    }
    // In the same transaction as the rows: never stored-but-unlogged (DC-6, Q-1).
    ctx.log?.('import.plain-folder', { ref: dir, operator: ctx.operator, files: stored.map((s) => s.e.sha256) });
    ctx.beforeCommit?.();
    crashPoint('import.before-commit');
  })();
  crashPoint('import.after-commit');
  return { imported, unchanged, problems: [] };
}
