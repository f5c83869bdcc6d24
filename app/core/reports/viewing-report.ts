// The viewing report (DC-6, PL-8): for one review session, every log entry it
// wrote, a fresh signed checkpoint of the whole log, an inclusion proof per
// entry, and the facts a case file needs, all signed by the device. An auditor
// who holds only the device's public key can check it: the signature covers
// the report, each entry hashes to its leaf, each leaf proves into the signed
// root.
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import type { Kiosk } from '../kiosk';
import { IntegrityError } from '../errors';
import {
  type LogEntry,
  leafHash,
  verifyDeviceCheckpoint,
  verifyInclusion,
} from '../viewing-log';
import { canonicalJson } from '../../shared/canonical-json';
import { formatPlDate, formatPlDuration } from '../../shared/pl3-format';
import { isLanguage, type Language } from '../../shared/i18n/languages';

export const VIEWING_REPORT_TYPE = 'court-kiosk/viewing-report/v1';

export interface ReportViewer {
  readonly name: string | null;
  readonly documentType: string | null;
  readonly documentLast4: string | null;
  readonly purpose: string | null;
}

export interface ReportRecording {
  readonly identifier: string;
  readonly version: number;
  readonly title: string | null;
  /** PL-3.4 in the regulation's display form (YYYY-MM-DDhh:mm:ss). */
  readonly date: string | null;
  /** PL-3.5 (mm:ss or hh:mm:ss). */
  readonly duration: string | null;
  /** From the session's own before-playback integrity verdict, when it gave one. */
  readonly sha256?: string;
  readonly played: { readonly ranges: ReadonlyArray<readonly [number, number]>; readonly seconds: number };
  /**
   * What the kiosk handed to the player (the session's last `media.served`
   * entry): the timeline its media segments cover, and every byte of
   * playlist, init and media segments and captions. Beside `played`, it shows
   * how much left the kiosk against how much was seen.
   */
  readonly served: { readonly ranges: ReadonlyArray<readonly [number, number]>; readonly seconds: number; readonly bytes: number };
  /**
   * The protocols filed with the recording, each with its title exactly as the
   * package gave it (UA-6: «Протокол судового засідання підсистеми ВКЗ» is the
   * system's own name for its document and is never translated).
   */
  readonly protocols?: ReadonlyArray<{ readonly title: string | null }>;
}

export interface ReportSession {
  readonly id: string;
  readonly clerk: { readonly id: string | null; readonly name: string | null };
  readonly viewer: ReportViewer;
  /** ISO times of the session.opened / session.closed entries. */
  readonly opened: string;
  readonly closed: string | null;
  readonly endReason: string | null;
  readonly endProblem: string | null;
  readonly minutesAllowed: number | null;
}

export interface ViewingReportBody {
  readonly type: typeof VIEWING_REPORT_TYPE;
  readonly device: { readonly id: string; readonly name: string };
  readonly organisation: { readonly kind: string; readonly name: string };
  /** caseNumber is the ЄУН and proceedingsNumber the proceedings number of a Ukrainian case (UA-5); null for a Polish one. */
  readonly case: { readonly signature: string | null; readonly caseNumber: string | null; readonly proceedingsNumber?: string | null };
  readonly session: ReportSession;
  readonly recordings: readonly ReportRecording[];
  readonly entries: readonly LogEntry[];
  /** C2SP signed note over the log as it stood when the report was made. */
  readonly checkpoint: string;
  /** Hex audit path of each entry (by seq) in the checkpoint's tree. */
  readonly inclusionProofs: Readonly<Record<string, readonly string[]>>;
  readonly language: Language;
  readonly generated: string;
  readonly publicKeyPem: string;
}

export interface ViewingReport extends ViewingReportBody {
  /** Ed25519 by the device key over the canonical JSON of everything else, base64. */
  readonly signature: string;
}

export interface BuildOptions {
  /** Case-file signature (PL-3.6) or ЄУН (UA-5). */
  readonly caseSignature: string;
  /** Overrides the session's language for every report. */
  readonly language?: Language;
  readonly now?: () => Date;
}

const SCAN_CHUNK = 5000;

const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const obj = (x: unknown): Record<string, unknown> => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});

function caseMatches(c: Record<string, unknown>, query: string): boolean {
  return str(c.signature) === query || str(c.caseNumber) === query;
}

function rangesOf(x: unknown): Array<[number, number]> {
  if (!Array.isArray(x)) return [];
  const out: Array<[number, number]> = [];
  for (const r of x) {
    if (Array.isArray(r) && r.length === 2 && num(r[0]) !== null && num(r[1]) !== null) out.push([r[0] as number, r[1] as number]);
  }
  return out;
}

/**
 * The exact bytes the log stored for an entry: canonical JSON of {seq, time,
 * type, data}. The shared encoder gives the same bytes as the log's own for
 * anything that came out of JSON.parse (sorted keys, no whitespace).
 */
