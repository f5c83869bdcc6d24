// What an import needs from the appliance, kept small so both sources (a
// carrier and the TIS) share one pipeline.
import type { CatalogDb, MacFn } from '../catalog';
import type { ContentStore } from '../store';
import type { ProgressListener } from './progress';
import type { Problem } from '../../shared/problem';
import type { ImportSource } from './import-sources';

export interface ProtocolVerifier {
  verify(content: Buffer, p7s: Buffer): Promise<{ ok: true; signerSubject: string; signingTime: string | null } | { ok: false; rule: string; message: string }>;
}

export interface IngestContext {
  readonly db: CatalogDb;
  readonly store: ContentStore;
  /** Keyed hash for catalog rows. */
  readonly mac: MacFn;
  readonly protocols: ProtocolVerifier;
  readonly allowUnsignedProtocols: boolean;
  readonly operator: string | null;
  readonly now: () => Date;
  readonly onProgress?: ProgressListener;
  /** Tamper-evident log of imports (DC-6); optional until the log is wired. */
  readonly log?: (type: string, data: Record<string, unknown>) => void;
  readonly readTimeoutMs?: number;
  /**
   * Last thing inside an import's transaction (after its log entry): a required replica takes the catalog
   * with the new rows here, or throws and the transaction rolls back (PL-5.1).
   */
  readonly beforeCommit?: () => void;
  /** Throws env.no-space unless `bytes` fit with the configured reserve left free; asked before the first byte is copied. */
  readonly requireSpace?: (bytes: number, what: string) => void;
  /** Devices whose export signature is checked on import (kiosk-config trustedDevices). */
  readonly trustedDevices?: ReadonlyArray<{ readonly id: string; readonly publicKeyPem: string }>;
  /** kiosk-config `importSources`: which sources may import; absent means every source (the demo seed, tests of the pipeline). */
  readonly importSources?: readonly ImportSource[];
}

export interface ImportedRecording {
  readonly identifier: string | null;
  readonly version: number;
  readonly case: string;
  readonly status: 'complete' | 'incomplete' | 'held';
  readonly flags: string[];
  readonly holds: string[];
}

export interface PackageOutcome {
  readonly package: string;
  readonly imported: ImportedRecording[];
  readonly unchanged: ImportedRecording[];
  readonly problems: Problem[];
  readonly warnings: Problem[];
}
