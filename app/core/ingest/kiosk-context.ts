// Builds the ingest context from an open kiosk: trusted protocol signers from
// kiosk-config, the catalog's keyed hash, the clock.
import fs from 'node:fs';
import { configRelative } from '../config';
import type { Kiosk } from '../kiosk';
import { verifyDetachedCms } from '../signature/cms';
import type { IngestContext } from './context';
import type { ProgressListener } from './progress';

export function ingestContextFor(kiosk: Kiosk, opts: { operator?: string | null; onProgress?: ProgressListener; log?: IngestContext['log'] } = {}): IngestContext {
  const trusted = kiosk.config.trustedSigners.map((s) => fs.readFileSync(configRelative(kiosk.configFile, s.certFile), 'utf8'));
  const trustedDevices = kiosk.config.trustedDevices.map((d) => ({ id: d.id, publicKeyPem: fs.readFileSync(configRelative(kiosk.configFile, d.publicKeyFile), 'utf8') }));
  return {
    trustedDevices,
    db: kiosk.db,
    store: kiosk.store,
    mac: kiosk.rowMac,
    protocols: { verify: (content, p7s) => verifyDetachedCms(content, p7s, trusted) },
    allowUnsignedProtocols: kiosk.config.allowUnsignedProtocols,
    operator: opts.operator ?? null,
    now: () => new Date(),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    log: opts.log ?? ((type, data) => void kiosk.log.append(type, data)),
  };
}
