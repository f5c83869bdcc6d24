// Import from the case-file system (TIS): the carrier pipeline's rules with
// another source. The listing becomes a recordings.json document for the
// same metadata rules (PL-3, UA-5, UA-6); every file is streamed into the
// encrypted store through the verified download; media is probed from the
// stored object; each recording is committed in one catalog transaction, or
// nothing of it is kept. A recording with a part still processing is left
// for later (UA-1).
import { findRecording, insertImport, insertObject, insertRecording, sealRecording, upsertCase } from '../catalog';
import { caseInput, recordingInput, statusOf } from '../ingest/recording-input';
import { checkMetadata, recordingsFileSchema, type RecordingsFile, type RecordingVerdict } from '../crp';
import { KioskError } from '../errors';
import { ingestContextFor, requireSource, type ImportedRecording, type IngestContext, type ProgressListener } from '../ingest';
import { crashPoint } from '../faults/crash-point';
import { asEnvironmentError } from '../errors/environment';
import { progressTracker } from '../ingest/progress';
import { verifyProtocols } from '../ingest/protocols';
import type { Kiosk } from '../kiosk';
import { isProblem } from '../media';
import { recordingMediaFlags, storedMedia, type StoredMedia } from '../ingest/stored-media';
import type { IngestResult } from '../store';
import { type Problem, problem } from '../../shared/problem';
import type { TisClient } from './client';
import { TisError } from './errors';
import type { TisAttachment, TisListing, TisRecording } from './schema';
import { storeSink } from './store-sink';
import { TisWaitingQueue } from './waiting';

export interface FetchCaseOptions {
  readonly signature: string;
  readonly client: TisClient;
  readonly operator?: string | null;
  readonly onProgress?: ProgressListener;
}

export interface NotReadyRecording {
  readonly identifier: string | null;
  readonly version: number;
  readonly retryAfterSec: number;
  /** The part that answered (or is listed as) processing. */
  readonly url: string;
}

export interface FetchResult {
  /** The listing's URL: the source reference of every import from it. */
  readonly source: string;
  readonly imported: ImportedRecording[];
  readonly unchanged: ImportedRecording[];
  readonly problems: Problem[];
  readonly warnings: Problem[];
  /** UA-1: recordings with a part still processing; nothing of them was stored. */
  readonly notReady: NotReadyRecording[];
}

const MAX_ATTACHMENT_IN_MEMORY = 64 << 20;
const DEFAULT_RETRY_AFTER_SEC = 60;

/** One file of a recording as the TIS lists it, under the name the catalog will show. */
interface Wanted {
  readonly name: string;
  readonly href: string;
  readonly sha256: string;
  readonly size: number;
  readonly attachment: boolean;
}

interface Stored extends IngestResult {
  readonly url: string;
}

/**
 * Lists case `signature` on the TIS and imports every ready recording not
 * already stored. Errors of the listing itself (unknown case, TLS, network)
 * are thrown as TisError; every problem of one recording is a value in
 * `problems` and leaves nothing of that recording behind.
 */
export async function fetchCase(kiosk: Kiosk, opts: FetchCaseOptions): Promise<FetchResult> {
  requireSource(kiosk.config, 'tis', opts.client.casePath(opts.signature, 'recordings').href);
  const ctx = ingestContextFor(kiosk, {
    operator: opts.operator ?? null,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    log: (type, data) => void kiosk.log.append(type, data),
  });
  const r = await fetchCaseWith(ctx, opts);
  // UA-1: what is still processing waits in the durable queue, retried by the kiosk service after Retry-After.
  const queue = new TisWaitingQueue(kiosk.db);
  const sig = opts.signature;
  for (const x of r.notReady) queue.wait({ caseSignature: sig, identifier: x.identifier, version: x.version, url: x.url, operator: opts.operator ?? null, retryAfterSec: x.retryAfterSec });
  for (const x of r.imported) queue.finish(sig, x.identifier, x.version, 'imported');
  for (const x of r.unchanged) queue.finish(sig, x.identifier, x.version, 'unchanged');
  return r;
}

