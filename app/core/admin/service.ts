// The administrator's part of core: the overview, the PL-4.1 completion form
// and the two-person export, bound to one kiosk. The HTTP route decides who
// may call it (a signed-in administrator); this decides what happens.
import type { WitnessState } from '../witness';
import type { Account } from '../auth/accounts';
import type { Auth } from '../auth';
import { completeRecording, releaseHold } from '../completion';
import { KioskError } from '../errors';
import { approveTwoPersons, createKioskAuth } from '../export';
import type { Kiosk } from '../kiosk';
import {
  TWO_PERSON_RULES,
  type AdminCompletionRequest,
  type AdminCompletionResult,
  type AdminExportRequest,
  type AdminOverview,
  type AdminPendingRecording,
  type AdminReleaseRequest,
  type ExportProgressView,
} from '../../shared/admin-contract';
import type { Problem } from '../../shared/problem';
import { caseExporter } from './case-exporter';
import { ExportJobs, type CaseExporter } from './export-jobs';
import { adminOverview, pendingRecordings } from './overview';

export interface SignedInAdmin {
  readonly id: string;
  readonly name: string;
}

export type StartExportResult = { readonly ok: true; readonly progress: ExportProgressView } | { readonly ok: false; readonly problem: Problem };

export interface AdminService {
  overview(admin: SignedInAdmin): AdminOverview;
  /** The records awaiting a clerk, with their reasons: what a signed-in clerk sees. */
  pending(): AdminPendingRecording[];
  /** PL-4.1: the operator recorded is the signed-in administrator. Throws KioskError on bad input. */
  complete(req: AdminCompletionRequest, admin: SignedInAdmin): AdminCompletionResult;
  /** Releases one reason nothing can be supplied for, with a note; logged with the signed-in account. Throws KioskError when refused. */
  release(req: AdminReleaseRequest, admin: SignedInAdmin): AdminCompletionResult;
  /** Checks both people (refusals logged by the export core), then starts the export in the background. */
  startExport(req: AdminExportRequest, admin: SignedInAdmin): Promise<StartExportResult>;
  exportProgress(jobId: string): ExportProgressView | null;
}

export interface AdminServiceOptions {
  /** Accounts beyond kiosk-config's (the demo accounts in --demo mode), as the session service gets them. */
  readonly extraAccounts?: readonly Account[];
  /** Verifies the two people; defaults to one logged Auth over the same accounts, kept for the process so lockouts hold. */
  readonly auth?: Auth;
  /** The viewing log's witnesses as the service sees them (none without a service). */
  readonly witness?: () => WitnessState;
  /** The export itself; exportCase by default. */
  readonly exporter?: CaseExporter;
  readonly now?: () => number;
}

// Which form field a refusal is about, so the screen can point at it.
const REFUSAL_FIELD: Record<string, string> = {
  [TWO_PERSON_RULES.same]: 'second.accountId',
  [TWO_PERSON_RULES.firstFailed]: 'first.secret',
  [TWO_PERSON_RULES.secondFailed]: 'second.secret',
  [TWO_PERSON_RULES.firstNotAdmin]: 'first.accountId',
};

export function createAdminService(kiosk: Kiosk, opts: AdminServiceOptions = {}): AdminService {
  const auth = opts.auth ?? createKioskAuth(kiosk, opts.extraAccounts ?? []);
  const jobs = new ExportJobs(opts.exporter ?? caseExporter(kiosk), opts.now ? { now: opts.now } : {});
  return {
    overview: (admin) => adminOverview(kiosk, admin, {}, opts.witness?.() ?? null),
    pending: () => pendingRecordings(kiosk),
    complete(req, admin) {
      return completeRecording(kiosk, {
        ref: req.ref,
        version: req.version,
        ...(req.identifier !== undefined ? { identifier: req.identifier } : {}),
        ...(req.date !== undefined ? { date: req.date } : {}),
        ...(req.duration !== undefined ? { duration: req.duration } : {}),
        ...(req.caseSignature !== undefined ? { caseSignature: req.caseSignature } : {}),
        by: admin,
      });
    },
    release(req, admin) {
      return releaseHold(kiosk, { ...req, by: admin });
    },
    async startExport(req, admin) {
      if (jobs.running()) return { ok: false, problem: { file: 'admin/export', rule: 'export.busy', message: 'another export is running' } };
      const context = { case: req.caseSignature, target: req.target, purpose: req.purpose, signedIn: admin.id };
      let approval;
      try {
        approval = await approveTwoPersons(kiosk, auth, { accountId: req.first.accountId, pin: req.first.secret }, { accountId: req.second.accountId, pin: req.second.secret }, context);
      } catch (e) {
        const p = e instanceof KioskError ? e.problems[0] : undefined;
        if (!p) throw e;
        const field = REFUSAL_FIELD[p.rule];
        return { ok: false, problem: field ? { ...p, field } : p };
      }
      try {
        const progress = jobs.start({
          caseSignature: req.caseSignature,
          target: req.target,
          purpose: req.purpose,
          recipient: req.recipient,
          // The account's name and id from kiosk-config, as kioskctl records them.
          operator: `${admin.name} (${admin.id})`,
          ...(req.lang ? { lang: req.lang } : {}),
          approvers: [approval.admin, approval.second],
        });
        return { ok: true, progress };
      } catch (e) {
        if (e instanceof KioskError && e.problems[0]) return { ok: false, problem: e.problems[0] };
        throw e;
      }
    },
    exportProgress: (id) => jobs.progress(id),
  };
}
