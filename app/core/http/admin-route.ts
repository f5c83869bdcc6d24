// /api/admin/*: the administrator screen's API (issues 7 and 9). Open only
// while the session machine shows an administrator signed in and composing:
// the same PIN check that opens a review session opens this screen, and
// signing out (clerk.cancel) closes it. Bodies are parsed here, once.
import path from 'node:path';
import { z } from 'zod';
import { ADMIN_EXPORT_PURPOSES, ADMIN_ROUTES, type AdminProblemBody } from '../../shared/admin-contract';
import { LANGUAGES } from '../../shared/i18n/languages';
import { problem, type Problem } from '../../shared/problem';
import { disabledTisView, type AdminService, type CarrierDesk, type SignedInAdmin, type TisDesk } from '../admin';
import { ADMIN_EVENTS, CARRIER_ROUTES, TIS_ROUTES, type AdminEvent } from '../../shared/carriers-contract';
import { KioskError } from '../errors';
import type { SessionService } from '../session/service';
import { jsonResponse, problemResponse, securityHeaders } from './security-headers';
import type { ProblemDetails, ProblemTypeName } from '../../shared/problem-types';

export interface AdminRouteDeps {
  readonly admin: AdminService | undefined;
  readonly session: SessionService | undefined;
  readonly carriers?: CarrierDesk | undefined;
  readonly tis?: TisDesk | undefined;
}

/**
 * The administrator event stream (server-sent events, each `data:` one
 * AdminEvent): the carriers view now and after every change, while the
 * administrator who opened it stays signed in; it closes when they sign out.
 */
function adminEvents(req: Request, deps: AdminRouteDeps, admin: SignedInAdmin): Response {
  const { carriers, tis, session } = deps;
  const enc = new TextEncoder();
  const stops: Array<() => void> = [];
  const stop = () => {
    for (const s of stops.splice(0)) s();
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const close = () => {
        stop();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      const send = (event: AdminEvent) => controller.enqueue(enc.encode(`data: ${JSON.stringify(event)}\n\n`));
      const pushCarriers = () => carriers && send({ type: ADMIN_EVENTS.carriers, data: carriers.view() });
      const pushTis = () => send({ type: ADMIN_EVENTS.tis, data: tis ? tis.view() : disabledTisView() });
      pushCarriers();
      pushTis();
      if (carriers) stops.push(carriers.onDidChange(pushCarriers));
      if (tis) stops.push(tis.onDidChange(pushTis));
      if (session) stops.push(session.subscribe(() => signedInAdmin(session)?.id !== admin.id && close()));
      req.signal.addEventListener('abort', close);
    },
    cancel: stop,
  });
  return new Response(stream, { headers: securityHeaders({ 'content-type': 'text/event-stream', 'cache-control': 'no-store' }) });
}

const carrierImportSchema = z.strictObject({ key: z.string().min(1).max(8192) });
const tisFetchSchema = z.strictObject({ signature: z.string().trim().min(1).max(200) });

/** A refusal: RFC 9457 with the kiosk's type, and the core's Problem (file, rule, field) as the extension member `problem`. */
function problemBody(name: ProblemTypeName, detail: string, p?: Problem): Response {
  const extensions: Omit<AdminProblemBody, keyof ProblemDetails> = p ? { problem: p } : {};
  return problemResponse(name, detail, extensions);
}

/** The signed-in administrator, or null: role admin, on the composing screen (not while a viewer is in front of it). */
export function signedInAdmin(session: SessionService | undefined): SignedInAdmin | null {
  const v = session?.getSnapshot();
  if (!v || v.screen !== 'composing' || v.clerk?.role !== 'admin') return null;
  return { id: v.clerk.id, name: v.clerk.name };
}

// Empty form fields mean "not given": the form sends every input it has.
const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .transform((s) => s.trim())
    .optional()
    .transform((s) => (s === '' ? undefined : s));

const completionSchema = z.strictObject({
  ref: z.string().trim().min(1).max(200),
  version: z.number().int().min(0).max(1_000_000),
  identifier: optionalText(200),
  date: optionalText(40),
  duration: optionalText(20),
  caseSignature: optionalText(200),
});

const releaseSchema = z.strictObject({
  ref: z.string().trim().min(1).max(200),
  version: z.number().int().min(0).max(1_000_000),
  rule: z.string().trim().min(1).max(100),
  note: z.string().trim().min(1).max(500),
});

const person = z.strictObject({ accountId: z.string().trim().min(1).max(64), secret: z.string().min(1).max(128) });
const exportSchema = z.strictObject({
  caseSignature: z.string().trim().min(1).max(200),
  target: z
    .string()
    .trim()
    .min(1)
    .max(4096)
    .refine((s) => path.isAbsolute(s) && !s.includes('\0'), 'an absolute directory path'),
  purpose: z.enum(ADMIN_EXPORT_PURPOSES),
  recipient: z.string().trim().min(1).max(200),
  lang: z.enum(LANGUAGES).optional(),
  first: person,
  second: person,
});

async function parseBody<T>(req: Request, schema: z.ZodType<T>, file: string): Promise<{ ok: true; value: T } | { ok: false; res: Response }> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return { ok: false, res: problemBody('body-not-json', 'the body is not JSON', problem(file, 'admin.body.json', 'the body is not JSON')) };
  }
  const r = schema.safeParse(body);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  const message = issue?.message ?? 'invalid';
  return { ok: false, res: problemBody('invalid-input', field ? `${field}: ${message}` : message, problem(file, 'admin.input.invalid', message, field || undefined)) };
}

