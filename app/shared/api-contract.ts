// The renderer <-> core contract. Both shells serve it under one origin:
// the web shell on 127.0.0.1, the Electron shell on the privileged `kiosk:`
// scheme through protocol.handle. The renderer calls it only through the
// adapter in app/renderer/api (one place that knows about shells).
import type { Language } from './i18n/languages';

/** Every API route, in one place (electron/fiddle's ipc-events habit). */
export const API_ROUTES = {
  info: '/api/info',
  recordings: '/api/recordings',
  events: '/api/events',
  /** GET: the session view; POST: a renderer event (session-contract.ts), answered with the new view. */
  session: '/api/session',
} as const;
export type ApiRoute = (typeof API_ROUTES)[keyof typeof API_ROUTES];

export type Jurisdiction = 'PL' | 'UA';
export type ShellKind = 'web' | 'electron';

export interface KioskInfo {
  readonly device: { readonly id: string; readonly name: string };
  readonly organisation: { readonly kind: 'court' | 'bailiff-office'; readonly name: string };
  readonly deployment: 'court-kiosk' | 'bailiff-presentation' | 'clerk-station';
  readonly jurisdiction: Jurisdiction;
  readonly languages: { readonly default: Language; readonly offered: readonly Language[] };
  readonly watermark: boolean;
  readonly shell: ShellKind;
}

export type RecordingStatus = 'complete' | 'incomplete' | 'held';

export interface CaseView {
  readonly jurisdiction: Jurisdiction;
  readonly signature: string;
  readonly court: string | null;
  readonly caseNumber: string | null;
  readonly proceedingsNumber: string | null;
}

export interface RecordingSummary {
  readonly identifier: string | null;
  readonly version: number;
  readonly case: CaseView;
  readonly title: string | null;
  /** PL-3.4 as stored (ISO-like); the UI formats it in the regulation's form. */
  readonly date: string | null;
  /** Seconds, as declared (PL-3.5). */
  readonly durationSec: number | null;
  readonly status: RecordingStatus;
  readonly flags: readonly string[];
  readonly parts: number;
  readonly supersedes: { readonly identifier: string; readonly version: number } | null;
  readonly creator: { readonly name: string | null; readonly court: string | null };
}

/** Errors the API answers with: RFC 9457 problem details of the kiosk's own types (problem-types.ts). */
export type { ProblemDetails as ApiProblem } from './problem-types';
