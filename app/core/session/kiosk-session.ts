// Binds the session service to the real appliance: accounts from
// kiosk-config, the catalog on disk, the store's authenticated reads for
// verification, and the tamper-evident viewing log. Shells own one of these.
import type { Account } from '../auth/accounts';
import { createKioskAuth, type Auth } from '../auth';
import { recordingMacInput } from '../catalog';
import type { Kiosk } from '../kiosk';
import type { IntegrityVerdict, RecordingRef, SessionCase } from '../../shared/session-contract';
import { createSessionService, type SessionClock, type SessionService, type SessionLogType } from './service';
import { buildViewingReports } from '../reports';
import { TisOutbox } from '../tis/outbox';
import { environmentRule } from '../errors/environment';
import { Ballast, sessionSpaceProblem } from '../space';
import { problem, type Problem } from '../../shared/problem';
import { casesMatching } from '../../shared/case-key';

interface RecRow {
  id: number;
  identifier: string;
  version: number;
  title: string | null;
  date: string | null;
  duration_sec: number | null;
  supersedes_identifier: string | null;
  supersedes_version: number | null;
  row_mac: Buffer | null;
}

/** The case a clerk asked for, by signature or ЄУН: complete, unpurged recordings only (held or incomplete ones are not shown). */
export function findCase(kiosk: Kiosk, query: string): SessionCase | null {
  // Compared by key (shared/case-key.ts): letter case, spaces and Latin/Cyrillic
  // look-alikes do not matter; an ambiguous query finds nothing (the compose
  // screen offers the candidates instead).
  const all = (
    kiosk.db.prepare('SELECT id, signature, case_number, proceedings_number FROM cases').all() as Array<{ id: number; signature: string; case_number: string | null; proceedings_number: string | null }>
  ).map((r) => ({ id: r.id, signature: r.signature, caseNumber: r.case_number, proceedingsNumber: r.proceedings_number }));
  const found = casesMatching(all, query);
  const c = found.length === 1 ? found[0] : undefined;
  if (!c) return null;
  const recs = kiosk.db
    .prepare(
      `SELECT identifier, version, title, date, duration_sec, supersedes_identifier, supersedes_version FROM recordings
        WHERE case_id = ? AND status = 'complete' AND purged_at IS NULL AND identifier IS NOT NULL ORDER BY date, identifier, version`,
    )
    .all(c.id) as RecRow[];
  if (recs.length === 0) return null;
  return {
    signature: c.signature,
    caseNumber: c.caseNumber,
    proceedingsNumber: c.proceedingsNumber,
    recordings: recs.map((r) => {
      // PL-3.7: a version that a later one of this case names as superseded is marked, never hidden.
      const later = recs.find((o) => o.supersedes_identifier === r.identifier && o.supersedes_version === r.version);
      return {
        identifier: r.identifier, version: r.version, title: r.title, date: r.date, durationSec: r.duration_sec,
        supersededBy: later ? { identifier: later.identifier, version: later.version } : null,
      };
    }),
  };
}

/**
 * Before playback (DC-4): the catalog row's keyed hash, every part's key and
 * the first and last chunk of every part are authenticated. The rest of each
 * file is authenticated chunk by chunk as it is played, so a 4 GiB recording
 * starts as fast as a small one and no altered byte is ever shown.
 */
export async function verifyForPlayback(kiosk: Kiosk, refs: readonly RecordingRef[]): Promise<IntegrityVerdict[]> {
  const out: IntegrityVerdict[] = [];
  for (const ref of refs) {
    const r = kiosk.db
      .prepare("SELECT id, identifier, version, row_mac FROM recordings WHERE identifier = ? AND version = ? AND purged_at IS NULL AND status = 'complete'")
      .get(ref.identifier, ref.version) as RecRow | undefined;
    const fail = (problem: string) => {
      kiosk.integrityEvent(`recording ${ref.identifier} v${ref.version}`, r?.id ?? null, problem, 'before-playback');
      out.push({ ...ref, ok: false, problem });
    };
    if (!r) {
      fail('not in the catalog, not complete, or purged');
      continue;
    }
    const input = recordingMacInput(kiosk.db, r.id);
    if (!input || !r.row_mac || !kiosk.rowMac(input).equals(r.row_mac)) {
      fail('catalog row changed outside the kiosk');
      continue;
    }
    const parts = kiosk.db
      .prepare('SELECT p.name, p.sha256, p.size, p.object_id, o.wrapped_key FROM parts p LEFT JOIN objects o ON o.id = p.object_id WHERE p.recording_id = ? ORDER BY p.seq')
      .all(r.id) as Array<{ name: string; sha256: string; size: number; object_id: string; wrapped_key: Buffer | null }>;
    let problem: string | null = null;
    for (const p of parts) {
      if (!p.wrapped_key) {
        problem = `${p.name}: key missing`;
        break;
      }
      try {
        const reader = kiosk.store.reader(p.object_id, p.wrapped_key, p.size);
        const edge = Math.min(p.size, 65536);
        await reader.readRange(0, edge);
        if (p.size > edge) await reader.readRange(p.size - edge, p.size);
      } catch (e) {
        problem = `${p.name}: ${(e as Error).message}`;
        break;
      }
    }
    if (problem) fail(problem);
    else out.push({ ...ref, ok: true, sha256: parts[0]?.sha256 ?? '' });
  }
  return out;
}

