// Which TIS a command talks to: --tis/--ca/--cert/--key override kiosk-config's
// `tis`, field by field; whatever is missing from both is a usage error.
import fs from 'node:fs';
import path from 'node:path';
import { configRelative } from '../config';
import { KioskError } from '../errors';
import { keyFileProblems, refuseUnsafe } from '../file-safety';
import type { Kiosk } from '../kiosk';
import { TisClient, type TisClientOptions } from '../tis';
import { UsageError } from './exit-codes';

export interface TisFlags {
  readonly tis?: string | undefined;
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
}

export function tisClientFor(kiosk: Kiosk, flags: TisFlags, command: string, over: Partial<TisClientOptions> = {}): TisClient {
  const t = kiosk.config.tis;
  const fromConfig = (p: string | undefined): string | undefined => (p === undefined ? undefined : configRelative(kiosk.configFile, p));
  const baseUrl = flags.tis ?? t?.baseUrl;
  const files = {
    ca: flags.ca ? path.resolve(flags.ca) : fromConfig(t?.caFile),
    cert: flags.cert ? path.resolve(flags.cert) : fromConfig(t?.certFile),
    key: flags.key ? path.resolve(flags.key) : fromConfig(t?.keyFile),
  };
  const missing = [
    ...(baseUrl ? [] : ['--tis URL']),
    ...(files.ca ? [] : ['--ca FILE']),
    ...(files.cert ? [] : ['--cert FILE']),
    ...(files.key ? [] : ['--key FILE']),
  ];
  if (missing.length || !baseUrl || !files.ca || !files.cert || !files.key)
    throw new UsageError(`${command} needs a TIS: missing ${missing.join(', ')} (give the flags or "tis" in ${kiosk.configFile})`);
  const read = (what: string, file: string): string => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (e) {
      // Names the file, never its content (a key).
      throw new KioskError('environment', `${what}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };
  // The client key must be the kiosk's own: one someone else owns may have been swapped (env.key-file.owner).
  refuseUnsafe(keyFileProblems(files.key));
  try {
    return new TisClient({
      baseUrl,
      ca: read('CA certificate', files.ca),
      cert: read('client certificate', files.cert),
      key: read('client key', files.key),
      ...(t?.timeoutMs !== undefined ? { timeoutMs: t.timeoutMs } : {}),
      // Downloads go into the store sink, which hashes what it stores and refuses a
      // mismatch itself (nothing stored); a second SHA-256 here would cost a pass per byte.
      hashInClient: false,
      ...over,
    });
  } catch (e) {
    if (e instanceof KioskError) throw e;
    throw new UsageError(`--tis: not a usable URL: ${baseUrl}`);
  }
}