export function entryBytes(e: Pick<LogEntry, 'seq' | 'time' | 'type' | 'data'>): Buffer {
  return Buffer.from(canonicalJson({ seq: e.seq, time: e.time, type: e.type, data: e.data }), 'utf8');
}

/** Entries of every session that named the case, grouped by session, in log order. */
function sessionEntries(kiosk: Kiosk, query: string, size: number): Map<string, LogEntry[]> {
  const sessions = new Map<string, LogEntry[]>();
  const open = new Set<string>();
  for (let from = 0; from < size; from += SCAN_CHUNK) {
    for (const e of kiosk.log.entries(from, Math.min(size, from + SCAN_CHUNK))) {
      // The clock set back while a session was open belongs in its report: its times depend on it.
      if (e.type === 'clock.stepBack') {
        for (const id of open) sessions.get(id)?.push(e);
        continue;
      }
      const id = str(e.data.sessionId);
      if (id === null) continue;
      if (e.type === 'session.opened' && caseMatches(obj(e.data.case), query) && !sessions.has(id)) {
        sessions.set(id, []);
        open.add(id);
      }
      sessions.get(id)?.push(e);
      if (e.type === 'session.closed') open.delete(id);
    }
  }
  return sessions;
}

interface CatalogRow {
  id: number;
  title: string | null;
  date: string | null;
  duration_sec: number | null;
}

function recordingsOf(kiosk: Kiosk, opened: LogEntry, closed: LogEntry | undefined, entries: readonly LogEntry[]): ReportRecording[] {
  const q = kiosk.db.prepare('SELECT id, title, date, duration_sec FROM recordings WHERE identifier = ? AND version = ? ORDER BY id DESC LIMIT 1');
  const protocolsOf = kiosk.db.prepare("SELECT title FROM attachments WHERE recording_id = ? AND kind = 'protocol' ORDER BY seq");
  const refs = Array.isArray(opened.data.recordings) ? opened.data.recordings.map(obj) : [];
  const closedPlayed = closed && Array.isArray(closed.data.played) ? closed.data.played.map(obj) : [];
  return refs.flatMap((ref): ReportRecording[] => {
    const identifier = str(ref.identifier);
    const version = num(ref.version);
    if (identifier === null || version === null) return [];
    const same = (d: Record<string, unknown>): boolean => d.identifier === identifier && d.version === version;
    const row = q.get(identifier, version) as CatalogRow | undefined;
    // The closing entry has the final tally; a session cut off before it leaves the last ranges entry.
    const lastRanges = [...entries].reverse().find((e) => e.type === 'playback.ranges' && same(e.data));
    const p = closedPlayed.find(same) ?? lastRanges?.data;
    const ranges = rangesOf(p?.ranges);
    const seconds = num(p?.seconds) ?? Math.round(ranges.reduce((s, [a, b]) => s + (b - a), 0) * 1000) / 1000;
    const lastServed = [...entries].reverse().find((e) => e.type === 'media.served' && same(e.data))?.data;
    const servedRanges = rangesOf(lastServed?.ranges);
    const served = { ranges: servedRanges, seconds: num(lastServed?.seconds) ?? 0, bytes: num(lastServed?.bytes) ?? 0 };
    const verdict = entries.find((e) => e.type === 'integrity.verdict' && same(e.data) && e.data.ok === true && typeof e.data.sha256 === 'string');
    const sha256 = str(verdict?.data.sha256);
    const protocols = row ? (protocolsOf.all(row.id) as Array<{ title: string | null }>) : [];
    return [
      {
        identifier,
        version,
        title: row?.title ?? null,
        date: row?.date ? formatPlDate(row.date) : null,
        duration: row?.duration_sec !== null && row?.duration_sec !== undefined ? formatPlDuration(row.duration_sec) : null,
        ...(sha256 !== null ? { sha256 } : {}),
        played: { ranges, seconds },
        served,
        ...(protocols.length > 0 ? { protocols: protocols.map((x) => ({ title: x.title })) } : {}),
      },
    ];
  });
}

function sign(kiosk: Kiosk, body: ViewingReportBody): ViewingReport {
  const signature = kiosk.signer().sign(Buffer.from(canonicalJson(body), 'utf8')).toString('base64');
  return { ...body, signature };
}

/**
 * One signed report per session that named the case (by signature or ЄУН).
 * Signs one fresh checkpoint of the log, shared by all reports of the call.
 */
