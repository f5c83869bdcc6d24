// Carriers at the administrator screen (DC-3): what core pushes on the typed
// administrator event stream while a carrier is plugged in, checked and
// imported. An event catalog in hls.js's shape: one name per event, one
// payload type per name.
import type { Problem } from './problem';

export const TIS_ROUTES = {
  /** POST { signature }: fetches that case (signature or ЄУН) from the TIS; 202 TisView, 409 a fetch runs. */
  fetch: '/api/admin/tis/fetch',
} as const;

export const CARRIER_ROUTES = {
  /** GET: server-sent events, each `data:` one AdminEvent (the first is the current state). */
  events: '/api/admin/events',
  /** POST { key }: starts importing that carrier; 202 CarriersView, 409 another import runs. */
  import: '/api/admin/carriers/import',
} as const;

export interface CarrierPackageView {
  /** Relative to the carrier's mount point. */
  readonly path: string;
  readonly kind: 'bag' | 'plain';
  /** The check's verdict, as `kioskctl check` gives it; 'checking' until known. */
  readonly verdict: 'checking' | 'valid' | 'invalid';
  readonly problems: readonly Problem[];
}

export interface CarrierView {
  readonly key: string;
  readonly description: string;
  /** null: drivelist shows the drive but no mount point ('not mounted'). */
  readonly mountpoint: string | null;
  readonly sizeBytes: number | null;
  /** Free bytes on the mounted file system, for choosing an export target. */
  readonly freeBytes: number | null;
  readonly readOnly: boolean;
  readonly packages: readonly CarrierPackageView[];
}

export interface CarrierImportFile {
  readonly package: string;
  readonly file: string;
  readonly outcome: 'stored' | 'unchanged' | 'refused';
  readonly detail: string | null;
}

export interface CarrierImportView {
  /** Counts the imports this service started: a new import is a new id even when both end 'done' between two renders. */
  readonly id: number;
  readonly key: string;
  readonly description: string;
  readonly state: 'running' | 'done' | 'failed' | 'removed';
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly rateBytesPerSec: number;
  readonly etaSec: number | null;
  readonly file: string;
  /** The report, file by file (when the import ends). */
  readonly report: readonly CarrierImportFile[];
  readonly problems: readonly Problem[];
}

export interface CarriersView {
  readonly hotplug: 'usb' | 'polling';
  readonly carriers: readonly CarrierView[];
  readonly job: CarrierImportView | null;
}

/** A recording the TIS is still processing (UA-1): it waits, and is fetched by itself at its next attempt. */
export interface TisWaitingView {
  readonly caseSignature: string;
  readonly identifier: string | null;
  readonly version: number;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly doneAt: string | null;
  readonly outcome: string | null;
}

export interface TisFetchView {
  readonly signature: string;
  readonly state: 'running' | 'done' | 'failed';
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly file: string;
  readonly imported: number;
  readonly unchanged: number;
  readonly waiting: number;
  readonly problems: readonly Problem[];
}

export interface TisReportView {
  readonly caseSignature: string;
  readonly reportId: string;
  readonly state: 'queued' | 'delivered' | 'failing';
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastError: string | null;
  /** The TIS's id for the report once delivered. */
  readonly remoteId: string | null;
  readonly deliveredAt: string | null;
}

export interface TisView {
  /** False when kiosk-config has no "tis" or importSources does not include it. */
  readonly enabled: boolean;
  readonly job: TisFetchView | null;
  readonly waiting: readonly TisWaitingView[];
  readonly recent: readonly TisWaitingView[];
  readonly reports: readonly TisReportView[];
}

export const ADMIN_EVENTS = { carriers: 'carriers', tis: 'tis' } as const;

export interface AdminEventMap {
  readonly [ADMIN_EVENTS.carriers]: CarriersView;
  readonly [ADMIN_EVENTS.tis]: TisView;
}

export type AdminEvent = { readonly [K in keyof AdminEventMap]: { readonly type: K; readonly data: AdminEventMap[K] } }[keyof AdminEventMap];

/** Rule of an import a pulled carrier ended: nothing of it was stored. */
export const CARRIER_REMOVED_RULE = 'carrier.removed';
