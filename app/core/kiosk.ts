// The appliance's core, opened once per process by a shell or the CLI. It owns
// the data directory, the catalog, the device key, the encrypted store and the
// configuration; shells only bind it.
import type { KioskConfig } from './config';
import { openDatabase, recordIntegrityEvent, type CatalogDb, type MacFn } from './catalog';
import { ensureDataDir, existingDataDir, type DataLayout } from './data-dir';
import { dataDirProblems, refuseUnsafe } from './file-safety';
import { defaultKeyDir, loadOrCreateSigner, openDeviceKey, type DeviceKeyHandle, type DeviceSigner, type KeyStatus, type PlatformKeyStore } from './keys';
import { configRelative } from './config/load';
import { ContentStore } from './store';
import { Replica } from './replica';
import { replicaGuard } from './witness/replica-witness';
import { ViewingLog, hmacSha256 } from './viewing-log';
import type { KioskInfo, ShellKind } from '../shared/api-contract';
import { checkpointsAfter, legacyLogKeyName, logOrigin } from '../shared/log-origin';

export interface Kiosk {
  readonly config: KioskConfig;
  readonly configFile: string;
  readonly layout: DataLayout;
  readonly db: CatalogDb;
  readonly store: ContentStore;
  /** The second copy on separate storage (kiosk-config `replica`), or null; read-only under a read-only open. */
  readonly replica: Replica | null;
  /** Keyed hash over catalog rows. */
  readonly rowMac: MacFn;
  signer(): DeviceSigner;
  /** Where the device key is and how it is sealed, with a warning for the administrator when it is not sealed by the machine. */
  keyStatus(): KeyStatus;
  /** The opened device key, for `device key export` and `device rekey` (owner only). */
  readonly deviceKey: DeviceKeyHandle;
  /** The tamper-evident viewing log (DC-6); every import, purge, session and export is an entry. */
  readonly log: ViewingLog;
  /** Opened read-only: nothing is written (see OpenKioskOptions.readonly). */
  readonly readonly: boolean;
  /** Integrity events a read-only kiosk found but may not record: its caller hands them to the owner. */
  readonly unrecorded: IntegrityEventInput[];
  info(shell: ShellKind): KioskInfo;
  integrityEvent(subject: string, recordingId: number | null, reason: string, context: string): void;
  close(): void;
}

export interface IntegrityEventInput {
  readonly subject: string;
  readonly recordingId: number | null;
  readonly reason: string;
  readonly context: string;
}

export interface OpenKioskOptions {
  readonly dataDir: string;
  readonly config: KioskConfig;
  readonly configFile: string;
  /**
   * The OS key store of the shell (Electron's safeStorage), one of the ways
   * the device key can be sealed (keys/key-store.ts). Absent in kioskctl and
   * the web shell, which look for the key in the same order all the same.
   */
  readonly platformKeyStore?: PlatformKeyStore;
  /**
   * Quarantine objects the catalog does not know (of an import interrupted
   * before its commit) and remove those a purge shredded. Only the owner of
   * the data directory may (see service/owned-kiosk.ts): default false.
   */
  readonly sweep?: boolean;
  /**
   * Open for reading only (`list`, `verify`, `log verify`…): the catalog is
   * opened read-only, nothing is created, migrated, swept or recorded. A
   * running service's data directory can be read this way at any time.
   */
  readonly readonly?: boolean;
}

/** The key directory: kiosk-config's storage.keyDir (relative to the config file), else `<data dir>-keys`. */
export function keyDirOf(opts: Pick<OpenKioskOptions, 'dataDir' | 'config' | 'configFile'>): string {
  const k = opts.config.storage.keyDir;
  return k ? configRelative(opts.configFile, k) : defaultKeyDir(opts.dataDir);
}

