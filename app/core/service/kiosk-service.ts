// The kiosk service: the one long-running process of a kiosk. It holds the
// data directory's lock for its whole life, owns the only writer of the
// catalog, the store and the viewing log, sweeps orphans only under that lock,
// runs kioskctl's data-changing commands for clients on its control socket,
// and gives a shell (web, Electron) what it needs to serve the renderer.
// Started by `kioskctl serve`, `npm start`, the Electron main process and the
// appliance's unit. A second service on the same data directory is refused
// (env.data-dir-held, exit 2, naming the holder's PID).
import type { Account, Auth } from '../auth';
import { createKioskAuth } from '../auth';
import { createAdminService, createCarrierDesk, createTisDesk, type AdminService, type CarrierDesk, type CarrierDeskOptions, type TisDesk } from '../admin';
import { tisClientFor } from '../commands/tis-client';
import type { KioskConfig } from '../config';
import type { Kiosk } from '../kiosk';
import type { PlatformKeyStore } from '../keys';
import { createKioskSessionService, type SessionService } from '../session';
import { tryOpenOwnedKiosk } from './owned-kiosk';
import { heldError, readOwner } from './data-dir-lock';
import { startControlServer, type ControlServer } from './control-server';
import { appRootFrom, appVersion } from '../app-root';
import { WitnessMonitor } from '../witness';
import { keepReplica, repairedCount, type ReplicaKeeper } from '../replica';

export interface KioskServiceOptions {
  readonly dataDir: string;
  readonly config: KioskConfig;
  readonly configFile: string;
  /** Electron's safeStorage, handed in by its shell (see OpenKioskOptions.platformKeyStore). */
  readonly platformKeyStore?: PlatformKeyStore;
  /** What runs the service, for `status` and for a refused second owner's message. */
  readonly what: string;
  /** Accounts beside kiosk-config's: demo mode only (`--demo`), where they are exempt from the secret policy (demo/seed.ts). */
  readonly extraAccounts?: readonly Account[];
  /** Runs after the kiosk is open and before sessions start (demo seeding). */
  readonly prepare?: (kiosk: Kiosk) => Promise<void>;
  readonly note: (line: string) => void;
  /** How long to wait for a holder that is exiting before refusing to start (default 3 s). */
  readonly lockWaitMs?: number;
  /** Watch carriers for the administrator screen (DC-3): drivelist by default, or the given drive list. Off when absent. */
  readonly carriers?: CarrierDeskOptions;
}

export interface KioskService {
  readonly kiosk: Kiosk;
  readonly auth: Auth;
  readonly session: SessionService;
  readonly admin: AdminService;
  /** Carriers as they come and go, their packages checked, one import at a time (null when not watched). */
  readonly carriers: CarrierDesk | null;
  /** The case-file system: fetches, the UA-1 retry queue and the outbox, retried and delivered by themselves (null without "tis" in kiosk-config). */
  readonly tis: TisDesk | null;
  readonly control: ControlServer;
  readonly witness: WitnessMonitor;
  /** The replica's keeper, or null when kiosk-config names none. */
  readonly replica: ReplicaKeeper | null;
  /** Unhandled promise rejections seen (logged and counted, never fatal). */
  unhandledRejections(): number;
  close(): Promise<void>;
}

/**
 * The monitor of the log's witness, the TIS in kiosk-config. A TIS whose
 * certificate files cannot be read is said, not fatal: the kiosk still runs,
 * and the administrator screen and `log verify` show why it has no witness.
 */
function witnessFor(kiosk: Kiosk, note: (line: string) => void): WitnessMonitor {
  if (!kiosk.config.tis) return new WitnessMonitor(kiosk, null, { note });
  try {
    return new WitnessMonitor(kiosk, tisClientFor(kiosk, {}, 'witness', { retries: 0 }), { note });
  } catch (e) {
    const why = `the TIS cannot be used as the log's witness: ${e instanceof Error ? e.message : String(e)}`;
    note(why);
    return new WitnessMonitor(kiosk, null, { note, unavailable: why });
  }
}

const OPEN_SCREENS = new Set(['composing', 'verifying', 'blocked', 'handover', 'viewing']);

