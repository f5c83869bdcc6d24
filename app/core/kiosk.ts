// The appliance's core, opened once per process by a shell or the CLI. It owns
// the data directory, the catalog and the configuration; shells only bind it.
import type { KioskConfig } from './config';
import { openDatabase, type CatalogDb } from './catalog';
import { ensureDataDir, type DataLayout } from './data-dir';
import type { KioskInfo, ShellKind } from '../shared/api-contract';

export interface Kiosk {
  readonly config: KioskConfig;
  readonly configFile: string;
  readonly layout: DataLayout;
  readonly db: CatalogDb;
  info(shell: ShellKind): KioskInfo;
  close(): void;
}

export interface OpenKioskOptions {
  readonly dataDir: string;
  readonly config: KioskConfig;
  readonly configFile: string;
}

export function openKiosk(opts: OpenKioskOptions): Kiosk {
  const layout = ensureDataDir(opts.dataDir);
  const db = openDatabase(layout.catalog);
  const config = opts.config;
  return {
    config,
    configFile: opts.configFile,
    layout,
    db,
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
    close() {
      db.close();
    },
  };
}