export async function openKiosk(opts: OpenKioskOptions): Promise<Kiosk> {
  const readonly = opts.readonly ?? false;
  const layout = readonly ? existingDataDir(opts.dataDir) : ensureDataDir(opts.dataDir);
  // A data directory others may write, or a key file someone else owns, is
  // refused before anything in it is read or trusted (env.data-dir.mode,
  // env.key-file.owner; exit 2).
  refuseUnsafe(dataDirProblems(layout.root));
  const db = openDatabase(layout.catalog, { readonly });
  const config = opts.config;
  const { handle, moved } = openDeviceKey({ dataDir: layout.root, keyDir: keyDirOf(opts), create: !readonly, platform: opts.platformKeyStore });
  const key = handle.key;
  const replica = config.replica
    ? new Replica({
        root: configRelative(opts.configFile, config.replica.path),
        required: config.replica.required,
        primary: layout,
        keyId: handle.status.keyId,
        deviceId: config.device.id,
        deviceKey: key,
        readonly,
      })
    : null;
  const store = new ContentStore({ objectsDir: layout.objects, stagingDir: layout.staging, deviceKey: key, ...(replica && !readonly ? { replica } : {}) });
  let quarantined: string[] = [];
  if (opts.sweep === true && !readonly) {
    // Objects whose key a purge shredded before it could remove their files are
    // known and unreachable: they go. Files the catalog does not know at all
    // (an import interrupted before its commit, or anything put there by hand)
    // are moved to quarantine/, never deleted: court IT decides.
    const rows = db.prepare('SELECT id, wrapped_key IS NOT NULL AS live FROM objects').all() as { id: string; live: number }[];
    const live = new Set(rows.filter((r) => r.live).map((r) => r.id));
    const shredded = new Set(rows.filter((r) => !r.live).map((r) => r.id));
    quarantined = await store.sweepOrphans(live, { shredded, quarantineDir: layout.quarantine });
  }
  const signer = loadOrCreateSigner(key, layout.keys);
  const rowMac: MacFn = (b) => key.mac('catalog-row/v1', b);
  const log = new ViewingLog({
    db,
    // The checkpoint key's name is the origin line (C2SP tlog-checkpoint), so
    // an auditor holding several kiosks' keys knows whose log a checkpoint speaks for.
    signer: { name: logOrigin(config.device.id), publicKeyRaw: signer.publicKeyRaw, sign: (m: Buffer) => signer.sign(m) },
    mac: hmacSha256(key.mac('viewing-log/mac-key', 'v1')),
    origin: logOrigin(config.device.id),
    checkpointAfter: checkpointsAfter,
    legacyKeyNames: [legacyLogKeyName(config.device.id)],
  });
  const unrecorded: IntegrityEventInput[] = [];
  if (quarantined.length) log.append('store.quarantined', { files: quarantined, to: 'quarantine/' });
  if (moved) log.append('device.key.moved', { from: moved.from, to: moved.to, sealedBy: moved.kind, keyId: handle.status.keyId });
  const kiosk: Kiosk = {
    config,
    configFile: opts.configFile,
    layout,
    db,
    store,
    replica,
    rowMac,
    signer: () => signer,
    keyStatus: () => handle.status,
    deviceKey: handle,
    log,
    info(shell) {
      return {
        device: { id: config.device.id, name: config.device.name },
        organisation: config.organisation,
        deployment: config.deployment,
        jurisdiction: config.jurisdiction,
        languages: { default: config.languages.default, offered: config.languages.offered },
        watermark: config.watermark,
        shell,
      };
    },
    readonly,
    unrecorded,
    integrityEvent(subject, recordingId, reason, context) {
      // A read-only kiosk writes nothing: the event is kept for the owner to record.
      if (readonly) {
        unrecorded.push({ subject, recordingId, reason, context });
        return;
      }
      recordIntegrityEvent(db, { subject, recordingId, reason, context }, new Date().toISOString());
      log.append('integrity.event', { subject, reason, context });
    },
    close() {
      db.close();
    },
  };
  // The replica is also the log's witness: its catalog is never overwritten by a log that no longer extends its checkpoint.
  if (!readonly) replica?.setGuard(replicaGuard(kiosk));
  // Copies an interrupted import left on the replica go too (after the guard: the sweep may snapshot the catalog).
  if (opts.sweep === true && !readonly) await replica?.sweep(db);
  return kiosk;
}
