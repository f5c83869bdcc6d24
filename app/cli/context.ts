// What every command that touches the appliance needs: the data directory and
// the configuration, resolved the same way as the shells do.
import path from 'node:path';
import { appRootFrom } from '../core/app-root';
import { loadConfig, locateConfigFile, type KioskConfig } from '../core/config';
import { resolveDataDir } from '../core/data-dir';
import { openKiosk, type Kiosk } from '../core/kiosk';

export const REPO_ROOT = appRootFrom(import.meta.url);
export const EXAMPLE_CONFIG = path.join(REPO_ROOT, 'kiosk-config', 'court-kiosk-pl.json');

export interface GlobalOptions {
  readonly dataDir?: string;
  readonly config?: string;
}

export async function openFromOptions(opts: GlobalOptions, notice: (s: string) => void): Promise<{ kiosk: Kiosk; config: KioskConfig }> {
  const dataDir = resolveDataDir(opts.dataDir);
  const configFile = locateConfigFile({ ...(opts.config ? { flag: opts.config } : {}), dataDir, exampleFile: EXAMPLE_CONFIG }, notice);
  const config = loadConfig(configFile);
  const kiosk = await openKiosk({ dataDir, config, configFile });
  return { kiosk, config };
}
