// Ingest of one validated crp/1 package: one pass per file (read from the
// carrier, hash, encrypt, write), the bytes actually copied compared with the
// manifest, then one SQLite transaction holding the catalog rows and the
// import's log entry. A crash, power cut or pulled carrier
// at any moment leaves the whole package or nothing: objects written
// before the transaction are orphans that start-up sweeps; a re-run completes.
import crypto from 'node:crypto';
import path from 'node:path';
import { findRecording, insertImport, insertObject, insertRecording, sealRecording, upsertCase } from '../catalog';
import { caseInput, recordingInput, statusOf } from './recording-input';
import { type Problem, problem } from '../../shared/problem';
import { KioskError } from '../errors';
import { asEnvironmentError } from '../errors/environment';
import { openCarrierFile } from './carrier-read';
import type { IngestContext, ImportedRecording, PackageOutcome } from './context';
import { progressTracker } from './progress';
import { verifyProtocols } from './protocols';
import type { PackageCheck } from './validate-package';
import type { BagFileInfo } from '../carrier/bagit';
import { exportProvenance } from '../export/provenance';
import { crashPoint } from '../faults/crash-point';
import { isProblem, type MediaInfo } from '../media';
import { recordingMediaFlags, storedMedia, type StoredMedia } from './stored-media';

const MAX_ATTACHMENT_IN_MEMORY = 64 << 20;

interface StoredFile {
  readonly objectId: string;
  readonly sha256: string;
  readonly size: number;
  readonly wrappedKey: Buffer;
  readonly isNew: boolean;
  /** Kept for signature checks of small attachments only (never media). */
  readonly bytes: Buffer | null;
}

/** Hashes other than sha256 that the bag's manifests carry, checked in the same pass. */
const NODE_ALGO: Record<string, string> = { md5: 'md5', sha1: 'sha1', sha224: 'sha224', sha384: 'sha384', sha512: 'sha512' };

