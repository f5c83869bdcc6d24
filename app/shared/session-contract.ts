// The review session as the renderer sees it: the events a person's screen may
// send, and the snapshot it shows. Serialisable, no secrets kept. The core
// parses every incoming event again (app/core/session/events.ts); these types
// are the promise, the parser is the proof.

/** Why a session ended. `interrupted`: the kiosk stopped (shutdown, crash recovered at start). */
export type EndReason = 'viewer' | 'clerk' | 'idle' | 'time-limit' | 'integrity' | 'carrier' | 'interrupted' | 'fault';

/** Identity documents the clerk may record; only the type and its last 4 characters are kept. */
export const DOCUMENT_TYPES = ['id-card', 'passport', 'residence-permit', 'driving-licence', 'other'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** Languages of the viewer's screens. */
export const VIEWER_LANGUAGES = ['pl', 'uk', 'en'] as const;
export type ViewerLanguage = (typeof VIEWER_LANGUAGES)[number];

/** Playback rates the viewer may choose. */
export const PLAYBACK_RATES = [0.5, 0.75, 1, 1.25, 1.5, 2] as const;

export interface RecordingRef {
  readonly identifier: string;
  /** PL-3.7: 0 = the original. */
  readonly version: number;
}

/** Data minimisation: name, document type and its last 4 characters, purpose. Nothing more. */
export interface ViewerDetails {
  readonly name: string;
  readonly documentType: DocumentType;
  readonly documentLast4: string;
  readonly purpose: string;
}

/** A recording the clerk can choose for the session (from the catalog). */
export interface RecordingChoice extends RecordingRef {
  readonly title: string | null;
  /** PL-3.4 as stored; the UI formats it in the regulation's form. */
  readonly date: string | null;
  readonly durationSec: number | null;
  /** The later version of the same case that replaced this one (PL-3.7), when there is one. */
  readonly supersededBy?: RecordingRef | null;
}

export interface SessionCase {
  /** Case-file signature (PL-3.6) or the ЄУН for Ukrainian courts (UA-5). */
  readonly signature: string;
  readonly caseNumber: string | null;
  /** UA-5: the proceedings number (e.g. `2/757/1234/25`), when the case has one; the viewing report gives it a row of its own. */
  readonly proceedingsNumber?: string | null;
  readonly recordings: readonly RecordingChoice[];
}

/** Media time intervals in seconds, merged, sorted, non-overlapping. */
export type PlayedRanges = ReadonlyArray<readonly [number, number]>;

export interface PlayedRecording extends RecordingRef {
  readonly ranges: PlayedRanges;
  /** Sum of the ranges' lengths: how much of the recording was seen. */
  readonly seconds: number;
}

export interface IntegrityVerdict extends RecordingRef {
  readonly ok: boolean;
  readonly problem?: string;
  readonly sha256?: string;
}

/**
 * Events the renderer may send, by name, with their payloads (the hls.js
 * event-catalog shape). `viewer.*` and `clerk.*` are what a person does;
 * `media.*` are what the player reports; `ui.activity` is any touch or key.
 */
export interface SessionEventPayloads {
  /** Deliberate gesture on the attract screen: a clerk wants to open a session. */
  'clerk.begin': Record<never, never>;
  'clerk.pin': { readonly accountId: string; readonly pin: string };
  /** Abandon what the clerk is doing (before a viewer is in front of the screen). */
  'clerk.cancel': Record<never, never>;
  /** From the integrity block: back to composing, to choose other recordings. */
  'clerk.back': Record<never, never>;
  /** Deliberate gesture plus PIN while a viewer watches: ends the session. */
  'clerk.end': { readonly accountId: string; readonly pin: string };
  /** A case-file signature or ЄУН. */
  'compose.case': { readonly query: string };
  /**
   * The recordings to show. A superseded version (PL-3.7: a later one replaced
   * it) is shown only with `supersededReason`, which is logged with the session.
   */
  'compose.recordings': { readonly recordings: readonly RecordingRef[]; readonly supersededReason?: string };
  'compose.viewer': ViewerDetails;
  'compose.time': { readonly minutes: number };
  'compose.confirm': Record<never, never>;
  /** The viewer takes over; `language` is the one they chose for the player, logged with the session. */
  'handover.viewerReady': { readonly language?: ViewerLanguage };
  'viewer.play': { readonly mediaTime: number };
  'viewer.pause': { readonly mediaTime: number };
  /** Target media time. */
  'viewer.seek': { readonly mediaTime: number };
  'viewer.rate': { readonly rate: number };
  'viewer.select': RecordingRef;
  'viewer.end': Record<never, never>;
  'media.progress': { readonly mediaTime: number };
  'media.buffering': { readonly mediaTime: number };
  'media.resumed': { readonly mediaTime: number };
  'media.ended': { readonly mediaTime: number };
  'ui.activity': Record<never, never>;
  'summary.close': Record<never, never>;
}

export type RendererEventType = keyof SessionEventPayloads;
export type RendererEvent = { [K in RendererEventType]: { readonly type: K } & SessionEventPayloads[K] }[RendererEventType];

export const RENDERER_EVENT_TYPES = [
  'clerk.begin',
  'clerk.pin',
  'clerk.cancel',
  'clerk.back',
  'clerk.end',
  'compose.case',
  'compose.recordings',
  'compose.viewer',
  'compose.time',
  'compose.confirm',
  'handover.viewerReady',
  'viewer.play',
  'viewer.pause',
  'viewer.seek',
  'viewer.rate',
  'viewer.select',
  'viewer.end',
  'media.progress',
  'media.buffering',
  'media.resumed',
  'media.ended',
  'ui.activity',
  'summary.close',
] as const satisfies readonly RendererEventType[];

/** Which screen to show. */
export type SessionScreen = 'locked' | 'authenticating' | 'composing' | 'verifying' | 'blocked' | 'handover' | 'viewing' | 'ended';

export type AuthStatus = 'idle' | 'checking' | 'rejected' | 'locked';

/** What the screens need, nothing more: no PIN, no account secrets, no keys. */
export interface SessionView {
  readonly screen: SessionScreen;
  /** Full state path, e.g. `open.viewing.playing`, for tests and diagnostics. */
  readonly state: string;
  /** Event types the current state handles (buttons to enable). */
  readonly accepts: readonly RendererEventType[];
  readonly clerk: { readonly id: string; readonly name: string; readonly role: 'clerk' | 'admin' } | null;
  readonly auth: { readonly status: AuthStatus; readonly retryAfterSec: number | null };
  readonly composition: {
    readonly lookup: 'none' | 'pending' | 'found' | 'not-found';
    readonly case: SessionCase | null;
    readonly recordings: readonly RecordingRef[];
    /** Why a superseded version is among them (logged); null when none is. */
    readonly supersededReason: string | null;
    readonly viewer: ViewerDetails | null;
    readonly minutes: number | null;
    readonly maxMinutes: number;
    readonly complete: boolean;
  };
  readonly verification: readonly IntegrityVerdict[];
  readonly playback: {
    readonly status: 'playing' | 'paused' | 'buffering' | null;
    readonly current: RecordingRef | null;
    readonly mediaTime: number;
    readonly rate: number;
    readonly played: readonly PlayedRecording[];
    readonly idleWarning: boolean;
    /**
     * Whole seconds left of the time allowed, computed by the kiosk on its
     * monotonic clock when this view was made; null outside viewing. Not a
     * wall-clock end time: a clock set back or forward changes nothing.
     */
    readonly remainingSec: number | null;
    /** Whole seconds left before the idle time-out ends the session, on the same clock, while the idle warning shows; null otherwise. */
    readonly idleRemainingSec: number | null;
    readonly endCheck: 'none' | 'pending' | 'rejected' | 'locked';
  };
  readonly ended: { readonly reason: EndReason; readonly problem: string | null } | null;
  /** Set when the session service stopped (e.g. the viewing log could not be
   * written): it fails closed, nothing more can be viewed until a restart. */
  readonly fault: string | null;
  /** Id of the open review session (as in the viewing log); null when none is open. */
  readonly sessionId: string | null;
  /**
   * This session's media capability: the player sends it in the
   * MEDIA_CAPABILITY_HEADER of every request under /media/ (see
   * media-contract.ts), never in a URL. Set only while the session may play
   * (handover, viewing); null otherwise, and the capability is dead from then on.
   */
  readonly media: { readonly capability: string } | null;
}