/** The last session the log shows opened and never closed (a crash), read from the end of the log. */
export function lastOpenSession(kiosk: Kiosk): { sessionId: string } | null {
  const rows = kiosk.db.prepare("SELECT entry FROM viewing_log WHERE entry LIKE '%\"type\":\"session.%' ORDER BY seq DESC LIMIT 1").pluck().all() as Array<string | Buffer>;
  const last = rows[0];
  if (last === undefined) return null;
  const e = JSON.parse(last.toString()) as { type: string; data: { sessionId?: string } };
  return e.type === 'session.opened' && e.data.sessionId ? { sessionId: e.data.sessionId } : null;
}

export interface KioskSessionOptions {
  readonly clock?: SessionClock;
  /** Extra accounts (the demo clerk in --demo mode); kiosk-config's come first. */
  readonly extraAccounts?: readonly Account[];
  /** The process's one Auth (shared with the administrator screen, so lockouts hold across both). */
  readonly auth?: Auth;
  /** A further reason to refuse a new session (the viewing log's integrity alarm), asked before the space checks. */
  readonly canOpen?: () => Problem | null;
}

/**
 * PL-6.1 / DC-6: when the kiosk talks to a case-file system, each finished
 * session's signed viewing report goes into the durable outbox (delivered with
 * an Idempotency-Key until acknowledged). Without a TIS, reports are exported
 * with `kioskctl log export`.
 */
function queueReport(kiosk: Kiosk, caseSignature: string, sessionId: string): void {
  if (!kiosk.config.tis) return;
  const report = buildViewingReports(kiosk, { caseSignature }).find((r) => r.session.id === sessionId);
  if (!report) return;
  new TisOutbox(kiosk.db).enqueue({ caseSignature, reportId: sessionId, body: Buffer.from(JSON.stringify(report)) });
}

export function createKioskSessionService(kiosk: Kiosk, opts: KioskSessionOptions = {}): SessionService {
  const caseOf = new Map<string, string>();
  const ballast = new Ballast(kiosk.layout.ballast);
  ballast.ensure();
  // Set once the service exists (below); the log binding tells it of a fault.
  let service: SessionService | null = null;
  const write = (type: SessionLogType, data: Record<string, unknown>): { seq: number } => {
    try {
      return kiosk.log.append(type, data);
    } catch (e) {
      // The disk is full: the ballast's space lets this entry, and the
      // session's closing one, still be written; the session then ends with
      // reason `fault`, since nothing guarantees the next entry a place.
      if (environmentRule(e) !== 'env.no-space' || !ballast.release()) throw e;
      const r = kiosk.log.append(type, data);
      const message = e instanceof Error ? e.message : String(e);
      setImmediate(() => service?.notify({ type: 'kiosk.fault', problem: `the viewing log is out of space: ${message}` }));
      return r;
    }
  };
  const append = (type: SessionLogType, data: Record<string, unknown>) => {
    const r = write(type, data);
    const id = typeof data.sessionId === 'string' ? data.sessionId : null;
    const c = data.case as { signature?: unknown } | undefined;
    if (type === 'session.opened' && id && typeof c?.signature === 'string') caseOf.set(id, c.signature);
    if (type === 'session.closed' && id && caseOf.has(id)) {
      const sig = caseOf.get(id)!;
      caseOf.delete(id);
      // After the closing entry is durable; a failure here never breaks the session (the report can be re-exported).
      setImmediate(() => {
        try {
          queueReport(kiosk, sig, id);
        } catch (e) {
          // Not even this may escape: an exception thrown from a timer ends the process.
          try {
            kiosk.log.append('report.queue-failed', { sessionId: id, problem: (e as Error).message });
          } catch {
            // The report is rebuilt from the log by `kioskctl log export` whenever it is wanted.
          }
        }
      });
    }
    return r;
  };
  const auth = opts.auth ?? createKioskAuth(kiosk, opts.extraAccounts ?? []);
  service = createSessionService({
    auth,
    verifier: { verify: (refs) => verifyForPlayback(kiosk, refs) },
    log: { append, lastOpenSession: () => lastOpenSession(kiosk) },
    catalog: { findCase: (q) => findCase(kiosk, q) },
    config: kiosk.config.limits,
    // A session opens only with the reserve free and the ballast in place
    // (recreated here once space has come back after a fault).
    canOpen: () =>
      opts.canOpen?.() ??
      sessionSpaceProblem(kiosk.layout.root, kiosk.config.storage.reserveBytes) ??
      (ballast.ensure() ? null : problem(kiosk.layout.ballast, 'session.space-low', 'no room to recreate the viewing log\'s space ballast: no session is opened until space is freed', 'storage.reserveBytes')),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  return service;
}