export async function ingestPackage(ctx: IngestContext, check: PackageCheck, sourceKind: 'carrier' | 'tis' | 'demo', sourceRef: string): Promise<PackageOutcome> {
  const pkg = check.dir;
  const doc = check.doc;
  const bag = check.bag;
  if (!doc || !bag || check.problems.length > 0) return { package: pkg, imported: [], unchanged: [], problems: check.problems, warnings: check.warnings };
  const startedAt = ctx.now().toISOString();
  // A package another kiosk exported: its signature is checked before anything is stored.
  const signed = await exportProvenance(pkg, bag, ctx.trustedDevices ?? []);
  if ('problem' in signed) return { package: pkg, imported: [], unchanged: [], problems: [signed.problem], warnings: check.warnings };
  const problems: Problem[] = [];
  const caseSig = doc.case.signature;

  // Which recordings are new, which are already stored (idempotent), which conflict (PL-3.7: never replaced).
  const partHashes = (i: number) => doc.recordings[i]!.parts.map((p) => bag.payload.get(p.path)?.digests.sha256 ?? '');
  const fresh: number[] = [];
  const unchanged: ImportedRecording[] = [];
  doc.recordings.forEach((r, i) => {
    if (r.identifier === null) {
      const known = ctx.db
        .prepare(`SELECT r.id FROM recordings r WHERE r.identifier IS NULL AND (SELECT group_concat(sha256, ',') FROM (SELECT sha256 FROM parts WHERE recording_id = r.id ORDER BY seq)) = ?`)
        .get(partHashes(i).join(','));
      if (known) unchanged.push(summary(i, 'incomplete', []));
      else fresh.push(i);
      return;
    }
    const found = findRecording(ctx.db, r.identifier, r.version);
    if (!found) fresh.push(i);
    else if (found.partHashes.join(',') === partHashes(i).join(',') && !found.purged) unchanged.push(summary(i, 'complete', []));
    else
      problems.push(
        problem('recordings.json', found.purged ? 'pl3.version.purged' : 'pl3.version.conflict',
          found.purged
            ? `${r.identifier} version ${r.version} was purged from this device after transfer to the archive; it is not re-imported`
            : `${r.identifier} version ${r.version} is already stored with different content; versions never replace one another (PL-3.7)`,
          `recordings[${i}]`),
      );
  });
  if (problems.length) return { package: pkg, imported: [], unchanged: [], problems, warnings: check.warnings };

  // One pass per file: the files the fresh recordings name.
  const wanted = new Map<string, { attachment: boolean }>();
  for (const i of fresh) {
    const r = doc.recordings[i]!;
    for (const p of r.parts) wanted.set(p.path, { attachment: false });
    for (const a of r.attachments) {
      wanted.set(a.path, { attachment: true });
      if (a.signature) wanted.set(a.signature, { attachment: true });
    }
  }
  // Every other payload file (unreferenced, or of a recording already stored)
  // is hashed here instead, so import refuses exactly the bags check refuses.
  const uncopied = await hashUncopied(ctx, pkg, bag.payload, wanted);
  if (uncopied.length) return { package: pkg, imported: [], unchanged: [], problems: uncopied, warnings: check.warnings };
  if (fresh.length === 0) return { package: pkg, imported: [], unchanged, problems: [], warnings: check.warnings };

  // PL-3.7: a later version's original must be here or already stored; if not, import it flagged.
  const inPackage = new Set(doc.recordings.map((r) => `${r.identifier}\u0000${r.version}`));
  const total = [...wanted.keys()].reduce((n, p) => n + (bag.payload.get(p)?.size ?? 0), 0);
  // Refused before the first byte when it would not fit (exit 2, env.no-space): never a half-copied package.
  ctx.requireSpace?.(total, `importing ${path.basename(pkg)}`);
  const progress = progressTracker(path.basename(pkg), total, wanted.size, ctx.onProgress);
  const stored = new Map<string, StoredFile>();
  const media = new Map<string, StoredMedia>();
  const mediaFlags = new Map<number, string[]>();
  try {
    for (const [rel, { attachment }] of wanted) {
      const entry = bag.payload.get(rel);
      if (!entry || !entry.digests.sha256) throw new KioskError('invalid-input', `${rel}: not in manifest-sha256.txt`, [problem(rel, 'crp.manifest.sha256', 'not listed in manifest-sha256.txt')]);
      progress.startFile(rel);
      stored.set(rel, await copyOne(ctx, path.join(pkg, entry.rel), rel, entry, attachment, (n) => progress.add(n)));
      progress.fileDone();
    }
    // Media from the stored objects, through authenticated reads: the index and
    // flags describe the bytes that were hashed and stored, whatever the carrier
    // held when validation probed it (an extra read of the moov region only).
    for (const i of fresh) {
      const infos: MediaInfo[] = [];
      for (const p of doc.recordings[i]!.parts) {
        const m = media.get(p.path) ?? (await storedMedia(ctx.store, stored.get(p.path)!, p.path));
        if (isProblem(m)) throw new KioskError('invalid-input', `${p.path}: ${m.message}`, [m]);
        media.set(p.path, m);
        infos.push(m.info);
      }
      mediaFlags.set(i, recordingMediaFlags(infos, check.verdicts[i]?.durationSec ?? null));
    }
  } catch (e) {
    await discard(ctx, stored);
    // The machine's fault (disk full, I/O error, permission) is not the carrier's: exit 2 with env.*, never bagit.*.
    const env = asEnvironmentError(e);
    if (env) throw env;
    const ps = e instanceof KioskError && e.problems.length ? [...e.problems] : [problem(pkg, 'ingest.read', (e as Error).message)];
    return { package: pkg, imported: [], unchanged: [], problems: ps, warnings: check.warnings };
  }

  // Signed protocols (UA-3, UA-4).
  const verdicts = new Map<string, unknown>();
  const holdsFor = new Map<number, string[]>();
  for (const i of fresh) {
    const r = doc.recordings[i]!;
    const p = await verifyProtocols(ctx, doc.case.jurisdiction, r.attachments, (rel) => stored.get(rel)?.bytes);
    for (const [k, v] of p.verdicts) verdicts.set(k, v);
    holdsFor.set(i, [...(check.verdicts[i]?.holds ?? []), ...p.holds]);
  }

  const now = ctx.now().toISOString();
  const imported: ImportedRecording[] = [];
  const report = {
    package: pkg,
    packageSha256: check.packageSha256,
    files: [...stored.entries()].map(([rel, s]) => ({ path: rel, sha256: s.sha256, size: s.size, verdict: 'ok' })),
    warnings: check.warnings,
    unknownFields: check.unknownFields,
    media: [...media.entries()].map(([p, m]) => ({ path: p, media: m.info })),
  };
  try {
    ctx.db.transaction(() => {
      const caseId = upsertCase(ctx.db, caseInput(doc.case), now);
      const importId = insertImport(ctx.db, {
        sourceKind, sourceRef, packageSha256: check.packageSha256, operator: ctx.operator, startedAt, finishedAt: now,
        outcome: 'imported', provenance: { bagInfo: bag.bagInfo, ...(signed.provenance ? { export: signed.provenance } : {}) }, report,
      });
      for (const s of stored.values()) if (s.isNew) insertObject(ctx.db, { id: s.objectId, sha256: s.sha256, size: s.size, wrappedKey: s.wrappedKey }, now);
      for (const i of fresh) {
        const r = doc.recordings[i]!;
        const v = check.verdicts[i]!;
        const flags = [...(mediaFlags.get(i) ?? [])];
        if (r.version > 0 && r.supersedes && !inPackage.has(`${r.supersedes.identifier}\u0000${r.supersedes.version}`) && !findRecording(ctx.db, r.supersedes.identifier, r.supersedes.version))
          flags.push('original-missing');
        const holds = holdsFor.get(i) ?? [];
        const status = statusOf(v, holds);
        const id = insertRecording(ctx.db, recordingInput({
          rec: r, verdict: v, caseId, importId, flags, holds,
          stored: (p) => stored.get(p)!,
          media: (p) => {
            const m = media.get(p);
            return m ? { info: m.info, hls: m.hls } : null;
          },
          signatureVerdict: (a) => verdicts.get(a),
        }), now);
        sealRecording(ctx.db, id, ctx.mac);
        imported.push({ ...summary(i, status, flags), holds });
      }
      // In the same transaction as the rows: never stored-but-unlogged (DC-6, Q-1).
      ctx.log?.('import.package', {
        source: sourceKind, ref: sourceRef, package: check.packageSha256, operator: ctx.operator,
        ...(signed.provenance ? { provenance: signed.provenance.text } : {}),
        recordings: imported.map((r) => ({ identifier: r.identifier, version: r.version, status: r.status })),
      });
      ctx.beforeCommit?.();
      crashPoint('import.before-commit');
    })();
  } catch (e) {
    await discard(ctx, stored);
    const env = asEnvironmentError(e);
    if (env) throw env;
    return { package: pkg, imported: [], unchanged: [], problems: [problem(pkg, 'ingest.catalog', (e as Error).message)], warnings: check.warnings };
  }
  crashPoint('import.after-commit');
  return { package: pkg, imported, unchanged, problems: [], warnings: check.warnings };

  function summary(i: number, status: ImportedRecording['status'], flags: string[]): ImportedRecording {
    const r = doc!.recordings[i]!;
    return { identifier: r.identifier, version: r.version, case: caseSig, status, flags, holds: [] };
  }
}