export async function fetchCaseWith(ctx: IngestContext, opts: FetchCaseOptions): Promise<FetchResult> {
  const client = opts.client;
  const source = client.casePath(opts.signature, 'recordings').href;
  const listing = await client.listRecordings(opts.signature);
  const out: FetchResult = { source, imported: [], unchanged: [], problems: [], warnings: [], notReady: [] };

  const built = asRecordingsFile(listing, source);
  if (!built.ok) {
    out.problems.push(...built.problems);
    return out;
  }
  const doc = built.doc;
  const meta = checkMetadata(doc);
  const at = (p: Problem): Problem => ({ ...p, file: source });
  // A problem outside any recording (none today) would reject them all.
  const caseProblems = meta.problems.filter((p) => !p.field?.startsWith('recordings[')).map(at);
  if (caseProblems.length) {
    out.problems.push(...caseProblems);
    return out;
  }

  for (const [i, r] of listing.recordings.entries()) {
    const rec = doc.recordings[i]!;
    const mine = meta.problems.filter((p) => p.field === `recordings[${i}]` || p.field?.startsWith(`recordings[${i}].`) || p.field?.startsWith(`recordings[${i}][`)).map(at);
    if (mine.length) {
      out.problems.push(...mine);
      continue;
    }
    const processing = r.parts.find((p) => p.status === 'processing');
    if (processing) {
      out.notReady.push({ identifier: rec.identifier, version: rec.version, retryAfterSec: await retryAfter(client, processing), url: client.resolve(processing.href).href });
      continue;
    }
    const summary = (status: ImportedRecording['status'], flags: string[], holds: string[]): ImportedRecording => ({
      identifier: rec.identifier, version: rec.version, case: doc.case.signature, status, flags, holds,
    });
    const partHashes = r.parts.map((p) => (p.status === 'ready' ? p.sha256.toLowerCase() : ''));
    const known = identityOf(ctx, rec, partHashes, source, i);
    if (known === 'unchanged') {
      out.unchanged.push(summary(rec.identifier === null ? 'incomplete' : 'complete', [], []));
      continue;
    }
    if (known !== 'new') {
      out.problems.push(known);
      continue;
    }
    const r1 = await storeRecording(ctx, client, { source, doc, index: i, tis: r, verdict: meta.recordings[i]! });
    if (r1.kind === 'imported') out.imported.push(r1.recording);
    else if (r1.kind === 'not-ready') out.notReady.push(r1.notReady);
    else out.problems.push(...r1.problems);
  }
  return out;
}

/** The TIS listing as a crp/1 document, so the carrier's metadata rules apply unchanged. */
export function asRecordingsFile(listing: TisListing, source: string): { ok: true; doc: RecordingsFile } | { ok: false; problems: Problem[] } {
  const raw = {
    profile: 'crp/1',
    case: { court: null, caseNumber: null, proceedingsNumber: null, ...listing.case },
    recordings: listing.recordings.map((r) => {
      const { parts, attachments, ...rest } = r;
      return {
        identifier: null, title: null, date: null, duration: null, grouping: null, supersedes: null, annotations: [], envelopeSheet: null,
        ...rest,
        creator: { name: r.creator?.name ?? null, court: r.creator?.court ?? null },
        parts: parts.map((p) => ({ path: `data/${p.name}` })),
        attachments: attachments.map((a) => ({
          path: `data/${attachmentName(a)}`,
          kind: a.kind ?? 'attachment',
          title: a.title ?? null,
          signature: a.signature ? `data/${signatureName(a)}` : null,
        })),
      };
    }),
  };
  const parsed = recordingsFileSchema.safeParse(raw);
  if (parsed.success) return { ok: true, doc: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => {
      const field = i.path.map(String).join('.');
      return problem(source, 'tis.listing.crp', `${field || '(root)'}: ${i.message}`, field || undefined);
    }),
  };
}

function attachmentName(a: TisAttachment): string {
  const n = a['name'];
  return typeof n === 'string' && n.length > 0 ? n : lastSegment(a.href);
}

function signatureName(a: TisAttachment): string {
  const s = a.signature;
  if (!s) return '';
  const n = typeof s === 'string' ? undefined : s['name'];
  if (typeof n === 'string' && n.length > 0) return n;
  return lastSegment(typeof s === 'string' ? s : s.href);
}