export async function startKioskService(opts: KioskServiceOptions): Promise<KioskService> {
  const version = appVersion(appRootFrom(import.meta.url));
  const owned = {
    dataDir: opts.dataDir,
    config: opts.config,
    configFile: opts.configFile,
    ...(opts.platformKeyStore ? { platformKeyStore: opts.platformKeyStore } : {}),
    who: { kind: 'service' as const, what: opts.what, version },
  };
  // A supervisor restarting a killed kiosk may start the new service while the
  // old one's last child is still exiting: give a holder that is going away a
  // moment before refusing (env.data-dir-held, naming it).
  const deadline = Date.now() + (opts.lockWaitMs ?? 3000);
  let kiosk = await tryOpenOwnedKiosk(owned);
  while (!kiosk && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    kiosk = await tryOpenOwnedKiosk(owned);
  }
  if (!kiosk) throw heldError(opts.dataDir, readOwner(opts.dataDir));
  const since = new Date().toISOString();
  const keyWarning = kiosk.keyStatus().warning;
  if (keyWarning) opts.note(`device key: ${keyWarning}`);
  // A long-running appliance must not die of one forgotten promise: the fault
  // is logged and counted (status shows it), and the action that made it has
  // already failed closed where it was awaited.
  let rejections = 0;
  const onRejection = (reason: unknown) => {
    rejections++;
    opts.note(`unhandled rejection (${rejections}): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  };
  process.on('unhandledRejection', onRejection);
  try {
    await opts.prepare?.(kiosk);
    const extraAccounts = opts.extraAccounts ?? [];
    // One Auth for both doors, so failed PINs at sign-in and at export approval count together.
    const auth = createKioskAuth(kiosk, extraAccounts);
    // The log's witness (the TIS, when configured): checked now and after every
    // checkpoint; until the first check answers, and for good after an alarm,
    // no session opens. Retries are the monitor's own back-off.
    const witness = witnessFor(kiosk, opts.note);
    void witness.run();
    // The second copy (PL-5.1): caught up in the background, scrubbed on schedule; never in viewing's way.
    const replica = keepReplica(kiosk, { note: opts.note });
    const session = createKioskSessionService(kiosk, { extraAccounts, auth, canOpen: () => witness.canOpen() });
    if (session.recovered) opts.note(`a session open at the last stop (${session.recovered.sessionId}) was closed as interrupted`);
    const admin = createAdminService(kiosk, { extraAccounts, auth, witness: () => witness.state() });
    const carriers = opts.carriers ? await createCarrierDesk(kiosk, { note: opts.note, ...opts.carriers }) : null;
    // Only where kiosk-config names a TIS and lets it be a source: retries and deliveries run by themselves.
    const tis = kiosk.config.tis && kiosk.config.importSources.includes('tis') ? createTisDesk(kiosk, tisClientFor(kiosk, {}, 'the kiosk service'), { note: opts.note }) : null;
    const control = await startControlServer({
      kiosk,
      auth,
      note: opts.note,
      status: () => ({
        pid: process.pid,
        since,
        version,
        what: opts.what,
        sessions: { open: OPEN_SCREENS.has(session.getSnapshot().screen) ? 1 : 0 },
        unhandledRejections: rejections,
        witness: (({ alarm, checking }) => ({ alarm, checking }))(witness.state()),
        key: (({ kind, by, location, warning }) => ({ sealedBy: kind, by, location, warning }))(kiosk.keyStatus()),
        replica: kiosk.replica ? kiosk.replica.status(kiosk.db, repairedCount(kiosk.db)) : null,
      }),
    });
    let closed = false;
    return {
      kiosk,
      auth,
      session,
      admin,
      carriers,
      tis,
      control,
      witness,
      replica,
      unhandledRejections: () => rejections,
      async close() {
        if (closed) return;
        closed = true;
        await control.close();
        carriers?.dispose();
        tis?.dispose();
        witness.dispose();
        session.dispose();
        // After the session's last entries, before the catalog closes.
        await replica?.dispose();
        kiosk.close();
        process.off('unhandledRejection', onRejection);
      },
    };
  } catch (e) {
    kiosk.close();
    process.off('unhandledRejection', onRejection);
    throw e;
  }
}