async function copyOne(
  ctx: IngestContext,
  file: string,
  rel: string,
  entry: { size: number; digests: Record<string, string> },
  keepBytes: boolean,
  onBytes: (n: number) => void,
): Promise<StoredFile> {
  const expected = entry.digests.sha256!;
  // Every file becomes its own object under its own key, even when the same
  // content is stored already: purging one case can never take another's bytes.
  const f = await openCarrierFile(file, ctx.readTimeoutMs);
  try {
    const extra = Object.entries(entry.digests)
      .filter(([alg]) => alg !== 'sha256' && NODE_ALGO[alg])
      .map(([alg, hex]) => ({ alg, hex, h: crypto.createHash(NODE_ALGO[alg]!) }));
    const kept: Buffer[] = [];
    let keptBytes = 0;
    // The store reads the carrier itself (positional, into its slots); this sees each piece on the way.
    const onData = (c: Buffer): void => {
      for (const x of extra) x.h.update(c);
      if (keepBytes && keptBytes <= MAX_ATTACHMENT_IN_MEMORY) {
        kept.push(Buffer.from(c));
        keptBytes += c.length;
      }
      onBytes(c.length);
    };
    let r: { sha256: string; size: number; objectId: string; wrappedKey: Buffer };
    try {
      r = await ctx.store.ingest(f, { expectedSha256: expected, onData });
    } catch (e) {
      // A full disk or an I/O error while writing the store is not a bad hash on the carrier.
      const env = asEnvironmentError(e);
      if (env) throw env;
      throw new KioskError('invalid-input', `${rel}: ${(e as Error).message}`, [problem(rel, 'bagit.manifest.hash', `the bytes read do not match manifest-sha256.txt (${(e as Error).message})`)]);
    }
    for (const x of extra) {
      const got = x.h.digest('hex');
      if (got !== x.hex.toLowerCase()) {
        await ctx.store.shred(r.objectId);
        throw new KioskError('invalid-input', `${rel}: ${x.alg} mismatch`, [problem(rel, 'bagit.manifest.hash', `${x.alg} of the bytes read does not match manifest-${x.alg}.txt`)]);
      }
    }
    if (r.size !== entry.size) {
      await ctx.store.shred(r.objectId);
      throw new KioskError('invalid-input', `${rel}: size changed`, [problem(rel, 'bagit.payload.size', `read ${r.size} bytes, the manifest's file had ${entry.size}`)]);
    }
    return { ...r, isNew: true, bytes: keepBytes && keptBytes <= MAX_ATTACHMENT_IN_MEMORY ? Buffer.concat(kept) : null };
  } finally {
    await f.close();
  }
}

