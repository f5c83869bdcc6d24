// Carriers, live, for the administrator screen (DC-3): the kiosk service
// watches drives (drivelist, node-usb hot-plug, polling where hot-plug is
// unavailable: drives/watcher.ts), checks the packages on each carrier as
// `kioskctl check` does, imports one carrier at a time through the one import
// pipeline with byte progress, and tells its listeners after every change, so
// the screen can be pushed the state. A carrier pulled mid-import ends that
// import at its next chunk with `carrier.removed`: what was being copied is
// shredded and nothing of it is committed.
import fs from 'node:fs';
import path from 'node:path';
import { watchCarriers, type Carrier, type DriveInfo, type WatcherOptions } from '../drives';
import { scanCarrier } from '../carrier';
import { checkPath, importPath, ingestContextFor, type ImportProgress } from '../ingest';
import { KioskError } from '../errors';
import type { Kiosk } from '../kiosk';
import { freeBytes } from '../space';
import { problem, type Problem } from '../../shared/problem';
import { CARRIER_REMOVED_RULE, type CarrierImportFile, type CarrierImportView, type CarrierPackageView, type CarrierView, type CarriersView } from '../../shared/carriers-contract';

export interface CarrierDeskOptions {
  /** The drive list: drivelist by default; in tests a recorded list (the same code path as test/core/drives). */
  readonly listDrives?: () => Promise<readonly DriveInfo[]>;
  readonly watcher?: Omit<WatcherOptions, 'listDrives'>;
  readonly note?: (line: string) => void;
}

export interface CarrierDesk {
  view(): CarriersView;
  onDidChange(listener: () => void): () => void;
  /** Starts importing the carrier `key` for `operator`; throws KioskError when refused (busy, unknown, not mounted). */
  startImport(key: string, operator: string): CarrierImportView;
  dispose(): void;
}

/** A drive drivelist shows as removable but without a mount point: listed as 'not mounted'. */
function unmounted(drives: readonly DriveInfo[]): CarrierView[] {
  return drives
    .filter((d) => !d.isSystem && (d.isUSB || d.isCard || d.isRemovable) && !(d.mountpoints ?? []).some((m) => m.path))
    .map((d) => ({ key: `${d.device}\u0000`, description: d.description ?? d.device, mountpoint: null, sizeBytes: d.size ?? null, freeBytes: null, readOnly: Boolean(d.isReadOnly), packages: [] }));
}

/**
 * Finds the packages on a carrier (fast: names only) and tells `show` at once,
 * each 'checking'; then checks each as `kioskctl check` does (hashes included)
 * and tells `show` after every verdict.
 */
async function checkCarrier(mountpoint: string, show: (ps: CarrierPackageView[]) => void): Promise<void> {
  const scan = await scanCarrier(mountpoint, { maxDepth: 3 });
  const rel = (p: string) => path.relative(mountpoint, p) || '.';
  const out: CarrierPackageView[] = [
    ...scan.refused.map((r): CarrierPackageView => ({ path: rel(r.path), kind: 'plain', verdict: 'invalid', problems: r.problems })),
    ...scan.packages.map((p): CarrierPackageView => ({ path: rel(p.path), kind: p.kind, verdict: 'checking', problems: [] })),
  ].sort((a, b) => a.path.localeCompare(b.path));
  show([...out]);
  for (const p of scan.packages) {
    const c = await checkPath(p.path);
    const i = out.findIndex((x) => x.path === rel(p.path));
    out[i] = { path: rel(p.path), kind: p.kind, verdict: c.valid ? 'valid' : 'invalid', problems: c.problems };
    show([...out]);
  }
}

