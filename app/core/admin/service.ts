// The administrator's part of core: the overview, the PL-4.1 completion form
// and the two-person export, bound to one kiosk. The HTTP route decides who
// may call it (a signed-in administrator); this decides what happens.
import type { Account } from '../auth/accounts';
import { Auth } from '../auth';
import { completeRecording } from '../completion';
import type { Kiosk } from '../kiosk';
import type { AdminCompletionRequest, AdminCompletionResult, AdminExportRequest, AdminOverview, ExportProgressView } from '../../shared/admin-contract';
import type { Problem } from '../../shared/problem';
import { KioskError } from '../errors';
import { adminOverview } from './overview';
import { approveTwoPersons, type TwoPersonAuth } from './two-person';
import { ExportJobs, type CaseExporter } from './export-jobs';
import { viewingReportsExporter } from './report-exporter';

export interface SignedInAdmin {
  readonly id: string;
  readonly name: string;
}

export type StartExportResult = { readonly ok: true; readonly progress: ExportProgressView } | { readonly ok: false; readonly problem: Problem };

export interface AdminService {
  overview(admin: SignedInAdmin): AdminOverview;
  /** PL-4.1: the operator recorded is the signed-in administrator. Throws KioskError on bad input. */
  complete(req: AdminCompletionRequest, admin: SignedInAdmin): AdminCompletionResult;
  /** Checks both people (refusals logged), then starts the export in the background. */
  startExport(req: AdminExportRequest, admin: SignedInAdmin): Promise<StartExportResult>;
  exportProgress(jobId: string): ExportProgressView | null;
}

export interface AdminServiceOptions {
  /** Accounts beyond kiosk-config's (the demo accounts in --demo mode), as the session service gets them. */
  readonly extraAccounts?: readonly Account[];
  /** Verifies the two people; defaults to an Auth over the same accounts, logging every attempt. */
  readonly auth?: TwoPersonAuth;
  /** The export itself; defaults to the viewing-report stand-in until exportCase is wired. */
  readonly exporter?: CaseExporter;
  readonly now?: () => number;
}

export function createAdminService(kiosk: Kiosk, opts: AdminServiceOptions = {}): AdminService {
  const auth =
    opts.auth ??
    new Auth({
      accounts: [...(kiosk.config.accounts as Account[]), ...(opts.extraAccounts ?? [])],
      onEvent: (type, data) => void kiosk.log.append(type, data),
    });
  const jobs = new ExportJobs(opts.exporter ?? viewingReportsExporter(kiosk), opts.now ? { now: opts.now } : {});
  return {
    overview: (admin) => adminOverview(kiosk, admin),
    complete(req, admin) {
      return completeRecording(kiosk, {
        ref: req.ref,
        version: req.version,
        ...(req.identifier !== undefined ? { identifier: req.identifier } : {}),
        ...(req.date !== undefined ? { date: req.date } : {}),
        ...(req.duration !== undefined ? { duration: req.duration } : {}),
        ...(req.caseSignature !== undefined ? { caseSignature: req.caseSignature } : {}),
        operator: admin.name,
      });
    },
    async startExport(req, admin) {
      if (jobs.running()) return { ok: false, problem: { file: 'admin/export', rule: 'export.busy', message: 'another export is running' } };
      const context = { case: req.caseSignature, target: req.target, signedIn: admin.id };
      const verdict = await approveTwoPersons(auth, kiosk.log, req.first, req.second, context);
      if (!verdict.ok) return { ok: false, problem: verdict.problem };
      try {
        return { ok: true, progress: jobs.start({ caseSignature: req.caseSignature, target: req.target, approvers: verdict.approvers }) };
      } catch (e) {
        if (e instanceof KioskError && e.problems[0]) return { ok: false, problem: e.problems[0] };
        throw e;
      }
    },
    exportProgress: (id) => jobs.progress(id),
  };
}
