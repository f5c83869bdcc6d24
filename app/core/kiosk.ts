// The appliance's core, opened once per process by a shell or the CLI. It owns
// the data directory, the catalog, the device key, the encrypted store and the
// configuration; shells only bind it.
import type { KioskConfig } from './config';
import { openDatabase, recordIntegrityEvent, type CatalogDb, type MacFn } from './catalog';
import { ensureDataDir, type DataLayout } from './data-dir';
import { DeviceKey, loadOrCreateDeviceKeyFile, type DeviceSigner } from './keys';
import { ContentStore } from './store';
import { ViewingLog, hmacSha256 } from './viewing-log';
import type { KioskInfo, ShellKind } from '../shared/api-contract';

export interface Kiosk {
  readonly config: KioskConfig;
  readonly configFile: string;
  readonly layout: DataLayout;
  readonly db: CatalogDb;
  readonly store: ContentStore;
  /** Keyed hash over catalog rows. */
  readonly rowMac: MacFn;
  signer(): DeviceSigner;
  /** The tamper-evident viewing log (DC-6); every import, purge, session and export is an entry. */
  readonly log: ViewingLog;
  info(shell: ShellKind): KioskInfo;
  integrityEvent(subject: string, recordingId: number | null, reason: string, context: string): void;
  close(): void;
}

export interface OpenKioskOptions {
  readonly dataDir: string;
  readonly config: KioskConfig;
  readonly configFile: string;
  /**
   * The 32-byte device key from the platform (Electron safeStorage). Without
   * it, the root-only 0600 key file in the data directory is used (web shell, CLI).
   */
  readonly deviceKey?: Buffer;
  /** Remove orphan objects of an interrupted import (default true). */
  readonly sweep?: boolean;
}

export async function openKiosk(opts: OpenKioskOptions): Promise<Kiosk> {
  const layout = ensureDataDir(opts.dataDir);
  const db = openDatabase(layout.catalog);
  const config = opts.config;
  const key = DeviceKey.fromBytes(opts.deviceKey ?? loadOrCreateDeviceKeyFile(layout.deviceKeyFile));
  const store = new ContentStore({ objectsDir: layout.objects, stagingDir: layout.staging, deviceKey: key });
  if (opts.sweep ?? true) {
    // Objects written by an import that never committed, and objects whose key was shredded by a purge
    // interrupted before its files were removed: neither is reachable, both go.
    const live = new Set((db.prepare('SELECT id FROM objects WHERE wrapped_key IS NOT NULL').all() as { id: string }[]).map((r) => r.id));
    await store.sweepOrphans(live);
  }
  const signer = key.signingKey(layout.keys);
  const rowMac: MacFn = (b) => key.mac('catalog-row/v1', b);
  const log = new ViewingLog({
    db,
    // The checkpoint key is named after the device, so an auditor holding
    // several kiosks' keys knows whose log a checkpoint speaks for.
    signer: { name: `court-kiosk-${config.device.id}`, publicKeyRaw: signer.publicKeyRaw, sign: (m: Buffer) => signer.sign(m) },
    mac: hmacSha256(key.mac('viewing-log/mac-key', 'v1')),
    origin: `court-kiosk/${config.device.id}`,
  });
  return {
    config,
    configFile: opts.configFile,
    layout,
    db,
    store,
    rowMac,
    signer: () => signer,
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
    integrityEvent(subject, recordingId, reason, context) {
      recordIntegrityEvent(db, { subject, recordingId, reason, context }, new Date().toISOString());
      log.append('integrity.event', { subject, reason, context });
    },
    close() {
      db.close();
    },
  };
}