export async function createCarrierDesk(kiosk: Kiosk, opts: CarrierDeskOptions = {}): Promise<CarrierDesk> {
  const list = opts.listDrives ?? (async () => (await import('drivelist')).list());
  let drives: readonly DriveInfo[] = [];
  const listeners = new Set<() => void>();
  const packages = new Map<string, CarrierPackageView[]>();
  let job: (CarrierImportView & { abort: boolean }) | null = null;
  let jobs = 0;
  let disposed = false;
  const changed = () => {
    if (!disposed) for (const l of listeners) l();
  };

  const check = (c: Carrier) => {
    packages.set(c.key, []);
    checkCarrier(c.mountpoint, (ps) => {
      if (packages.has(c.key)) packages.set(c.key, ps);
      changed();
    }).then(
      () => undefined,
      (e: unknown) => {
        if (packages.has(c.key)) packages.set(c.key, [{ path: '.', kind: 'bag', verdict: 'invalid', problems: [problem(c.mountpoint, 'carrier.unreadable', e instanceof Error ? e.message : String(e))] }]);
        changed();
      },
    );
  };

  const watcher = await watchCarriers({
    ...opts.watcher,
    listDrives: async () => (drives = await list()),
    onError: (e) => opts.note?.(`carriers: the drive list failed: ${e.message}`),
  });
  for (const c of watcher.current()) check(c);
  const unsubscribe = watcher.onDidChange((change) => {
    for (const c of change.removed) {
      packages.delete(c.key);
      if (job && job.key === c.key && job.state === 'running') job.abort = true;
    }
    for (const c of change.added) check(c);
    changed();
  });

  const carrierView = (c: Carrier): CarrierView => {
    let free: number | null = null;
    try {
      free = freeBytes(c.mountpoint);
    } catch {
      free = null;
    }
    return { key: c.key, description: c.label ? `${c.description} (${c.label})` : c.description, mountpoint: c.mountpoint, sizeBytes: c.size, freeBytes: free, readOnly: c.readOnly, packages: packages.get(c.key) ?? [] };
  };
  const jobView = (): CarrierImportView | null => {
    if (!job) return null;
    const { abort: _a, ...v } = job;
    return v;
  };

  const run = async (c: Carrier, operator: string) => {
    const onProgress = (p: ImportProgress) => {
      if (!job) return;
      // A pulled carrier: stop at the next chunk; the pipeline shreds what it copied and commits nothing.
      if (job.abort) throw new KioskError('refused', 'carrier removed, nothing stored', [problem(c.mountpoint, CARRIER_REMOVED_RULE, 'carrier removed, nothing stored')]);
      job = { ...job, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, rateBytesPerSec: p.rateBytesPerSec, etaSec: p.etaSec, file: p.file };
      changed();
    };
    try {
      const r = await importPath(ingestContextFor(kiosk, { operator, onProgress }), c.mountpoint);
      const removed = job?.abort === true || r.problems.some((p) => p.rule === CARRIER_REMOVED_RULE);
      const report: CarrierImportFile[] = [
        ...r.imported.map((x) => ({ package: x.case, file: `${x.identifier ?? '(incomplete)'} v${x.version}`, outcome: 'stored' as const, detail: x.status })),
        ...r.unchanged.map((x) => ({ package: x.case, file: `${x.identifier ?? '(incomplete)'} v${x.version}`, outcome: 'unchanged' as const, detail: null })),
        ...r.problems.map((p) => ({ package: '', file: p.file, outcome: 'refused' as const, detail: `${p.rule}: ${p.message}` })),
      ];
      const problems: Problem[] = removed ? [problem(c.mountpoint, CARRIER_REMOVED_RULE, 'carrier removed, nothing stored')] : r.problems;
      job = job && { ...job, state: removed ? 'removed' : r.problems.length ? 'failed' : 'done', report: removed ? [] : report, problems };
    } catch (e) {
      const removed = job?.abort === true;
      const p = removed ? problem(c.mountpoint, CARRIER_REMOVED_RULE, 'carrier removed, nothing stored') : problem(c.mountpoint, e instanceof KioskError ? e.code : 'import.failed', e instanceof Error ? e.message : String(e));
      job = job && { ...job, state: removed ? 'removed' : 'failed', report: [], problems: e instanceof KioskError && !removed && e.problems.length ? [...e.problems] : [p] };
    }
    changed();
  };

  return {
    view: () => ({
      hotplug: watcher.hotplug,
      carriers: [...watcher.current().map(carrierView), ...unmounted(drives)],
      job: jobView(),
    }),
    onDidChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    startImport(key, operator) {
      if (job?.state === 'running') throw new KioskError('refused', 'another import is running', [problem('admin/carriers', 'import.busy', 'another import is running')]);
      const c = watcher.current().find((x) => x.key === key);
      if (!c || !fs.existsSync(c.mountpoint)) throw new KioskError('not-found', 'no such carrier (removed or not mounted)', [problem('admin/carriers', 'carrier.unknown', 'no such carrier', 'key')]);
      job = { id: ++jobs, key, description: c.description, state: 'running', bytesDone: 0, bytesTotal: 0, rateBytesPerSec: 0, etaSec: null, file: '', report: [], problems: [], abort: false };
      void run(c, operator);
      changed();
      return jobView()!;
    },
    dispose() {
      disposed = true;
      unsubscribe();
      watcher.dispose();
      listeners.clear();
    },
  };
}

/** A drive list read from a JSON file of drivelist's output (tests, demos): the same code path as drivelist itself. */
export function drivesFromFile(file: string): () => Promise<readonly DriveInfo[]> {
  return async () => {
    try {
      return JSON.parse(await fs.promises.readFile(file, 'utf8')) as DriveInfo[];
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  };
}