function lastSegment(href: string): string {
  const seg = href.split(/[?#]/)[0]!.split('/').pop() ?? '';
  try {
    return decodeURIComponent(seg) || 'file';
  } catch {
    return seg || 'file';
  }
}

/** Retry-After of a processing part, from its 409 (the listing's hint when the TIS does not answer one). */
async function retryAfter(client: TisClient, part: TisRecording['parts'][number]): Promise<number> {
  const hint = part['retryAfter'];
  try {
    // Size 0 and a hash nobody has: a 409 answers before any body is read; anything else is refused, opening no sink.
    const r = await client.download(part.href, { sha256: '0'.repeat(64), size: 0 }, () => Promise.reject(new Error('no sink for a processing part')));
    if (r.status === 'not-ready') return r.retryAfterSec;
  } catch {
    // The part may have become ready since the listing: the next fetch takes it.
  }
  return typeof hint === 'number' && Number.isFinite(hint) && hint > 0 ? hint : DEFAULT_RETRY_AFTER_SEC;
}

/** PL-3.7: an identifier and version is stored once; the same parts again are "unchanged", others a conflict. */
function identityOf(ctx: IngestContext, rec: RecordingsFile['recordings'][number], partHashes: string[], source: string, i: number): 'new' | 'unchanged' | Problem {
  if (rec.identifier === null) {
    const known = ctx.db
      .prepare(`SELECT r.id FROM recordings r WHERE r.identifier IS NULL AND (SELECT group_concat(sha256, ',') FROM (SELECT sha256 FROM parts WHERE recording_id = r.id ORDER BY seq)) = ?`)
      .get(partHashes.join(','));
    return known ? 'unchanged' : 'new';
  }
  const found = findRecording(ctx.db, rec.identifier, rec.version);
  if (!found) return 'new';
  if (!found.purged && found.partHashes.join(',') === partHashes.join(',')) return 'unchanged';
  return found.purged
    ? problem(source, 'pl3.version.purged', `${rec.identifier} version ${rec.version} was purged from this device after transfer to the archive; it is not re-imported`, `recordings[${i}]`)
    : problem(source, 'pl3.version.conflict', `${rec.identifier} version ${rec.version} is already stored with different content; versions never replace one another (PL-3.7)`, `recordings[${i}]`);
}

type RecordingOutcome =
  | { kind: 'imported'; recording: ImportedRecording }
  | { kind: 'not-ready'; notReady: NotReadyRecording }
  | { kind: 'rejected'; problems: Problem[] };

async function storeRecording(
  ctx: IngestContext,
  client: TisClient,
  job: { source: string; doc: RecordingsFile; index: number; tis: TisRecording; verdict: RecordingVerdict },
): Promise<RecordingOutcome> {
  const { source, doc, index: i, tis, verdict } = job;
  const rec = doc.recordings[i]!;
  const startedAt = ctx.now().toISOString();
  const wanted: Wanted[] = [];
  tis.parts.forEach((p, j) => {
    if (p.status === 'ready') wanted.push({ name: rec.parts[j]!.path, href: p.href, sha256: p.sha256, size: p.size, attachment: false });
  });
  tis.attachments.forEach((a, j) => {
    const ca = rec.attachments[j]!;
    wanted.push({ name: ca.path, href: a.href, sha256: a.sha256, size: a.size, attachment: true });
    const s = a.signature;
    if (s && ca.signature) {
      if (typeof s === 'string') return; // a bare href has no hash to check it against (DC-4): refused below
      wanted.push({ name: ca.signature, href: s.href, sha256: s.sha256, size: s.size, attachment: true });
    }
  });
  const bare = tis.attachments.findIndex((a) => typeof a.signature === 'string');
  if (bare >= 0)
    return { kind: 'rejected', problems: [problem(source, 'tis.signature.unhashed', 'the protocol signature is listed without sha256 and size; nothing from the TIS is stored without a hash to check (DC-4)', `recordings.${i}.attachments.${bare}.signature`)] };

  const label = `${doc.case.signature} ${rec.identifier ?? '(no identifier)'} v${rec.version}`;
  const total = wanted.reduce((n, w) => n + w.size, 0);
  // Refused before the first byte is downloaded when it would not fit (exit 2, env.no-space).
  ctx.requireSpace?.(total, `fetching ${label}`);
  const progress = progressTracker(label, total, wanted.length, ctx.onProgress);
  const stored = new Map<string, Stored>();
  const discard = async (): Promise<void> => {
    for (const s of stored.values()) await ctx.store.shred(s.objectId).catch(() => undefined);
    stored.clear();
  };

  try {
    for (const w of wanted) {
      progress.startFile(w.name);
      const sinks: ReturnType<typeof storeSink>[] = [];
      const res = await client.download(w.href, { sha256: w.sha256, size: w.size }, async () => {
        const s = storeSink(ctx.store, w.sha256, (n) => progress.add(n));
        sinks.push(s);
        return s;
      });
      if (res.status === 'not-ready') {
        // UA-1: listed ready, answered 409: the recording waits whole.
        await discard();
        return { kind: 'not-ready', notReady: { identifier: rec.identifier, version: rec.version, retryAfterSec: res.retryAfterSec, url: res.url } };
      }
      const kept = sinks.map((s) => s.stored()).find((x) => x !== null);
      if (!kept) throw new TisError('tis.body.short', res.url, 'the download finished but the store kept nothing');
      stored.set(w.name, { ...kept, url: res.url });
      progress.fileDone();
    }

    // Media, probed from the stored object through authenticated reads (DC-4).
    const media = new Map<string, StoredMedia>();
    for (const p of rec.parts) {
      const s = stored.get(p.path)!;
      const m = await storedMedia(ctx.store, s, p.path);
      if (isProblem(m)) {
        await discard();
        return { kind: 'rejected', problems: [{ ...m, file: s.url, field: p.path }] };
      }
      media.set(p.path, m);
    }
    const flags = recordingMediaFlags(rec.parts.map((p) => media.get(p.path)!.info), verdict.durationSec);
    if (rec.version > 0 && rec.supersedes && !findRecording(ctx.db, rec.supersedes.identifier, rec.supersedes.version)) {
      const inListing = doc.recordings.some((o) => o.identifier === rec.supersedes!.identifier && o.version === rec.supersedes!.version);
      if (!inListing) flags.push('original-missing');
    }

    // Signed protocols (UA-3, UA-4), verified from the stored objects.
    const bytes = new Map<string, Buffer>();
    for (const [name, s] of stored) {
      if (!wanted.find((w) => w.name === name)?.attachment || s.size > MAX_ATTACHMENT_IN_MEMORY) continue;
      bytes.set(name, await ctx.store.reader(s.objectId, s.wrappedKey, s.size).readRange(0, s.size));
    }
    const protocols = await verifyProtocols(ctx, doc.case.jurisdiction, rec.attachments, (name) => bytes.get(name) ?? null);
    const holds = [...verdict.holds, ...protocols.holds];
    const status: ImportedRecording['status'] = statusOf(verdict, holds);

    const now = ctx.now().toISOString();
    const report = {
      source,
      files: [...stored.entries()].map(([name, s]) => ({ path: name, url: s.url, sha256: s.sha256, size: s.size, verdict: 'ok' })),
      media: rec.parts.map((p) => ({ path: p.path, media: media.get(p.path)?.info ?? null })),
    };
    ctx.db.transaction(() => {
      const caseId = upsertCase(ctx.db, caseInput(doc.case), now);
      const importId = insertImport(ctx.db, {
        sourceKind: 'tis', sourceRef: source, packageSha256: null, operator: ctx.operator, startedAt, finishedAt: now,
        outcome: 'imported', provenance: { tis: new URL(source).origin }, report,
      });
      for (const s of stored.values()) insertObject(ctx.db, { id: s.objectId, sha256: s.sha256, size: s.size, wrappedKey: s.wrappedKey }, now);
      const id = insertRecording(ctx.db, recordingInput({
        rec, verdict, caseId, importId, flags, holds,
        stored: (p) => stored.get(p)!,
        media: (p) => {
          const m = media.get(p);
          return m ? { info: m.info, hls: m.hls } : null;
        },
        signatureVerdict: (a) => protocols.verdicts.get(a),
      }), now);
      sealRecording(ctx.db, id, ctx.mac);
      // In the same transaction as the rows: a failed log entry stores nothing, so nothing is stored unlogged (DC-6, Q-1).
      ctx.log?.('import.tis', {
        source: 'tis', ref: source, case: doc.case.signature, operator: ctx.operator,
        recordings: [{ identifier: rec.identifier, version: rec.version, status }],
      });
      ctx.beforeCommit?.();
      crashPoint('import.before-commit');
    })();
    crashPoint('import.after-commit');
    return { kind: 'imported', recording: { identifier: rec.identifier, version: rec.version, case: doc.case.signature, status, flags, holds } };
  } catch (e) {
    await discard();
    // The machine's fault is not the case-file system's: exit 2 with env.*.
    const env = asEnvironmentError(e);
    if (env) throw env;
    if (e instanceof KioskError && e.problems.length) return { kind: 'rejected', problems: e.problems.map((p) => ({ ...p, field: p.field ?? `recordings.${i}` })) };
    return { kind: 'rejected', problems: [problem(source, 'tis.import', (e as Error).message, `recordings.${i}`)] };
  }
}


