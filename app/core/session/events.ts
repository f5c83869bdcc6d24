// The session machine's event catalog. Four sources, and only the first may
// come from the (untrusted) renderer:
//   renderer  clerk.* compose.* handover.* viewer.* media.* ui.* summary.*
//             (types in app/shared/session-contract.ts, parsed here with zod)
//   core      integrity.failed (media server), carrier.* (hot-plug), kiosk.shutdown, kiosk.fault
//   effects   auth.verdict, catalog.case, verify.result: answers of effects the
//             machine started, delivered by the service
//   timers    timer.*: raised by the machine itself after its named delays
import { z } from 'zod';
import type { AuthenticatedAccount, AuthFailureReason } from '../auth';
import type { Problem } from '../../shared/problem';
import { problem } from '../../shared/problem';
import {
  DOCUMENT_TYPES,
  RENDERER_EVENT_TYPES,
  VIEWER_LANGUAGES,
  type IntegrityVerdict,
  type RecordingRef,
  type RendererEvent,
  type SessionCase,
} from '../../shared/session-contract';

// No control characters or bidi overrides in anything that ends up in the log.
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u.test(s), 'contains control characters');
const mediaTime = z.number().finite().min(0).max(24 * 3600);
const recordingRef = z.strictObject({ identifier: text(128), version: z.number().int().min(0).max(100_000) });
const credentials = { accountId: z.string().min(1).max(64), pin: z.string().min(1).max(128) };

const rendererEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('clerk.begin') }),
  z.strictObject({ type: z.literal('clerk.pin'), ...credentials }),
  z.strictObject({ type: z.literal('clerk.cancel') }),
  z.strictObject({ type: z.literal('clerk.back') }),
  z.strictObject({ type: z.literal('clerk.end'), ...credentials }),
  z.strictObject({ type: z.literal('compose.case'), query: text(64) }),
  z.strictObject({ type: z.literal('compose.recordings'), recordings: z.array(recordingRef).min(1).max(50), supersededReason: text(300).optional() }),
  z.strictObject({
    type: z.literal('compose.viewer'),
    name: text(120),
    documentType: z.enum(DOCUMENT_TYPES),
    documentLast4: z
      .string()
      .regex(/^[A-Za-z0-9]{4}$/, 'exactly the last 4 letters or digits')
      .transform((s) => s.toUpperCase()),
    purpose: text(200),
  }),
  z.strictObject({ type: z.literal('compose.time'), minutes: z.number().int().min(1).max(600) }),
  z.strictObject({ type: z.literal('compose.confirm') }),
  z.strictObject({ type: z.literal('handover.viewerReady'), language: z.enum(VIEWER_LANGUAGES).optional() }),
  z.strictObject({ type: z.literal('viewer.play'), mediaTime }),
  z.strictObject({ type: z.literal('viewer.pause'), mediaTime }),
  z.strictObject({ type: z.literal('viewer.seek'), mediaTime }),
  z.strictObject({ type: z.literal('viewer.rate'), rate: z.number().finite().min(0.1).max(4) }),
  z.strictObject({ type: z.literal('viewer.select'), identifier: text(128), version: z.number().int().min(0).max(100_000) }),
  z.strictObject({ type: z.literal('viewer.end') }),
  z.strictObject({ type: z.literal('media.progress'), mediaTime }),
  z.strictObject({ type: z.literal('media.buffering'), mediaTime }),
  z.strictObject({ type: z.literal('media.resumed'), mediaTime }),
  z.strictObject({ type: z.literal('media.ended'), mediaTime }),
  z.strictObject({ type: z.literal('ui.activity') }),
  z.strictObject({ type: z.literal('summary.close') }),
]);

// The parser and the shared types must describe the same events.
type Parsed = z.infer<typeof rendererEventSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const parserMatchesContract: Same<Parsed['type'], RendererEvent['type']> = true;
void parserMatchesContract;

export type ParseResult = { readonly ok: true; readonly event: RendererEvent } | { readonly ok: false; readonly problem: Problem };

/** Parses an event from the renderer; anything else (extra fields, internal events) is refused. */
export function parseRendererEvent(input: unknown): ParseResult {
  const parsed = rendererEventSchema.safeParse(input);
  if (parsed.success) return { ok: true, event: parsed.data as RendererEvent };
  const first = parsed.error.issues[0];
  const type =
    typeof input === 'object' && input !== null && 'type' in input && typeof input.type === 'string' ? input.type.slice(0, 64) : '(none)';
  const known = (RENDERER_EVENT_TYPES as readonly string[]).includes(type);
  return {
    ok: false,
    problem: problem(
      'renderer',
      known ? 'session.event.malformed' : 'session.event.unknown',
      known ? `event ${type}: ${first?.message ?? 'invalid'}` : `event type ${type} is not one the renderer may send`,
      first && first.path.length > 0 ? first.path.map(String).join('.') : undefined,
    ),
  };
}

/** Events from other parts of core (not the renderer). */
export type CoreEvent =
  | { readonly type: 'integrity.failed'; readonly identifier: string; readonly version: number; readonly problem: string }
  | { readonly type: 'carrier.inserted'; readonly device: string }
  | { readonly type: 'carrier.removed'; readonly device: string }
  | { readonly type: 'kiosk.shutdown' }
  /** The viewing log could not be written (disk full, I/O error): the session ends, failing closed. */
  | { readonly type: 'kiosk.fault'; readonly problem: string };

/** Answers of the machine's effects, delivered by the service. */
export type EffectEvent =
  | ({ readonly type: 'auth.verdict' } & (
      | { readonly ok: true; readonly account: AuthenticatedAccount }
      | { readonly ok: false; readonly reason: AuthFailureReason; readonly retryAfterSec?: number }
    ))
  | { readonly type: 'catalog.case'; readonly query: string; readonly found: SessionCase | null }
  | { readonly type: 'verify.result'; readonly results: readonly IntegrityVerdict[] };

/** Raised by the machine itself after its named delays. */
export type TimerEvent = { readonly type: 'timer.idleWarning' } | { readonly type: 'timer.idleTimeout' } | { readonly type: 'timer.sessionLimit' };

export type SessionEvent = RendererEvent | CoreEvent | EffectEvent | TimerEvent;

export type { RecordingRef };
