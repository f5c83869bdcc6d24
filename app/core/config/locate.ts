// Which configuration file a process uses: --config, else KIOSK_CONFIG, else
// <data dir>/config.json (a provisioned device), else — only in an
// unprovisioned development checkout — the PL court example, with a notice.
import fs from 'node:fs';
import path from 'node:path';

export function locateConfigFile(
  opts: { flag?: string; dataDir: string; exampleFile: string },
  notice: (s: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (opts.flag) return path.resolve(opts.flag);
  if (env.KIOSK_CONFIG) return path.resolve(env.KIOSK_CONFIG);
  const provisioned = path.join(opts.dataDir, 'config.json');
  if (fs.existsSync(provisioned)) return provisioned;
  notice(`no configuration provisioned in ${opts.dataDir}; using the example ${opts.exampleFile}`);
  return opts.exampleFile;
}