function kioskErrorResponse(e: unknown, file: string): Response {
  if (!(e instanceof KioskError)) throw e;
  const first = e.problems[0];
  const p = first ? { ...first, file } : problem(file, `admin.${e.code}`, e.message, e.code === 'not-found' ? 'ref' : undefined);
  return problemBody(e.code === 'not-found' ? 'not-found' : e.code === 'refused' ? 'action-refused' : 'invalid-input', e.message, p);
}

/** A clerk or an administrator signed in and composing: PL-4.1 gives completion to the clerk. */
export function signedInStaff(session: SessionService | undefined): SignedInAdmin | null {
  const v = session?.getSnapshot();
  if (!v || v.screen !== 'composing' || !v.clerk) return null;
  return { id: v.clerk.id, name: v.clerk.name };
}

/** The routes a clerk may use as well: the records awaiting a clerk, their completion and release. */
const CLERK_ROUTES: ReadonlySet<string> = new Set([ADMIN_ROUTES.pending, ADMIN_ROUTES.complete, ADMIN_ROUTES.release]);

export async function adminRoute(req: Request, url: URL, deps: AdminRouteDeps): Promise<Response> {
  if (!deps.admin) return problemBody('not-found', 'this shell runs no administrator service');
  const p = url.pathname;
  // Completion and release are the clerk's too (PL-4.1); everything else needs an administrator.
  const admin = CLERK_ROUTES.has(p) ? signedInStaff(deps.session) : signedInAdmin(deps.session);
  if (!admin) return problemBody('admin-required', 'the administrator API answers only while an administrator (or, for completion, a clerk) is signed in', problem('admin', 'admin.forbidden', 'an administrator must be signed in'));
  const service = deps.admin;

  if (p === ADMIN_ROUTES.pending && req.method === 'GET') return jsonResponse({ pending: service.pending() });

  if (p === ADMIN_ROUTES.overview && req.method === 'GET') return jsonResponse(service.overview(admin));

  if (p === ADMIN_ROUTES.complete && req.method === 'POST') {
    const body = await parseBody(req, completionSchema, 'admin/complete');
    if (!body.ok) return body.res;
    const { ref, version, identifier, date, duration, caseSignature } = body.value;
    try {
      return jsonResponse(
        service.complete(
          {
            ref,
            version,
            ...(identifier !== undefined ? { identifier } : {}),
            ...(date !== undefined ? { date } : {}),
            ...(duration !== undefined ? { duration } : {}),
            ...(caseSignature !== undefined ? { caseSignature } : {}),
          },
          admin,
        ),
      );
    } catch (e) {
      return kioskErrorResponse(e, 'admin/complete');
    }
  }

  if (p === ADMIN_ROUTES.release && req.method === 'POST') {
    const body = await parseBody(req, releaseSchema, 'admin/release');
    if (!body.ok) return body.res;
    try {
      return jsonResponse(service.release(body.value, admin));
    } catch (e) {
      return kioskErrorResponse(e, 'admin/release');
    }
  }

  if (p === ADMIN_ROUTES.export && req.method === 'POST') {
    const body = await parseBody(req, exportSchema, 'admin/export');
    if (!body.ok) return body.res;
    const { lang, ...rest } = body.value;
    const r = await service.startExport({ ...rest, ...(lang ? { lang } : {}) }, admin);
    if (r.ok) return jsonResponse(r.progress, 202);
    return problemBody(r.problem.rule === 'export.busy' ? 'export-busy' : 'export-refused', r.problem.message, r.problem);
  }

  if (p.startsWith(`${ADMIN_ROUTES.export}/`) && req.method === 'GET') {
    const progress = service.exportProgress(decodeURIComponent(p.slice(ADMIN_ROUTES.export.length + 1)));
    return progress ? jsonResponse(progress) : problemBody('not-found', 'no such export job');
  }

  if (p === CARRIER_ROUTES.events && req.method === 'GET') {
    return adminEvents(req, deps, admin);
  }

  if (p === TIS_ROUTES.fetch && req.method === 'POST') {
    if (!deps.tis) return problemBody('not-found', 'no case-file system', problem('admin/tis', 'config.import-source.refused', 'kiosk-config has no "tis", or importSources does not include "tis"', 'importSources'));
    const body = await parseBody(req, tisFetchSchema, 'admin/tis');
    if (!body.ok) return body.res;
    try {
      return jsonResponse(deps.tis.fetch(body.value.signature, `${admin.name} (${admin.id})`), 202);
    } catch (e) {
      return kioskErrorResponse(e, 'admin/tis');
    }
  }

  if (p === CARRIER_ROUTES.import && req.method === 'POST') {
    if (!deps.carriers) return problemBody('not-found', 'carriers are not watched by this kiosk');
    const body = await parseBody(req, carrierImportSchema, 'admin/carriers');
    if (!body.ok) return body.res;
    try {
      return jsonResponse(deps.carriers.startImport(body.value.key, `${admin.name} (${admin.id})`), 202);
    } catch (e) {
      return kioskErrorResponse(e, 'admin/carriers');
    }
  }

  return problemBody('not-found', `no admin route ${req.method} ${p}`);
}