export function buildViewingReports(kiosk: Kiosk, opts: BuildOptions): ViewingReport[] {
  const now = opts.now ?? (() => new Date());
  const checkpoint = kiosk.log.checkpoint();
  const size = kiosk.log.size;
  const bySession = sessionEntries(kiosk, opts.caseSignature, size);
  const signer = kiosk.signer();
  const reports: ViewingReport[] = [];
  for (const [sessionId, entries] of bySession) {
    for (const e of entries) {
      // entries() checked the stored bytes; this checks that re-serialising gives them back,
      // which is what an auditor of the JSON will rely on.
      if (leafHash(entryBytes(e)).toString('hex') !== e.leafHash) {
        throw new IntegrityError(`viewing log entry ${e.seq} does not re-serialise to its stored bytes`, `viewing_log#${e.seq}`);
      }
    }
    const opened = entries.find((e) => e.type === 'session.opened');
    if (opened === undefined) continue;
    const closed = entries.find((e) => e.type === 'session.closed');
    const d = opened.data;
    const clerk = obj(d.clerk);
    const viewer = obj(d.viewer);
    const c = obj(d.case);
    const sessionLang = str(d.language);
    const language: Language = opts.language ?? (isLanguage(sessionLang) ? sessionLang : kiosk.config.languages.default);
    const inclusionProofs: Record<string, string[]> = {};
    for (const e of entries) inclusionProofs[String(e.seq)] = kiosk.log.inclusionProof(e.seq, size);
    const body: ViewingReportBody = {
      type: VIEWING_REPORT_TYPE,
      device: { id: kiosk.config.device.id, name: kiosk.config.device.name },
      organisation: { kind: kiosk.config.organisation.kind, name: kiosk.config.organisation.name },
      case: { signature: str(c.signature), caseNumber: str(c.caseNumber), proceedingsNumber: str(c.proceedingsNumber) },
      session: {
        id: sessionId,
        clerk: { id: str(clerk.id), name: str(clerk.name) },
        viewer: { name: str(viewer.name), documentType: str(viewer.documentType), documentLast4: str(viewer.documentLast4), purpose: str(viewer.purpose) },
        opened: opened.time,
        closed: closed?.time ?? null,
        endReason: str(closed?.data.reason),
        endProblem: str(closed?.data.problem),
        minutesAllowed: num(d.minutesAllowed),
      },
      recordings: recordingsOf(kiosk, opened, closed, entries),
      entries,
      checkpoint,
      inclusionProofs,
      language,
      generated: now().toISOString(),
      publicKeyPem: signer.publicKeyPem,
    };
    reports.push(sign(kiosk, body));
  }
  return reports;
}

export type ReportCheck = { readonly ok: true } | { readonly ok: false; readonly problem: string };

function rawEd25519(pem: string): Buffer {
  const jwk = createPublicKey(pem).export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('public key is not Ed25519');
  return Buffer.from(jwk.x, 'base64url');
}

/**
 * Checks a report (parsed from untrusted JSON) with the device's public key:
 * the signature, the checkpoint (signed by the same key, for the report's
 * device), each entry against its leaf hash and its inclusion proof, and that
 * each entry belongs to the report's session. Says what failed first.
 */
export function checkViewingReport(report: ViewingReport, publicKeyPem: string): ReportCheck {
  const fail = (problem: string): ReportCheck => ({ ok: false, problem });
  try {
    if (report.type !== VIEWING_REPORT_TYPE) return fail(`report type is not ${VIEWING_REPORT_TYPE}`);
    const { signature, ...body } = report;
    if (typeof signature !== 'string' || signature.length === 0) return fail('report has no signature');
    const sig = Buffer.from(signature, 'base64');
    if (!verifySignature(null, Buffer.from(canonicalJson(body), 'utf8'), createPublicKey(publicKeyPem), sig)) {
      return fail('report signature does not verify with the given key');
    }
    const cp = verifyDeviceCheckpoint(report.checkpoint, report.device.id, rawEd25519(publicKeyPem));
    if (!Array.isArray(report.entries) || report.entries.length === 0) return fail('report has no log entries');
    const proofs = Object.keys(report.inclusionProofs);
    if (proofs.length !== report.entries.length) return fail('report has a different number of inclusion proofs than entries');
    for (const e of report.entries) {
      if (e.data.sessionId !== report.session.id && e.type !== 'clock.stepBack') return fail(`entry ${e.seq} belongs to another session`);
      const lh = leafHash(entryBytes(e));
      if (lh.toString('hex') !== e.leafHash) return fail(`entry ${e.seq}: leaf hash does not match the entry`);
      const proof = report.inclusionProofs[String(e.seq)];
      if (!Array.isArray(proof) || !proof.every((p) => typeof p === 'string' && /^[0-9a-f]{64}$/u.test(p))) {
        return fail(`entry ${e.seq}: inclusion proof missing or malformed`);
      }
      const path = proof.map((p) => Buffer.from(p, 'hex'));
      if (!verifyInclusion(e.seq, cp.size, lh, path, cp.root)) return fail(`entry ${e.seq}: inclusion proof does not lead to the checkpoint root`);
    }
    return { ok: true };
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
}

export function verifyViewingReport(report: ViewingReport, publicKeyPem: string): boolean {
  return checkViewingReport(report, publicKeyPem).ok;
}
