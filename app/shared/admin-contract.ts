// The administrator screen's contract with core (issues 7 and 9): what the
// screen shows (imports, records held for a clerk, integrity events, the TIS
// outbox), the PL-4.1 completion form, and the two-person export. Kept apart
// from api-contract.ts so the session screens and the admin screen can grow
// independently. No secret ever travels back: PINs go in, never out.
import type { Language } from './i18n/languages';
import type { Problem } from './problem';
import type { ProblemDetails } from './problem-types';
import type { HoldReason } from './holds';

export const ADMIN_ROUTES = {
  /** GET: AdminOverview. */
  overview: '/api/admin/overview',
  /** POST AdminCompletionRequest: AdminCompletionResult, or 422 with the Problem naming the field. */
  complete: '/api/admin/complete',
  /** POST AdminReleaseRequest: AdminCompletionResult; releases one reason nothing can be supplied for, with a note. */
  release: '/api/admin/release',
  /** GET { pending: AdminPendingRecording[] }. With complete and release, open to a signed-in clerk too (PL-4.1). */
  pending: '/api/admin/pending',
  /** POST AdminExportRequest: ExportProgressView (202); GET `${export}/<jobId>`: ExportProgressView. */
  export: '/api/admin/export',
} as const;

export interface AdminImport {
  readonly id: number;
  readonly source: string;
  readonly ref: string;
  readonly operator: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly outcome: string;
  readonly files: number;
  readonly problems: number;
}

export type CompletionField = 'identifier' | 'date' | 'duration' | 'caseSignature';

/** A recording imported but not shown to anyone until a clerk completes it (PL-4.1) or files it (UA-5). */
export interface AdminPendingRecording {
  /** What the completion form sends back: the identifier, or the provisional id (`sha256:…`) while there is none. */
  readonly ref: string;
  readonly identifier: string | null;
  readonly version: number;
  readonly status: 'incomplete' | 'held';
  /** Why it waits, as structured reasons; the screen shows each in words (i18n `hold.<rule>`), never the rule id. */
  readonly holds: readonly HoldReason[];
  readonly title: string | null;
  /** PL-3.4 as stored; the screen formats it in the regulation's form. */
  readonly date: string | null;
  readonly durationSec: number | null;
  readonly caseSignature: string | null;
  readonly missing: readonly CompletionField[];
}

export interface AdminIntegrityEvent {
  readonly id: number;
  readonly at: string;
  readonly subject: string;
  readonly reason: string;
  readonly context: string;
}

export interface AdminOutboxItem {
  readonly caseSignature: string;
  readonly reportId: string;
  readonly bytes: number;
  readonly enqueuedAt: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly nextAttemptAt: string | null;
  readonly deliveredAt: string | null;
}

export interface AdminCase {
  readonly signature: string;
  readonly caseNumber: string | null;
  readonly recordings: number;
}

export interface AdminWitness {
  readonly witness: string;
  readonly verdict: 'consistent' | 'alarm' | 'fault' | 'unreachable' | 'empty';
  readonly witnessedSize: number | null;
  readonly logSize: number;
  readonly problem: string | null;
}

/** The second copy (PL-5.1) as the owner sees it. */
export interface ReplicaStatus {
  readonly path: string;
  readonly required: boolean;
  /** unreachable: not mounted, not there, another device's; backlog: objects or catalog changes not yet copied (or a write failed: full, read-only). */
  readonly state: 'in-sync' | 'backlog' | 'unreachable';
  /** Objects not yet on the replica; null while it cannot be listed. */
  readonly backlogObjects: number | null;
  readonly catalogBehind: boolean;
  /** Objects restored from one copy to the other, by verify or the scrub (counted from the viewing log). */
  readonly repaired: number;
  readonly problem: string | null;
  readonly lastSyncAt: string | null;
}

export interface AdminOverview {
  readonly admin: { readonly id: string; readonly name: string };
  readonly imports: readonly AdminImport[];
  readonly pending: readonly AdminPendingRecording[];
  readonly integrity: readonly AdminIntegrityEvent[];
  readonly outbox: readonly AdminOutboxItem[];
  /** Cases an export can be made for. */
  readonly cases: readonly AdminCase[];
  /**
   * The viewing log against its witnesses (the TIS): an alarm (the log is
   * shorter than, or inconsistent with, a witnessed checkpoint) refuses every
   * new session; a witness's own fault is shown per witness.
   */
  readonly log: {
    readonly size: number;
    readonly alarm: string | null;
    readonly checking: boolean;
    readonly witnesses: readonly AdminWitness[];
  };
  /** Free space on the data directory's disk against kiosk-config's storage.reserveBytes; `low` refuses sessions. */
  readonly storage: { readonly freeBytes: number; readonly reserveBytes: number; readonly low: boolean };
  /**
   * How the device key is sealed (systemd-creds, safe-storage, key-file) and
   * by what; `warning` is set when the machine does not seal it (a plain 0600
   * file) or it is still inside the data directory, and is shown as it is.
   */
  readonly deviceKey: { readonly sealedBy: string; readonly by: string; readonly warning: string | null };
  /** The second copy; null when kiosk-config names none. */
  readonly replica: ReplicaStatus | null;
}