async function discard(ctx: IngestContext, stored: Map<string, StoredFile>): Promise<void> {
  for (const s of stored.values()) if (s.isNew) await ctx.store.shred(s.objectId).catch(() => undefined);
}

/** Payload files the import does not copy, hashed with every algorithm their manifests use; a mismatch is bagit.manifest.hash, as in check. */
async function hashUncopied(ctx: IngestContext, pkg: string, payload: ReadonlyMap<string, BagFileInfo>, copied: ReadonlyMap<string, unknown>): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const [key, entry] of payload) {
    if (copied.has(key)) continue;
    const hashes = Object.entries(entry.digests)
      .filter(([alg]) => alg === 'sha256' || NODE_ALGO[alg])
      .map(([alg, hex]) => ({ alg, hex, h: crypto.createHash(alg === 'sha256' ? 'sha256' : NODE_ALGO[alg]!) }));
    const f = await openCarrierFile(path.join(pkg, entry.rel), ctx.readTimeoutMs);
    try {
      for await (const c of f.chunks()) for (const x of hashes) x.h.update(c);
    } finally {
      await f.close();
    }
    for (const x of hashes)
      if (x.h.digest('hex') !== x.hex.toLowerCase()) problems.push(problem(key, 'bagit.manifest.hash', `the ${x.alg} of the bytes read does not match manifest-${x.alg}.txt`));
  }
  return problems;
}
