// The service's side of the replica (PL-5.1): catches it up a moment after
// anything changes (and retries while it is unreachable or full), and scrubs
// both copies every `scrubDays`, throttled, restoring whichever copy is
// missing or damaged from the other. Nothing here can stop viewing: every
// failure becomes the replica's state, which the administrator screen shows.
import type { Kiosk } from '../kiosk';
import { checkCopies, replicaReader } from './copies';
import { repairObjects, type RepairOutcome } from './repair';

export interface ScrubResult {
  readonly checked: number;
  readonly repaired: RepairOutcome[];
  readonly damaged: string[];
  readonly replicaProblem: string | null;
}

export interface ReplicaKeeper {
  /** Catch up now (after an import, an export, a session's end…); resolves when done. */
  kick(): Promise<void>;
  scrub(): Promise<ScrubResult>;
  /** Stops the timers and waits for a catch-up or scrub in progress, so the catalog can close under none. */
  dispose(): Promise<void>;
}

const DAY_MS = 86_400_000;
// setTimeout's limit; a longer wait is re-armed.
const MAX_TIMER_MS = 2 ** 31 - 1;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** When the log says the last scrub ran (its `store.scrubbed` entry), or null. */
function lastScrub(kiosk: Kiosk): number | null {
  const row = kiosk.db.prepare(`SELECT entry FROM viewing_log WHERE entry LIKE '%"type":"store.scrubbed"%' ORDER BY seq DESC LIMIT 1`).pluck().get();
  if (typeof row !== 'string') return null;
  const t = Date.parse((JSON.parse(row) as { time?: string }).time ?? '');
  return Number.isNaN(t) ? null : t;
}

export function keepReplica(kiosk: Kiosk, opts: { note(line: string): void; pollMs?: number }): ReplicaKeeper | null {
  const replica = kiosk.replica;
  if (!replica || kiosk.readonly) return null;
  const cfg = kiosk.config.replica!;
  let disposed = false;
  let lastProblem: string | null = null;

  const kick = async (): Promise<void> => {
    if (disposed) return;
    await replica.catchUp(kiosk.db);
    const s = replica.status(kiosk.db, 0);
    // Said once per change, not every poll: the journal is for what happened.
    if (s.problem !== lastProblem) {
      opts.note(s.problem ? `replica ${replica.root}: ${s.state}: ${s.problem}` : `replica ${replica.root}: caught up`);
      lastProblem = s.problem;
    }
  };

  const poll = setInterval(() => void kick(), opts.pollMs ?? 2_000);
  poll.unref();
  void kick();

  let scrubbing: Promise<ScrubResult> | null = null;
  const scrub = (): Promise<ScrubResult> =>
    (scrubbing ??= scrubOnce().finally(() => {
      scrubbing = null;
    }));
  const scrubOnce = async (): Promise<ScrubResult> => {
    const reader = replicaReader(kiosk);
    const rows = kiosk.db.prepare('SELECT id, sha256, size, wrapped_key FROM objects WHERE wrapped_key IS NOT NULL ORDER BY rowid').all() as Array<{
      id: string;
      sha256: string;
      size: number;
      wrapped_key: Buffer;
    }>;
    const bytesPerMs = (cfg.scrubMBps * 1_000_000) / 1000;
    const requests = [];
    const damaged: string[] = [];
    let checked = 0;
    for (const o of rows) {
      if (disposed) break;
      const t0 = Date.now();
      const v = await checkCopies(kiosk, reader.store, { objectId: o.id, wrappedKey: o.wrapped_key, size: o.size, sha256: o.sha256 });
      checked++;
      if (!v.ok) {
        damaged.push(o.id);
        kiosk.integrityEvent(`object ${o.id}`, null, 'object', v.problem);
      } else if (v.repair) requests.push(v.repair);
      // Throttled: each store is read at most scrubMBps on average, so playback keeps the disk.
      const owed = o.size / bytesPerMs - (Date.now() - t0);
      if (owed > 0) await sleep(owed);
    }
    if (disposed) return { checked, repaired: [], damaged, replicaProblem: reader.problem };
    const repaired = requests.length ? await repairObjects(kiosk, requests, 'scrub') : [];
    const result = { checked, repaired, damaged, replicaProblem: reader.problem };
    kiosk.log.append('store.scrubbed', {
      checked,
      repaired: repaired.filter((r) => r.ok).length,
      damaged: damaged.length,
      replica: reader.problem ?? 'checked',
    });
    opts.note(`scrub: ${checked} objects checked on both copies, ${repaired.filter((r) => r.ok).length} restored, ${damaged.length} damaged on both`);
    return result;
  };

  let timer: NodeJS.Timeout | null = null;
  const arm = (): void => {
    if (disposed || cfg.scrubDays <= 0) return;
    const every = cfg.scrubDays * DAY_MS;
    const due = (lastScrub(kiosk) ?? Date.now()) + every;
    timer = setTimeout(() => {
      if (Date.now() < due) return arm();
      void scrub()
        .catch((e: unknown) => opts.note(`scrub failed: ${e instanceof Error ? e.message : String(e)}`))
        .finally(arm);
    }, Math.min(Math.max(due - Date.now(), 0), MAX_TIMER_MS));
    timer.unref();
  };
  arm();

  return {
    kick,
    scrub,
    async dispose() {
      disposed = true;
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      await Promise.allSettled([replica.idle(), scrubbing]);
      // The last entries (a session closed at the stop, say) reach the replica before the catalog closes.
      replica.flushCatalog(kiosk.db);
    },
  };
}