export interface AdminCompletionRequest {
  readonly ref: string;
  readonly version: number;
  readonly identifier?: string;
  /** PL-3.4: YYYY-MM-DDhh:mm:ss (a `T` or space between date and time is accepted). */
  readonly date?: string;
  /** PL-3.5: mm:ss or hh:mm:ss. */
  readonly duration?: string;
  readonly caseSignature?: string;
}

export interface AdminReleaseRequest {
  readonly ref: string;
  readonly version: number;
  /** The hold rule released (shared/holds.ts), one whose resolution is 'release'. */
  readonly rule: string;
  /** Why, in words; logged with the account. */
  readonly note: string;
}

export interface AdminCompletionResult {
  readonly identifier: string | null;
  readonly version: number;
  readonly status: 'complete' | 'incomplete' | 'held';
  readonly completed: ReadonlyArray<{ readonly field: string; readonly old: string | null; readonly new: string }>;
}

/** One of the two people the export needs (issue 9): an account id and its PIN or password. */
export interface ExportPerson {
  readonly accountId: string;
  readonly secret: string;
}

/** Why a copy leaves the kiosk (PL-9 supervisory body, PL-5.2 presentation device, PL-2.2 internal copy). */
export const ADMIN_EXPORT_PURPOSES = ['supervisory', 'transfer', 'backup'] as const;
export type AdminExportPurpose = (typeof ADMIN_EXPORT_PURPOSES)[number];

export interface AdminExportRequest {
  readonly caseSignature: string;
  /** A directory on the target carrier (its mount point or a folder in it). */
  readonly target: string;
  readonly purpose: AdminExportPurpose;
  /** Who receives the copy (the supervisory body, the presentation room, …). */
  readonly recipient: string;
  /** Language of the receipt; the kiosk's default when absent. */
  readonly lang?: Language;
  /** Must be an administrator. */
  readonly first: ExportPerson;
  /** A different clerk or administrator. */
  readonly second: ExportPerson;
}

export interface ExportReceiptFile {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** What the administrator hands over with the carrier. */
export interface ExportReceiptView {
  /** The package folder's name on the target. */
  readonly exportId: string;
  /** SHA-256 of the package's tag manifest: its identity. */
  readonly packageSha256: string;
  readonly caseSignature: string;
  readonly purpose: AdminExportPurpose;
  readonly recipient: string;
  readonly target: string;
  readonly finishedAt: string;
  readonly approvedBy: ReadonlyArray<{ readonly id: string; readonly name: string; readonly role: 'clerk' | 'admin' }>;
  readonly files: readonly ExportReceiptFile[];
  readonly totalBytes: number;
  /** Viewing-log entry that records the export. */
  readonly logSeq: number | null;
  /** The signed receipt kept in the kiosk's data directory (JSON, HTML, PDF). */
  readonly receiptFiles: { readonly json: string; readonly html: string; readonly pdf: string };
}

export interface ExportProgressView {
  readonly jobId: string;
  readonly state: 'running' | 'done' | 'failed';
  readonly bytesDone: number;
  readonly bytesTotal: number | null;
  readonly rateBytesPerSec: number | null;
  readonly etaSec: number | null;
  readonly receipt: ExportReceiptView | null;
  readonly problem: Problem | null;
}

/** Body of a refused admin request (403/404/409/422). */
/** An admin refusal: RFC 9457 (app/shared/problem-types.ts) with the core's Problem as an extension member. */
export interface AdminProblemBody extends ProblemDetails {
  readonly problem?: Problem;
}

/** Stable rule ids of two-person refusals (app/core/export/two-person.ts), which the screen translates. */
export const TWO_PERSON_RULES = {
  same: 'export.approval.same-person',
  firstFailed: 'export.approval.first-failed',
  secondFailed: 'export.approval.second-failed',
  firstNotAdmin: 'export.approval.first-not-admin',
} as const;
