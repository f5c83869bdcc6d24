// Builds the ingest context from an open kiosk: trusted protocol signers from
// kiosk-config, the catalog's keyed hash, the clock.
import fs from 'node:fs';
import { configRelative, type KioskConfig } from '../config';
import { KioskError } from '../errors';
import { problem } from '../../shared/problem';
import type { Kiosk } from '../kiosk';
import { verifyDetachedCms } from '../signature/cms';
import { requireSpace } from '../space';
import type { IngestContext } from './context';
import type { ProgressListener } from './progress';

/** kiosk-config's trustedDevices with their public keys read: whose export signatures import and check verify. */
export function trustedDevicesOf(config: KioskConfig, configFile: string): NonNullable<IngestContext['trustedDevices']> {
  return config.trustedDevices.map((d, i) => {
    const file = configRelative(configFile, d.publicKeyFile);
    try {
      return { id: d.id, publicKeyPem: fs.readFileSync(file, 'utf8') };
    } catch (e) {
      const message = `trustedDevices[${i}].publicKeyFile: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
      throw new KioskError('config', message, [problem(configFile, 'config.file-missing', message, `trustedDevices[${i}].publicKeyFile`)]);
    }
  });
}

export function ingestContextFor(kiosk: Kiosk, opts: { operator?: string | null; onProgress?: ProgressListener; log?: IngestContext['log'] } = {}): IngestContext {
  const trusted = kiosk.config.trustedSigners.map((s) => fs.readFileSync(configRelative(kiosk.configFile, s.certFile), 'utf8'));
  const crls = kiosk.config.revocationLists.map((l, i) => {
    const file = configRelative(kiosk.configFile, l.crlFile);
    try {
      return fs.readFileSync(file);
    } catch (e) {
      const message = `revocationLists[${i}].crlFile: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
      throw new KioskError('config', message, [problem(kiosk.configFile, 'config.file-missing', message, `revocationLists[${i}].crlFile`)]);
    }
  });
  const trustedDevices = trustedDevicesOf(kiosk.config, kiosk.configFile);
  return {
    trustedDevices,
    db: kiosk.db,
    store: kiosk.store,
    mac: kiosk.rowMac,
    protocols: { verify: (content, p7s) => verifyDetachedCms(content, p7s, trusted, crls) },
    allowUnsignedProtocols: kiosk.config.allowUnsignedProtocols,
    importSources: kiosk.config.importSources,
    operator: opts.operator ?? null,
    now: () => new Date(),
    requireSpace: (bytes, what) => requireSpace(kiosk.layout.root, bytes, kiosk.config.storage.reserveBytes, what),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    log: opts.log ?? ((type, data) => void kiosk.log.append(type, data)),
    ...(kiosk.replica ? { beforeCommit: () => kiosk.replica?.inCommit(kiosk.db) } : {}),
  };
}
