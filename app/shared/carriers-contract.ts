// Carriers at the administrator screen (DC-3): what core pushes on the typed
// administrator event stream while a carrier is plugged in, checked and
// imported. An event catalog in hls.js's shape: one name per event, one
// payload type per name.
import type { Problem } from './problem';

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

export const ADMIN_EVENTS = { carriers: 'carriers' } as const;

export interface AdminEventMap {
  readonly [ADMIN_EVENTS.carriers]: CarriersView;
}

export type AdminEvent = { readonly [K in keyof AdminEventMap]: { readonly type: K; readonly data: AdminEventMap[K] } }[keyof AdminEventMap];

/** Rule of an import a pulled carrier ended: nothing of it was stored. */
export const CARRIER_REMOVED_RULE = 'carrier.removed';
