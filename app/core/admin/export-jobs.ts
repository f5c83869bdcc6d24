// Running exports, so the administrator screen can show progress (bytes, rate,
// time left) and the receipt. One export at a time: a kiosk has one carrier
// slot and a second copy running beside the first only halves both.
import { randomUUID } from 'node:crypto';
import type { AuthenticatedAccount } from '../auth';
import type { AdminExportPurpose, ExportProgressView, ExportReceiptView } from '../../shared/admin-contract';
import type { Language } from '../../shared/i18n/languages';
import { problem, type Problem } from '../../shared/problem';
import { KioskError } from '../errors';

export interface ExportJobRequest {
  readonly caseSignature: string;
  readonly target: string;
  readonly purpose: AdminExportPurpose;
  readonly recipient: string;
  /** Who makes the copy: the signed-in administrator. */
  readonly operator: string;
  readonly lang?: Language;
  /** The administrator first, then the second person. */
  readonly approvers: readonly [AuthenticatedAccount, AuthenticatedAccount];
}

export interface ExportProgressReport {
  readonly bytesDone: number;
  readonly bytesTotal: number | null;
  /** The exporter's own measure, when it has one; otherwise the job computes it. */
  readonly rateBytesPerSec?: number;
  readonly etaSec?: number | null;
}

/** The export itself (the export core); reports progress, resolves with the receipt. */
export type CaseExporter = (req: ExportJobRequest, onProgress: (p: ExportProgressReport) => void) => Promise<ExportReceiptView>;

interface Job {
  readonly id: string;
  readonly startedAt: number;
  state: 'running' | 'done' | 'failed';
  bytesDone: number;
  bytesTotal: number | null;
  rate: number | null;
  eta: number | null;
  receipt: ExportReceiptView | null;
  problem: Problem | null;
}

export class ExportJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly now: () => number;

  constructor(
    private readonly exporter: CaseExporter,
    opts: { now?: () => number } = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  running(): boolean {
    return [...this.jobs.values()].some((j) => j.state === 'running');
  }

  /** Starts an export already approved by two people; refuses while another runs. */
  start(req: ExportJobRequest): ExportProgressView {
    if (this.running()) throw new KioskError('refused', 'another export is running', [problem('admin/export', 'export.busy', 'another export is running')]);
    // Keep the finished ones of this run of the kiosk bounded.
    if (this.jobs.size >= 20) for (const [k, j] of this.jobs) if (j.state !== 'running') this.jobs.delete(k);
    const job: Job = { id: randomUUID(), startedAt: this.now(), state: 'running', bytesDone: 0, bytesTotal: null, rate: null, eta: null, receipt: null, problem: null };
    this.jobs.set(job.id, job);
    void Promise.resolve()
      .then(() =>
        this.exporter(req, (p) => {
          job.bytesDone = p.bytesDone;
          job.bytesTotal = p.bytesTotal;
          job.rate = p.rateBytesPerSec ?? null;
          job.eta = p.etaSec ?? null;
        }),
      )
      .then(
        (receipt) => {
          job.receipt = receipt;
          job.bytesDone = receipt.totalBytes;
          job.bytesTotal = receipt.totalBytes;
          job.state = 'done';
        },
        (e: unknown) => {
          job.state = 'failed';
          const first = e instanceof KioskError ? e.problems[0] : undefined;
          // The export core names the target `to`; the screen's field is `target`.
          job.problem = first
            ? { ...first, ...(first.field === 'to' ? { field: 'target' } : {}) }
            : problem('admin/export', 'export.failed', e instanceof Error ? e.message : String(e));
        },
      );
    return this.view(job);
  }

  progress(id: string): ExportProgressView | null {
    const job = this.jobs.get(id);
    return job ? this.view(job) : null;
  }

  private view(j: Job): ExportProgressView {
    const elapsedSec = (this.now() - j.startedAt) / 1000;
    const rate = j.rate ?? (elapsedSec > 0 && j.bytesDone > 0 ? j.bytesDone / elapsedSec : null);
    const eta =
      j.state === 'done'
        ? 0
        : j.eta !== null
          ? Math.ceil(j.eta)
          : rate !== null && rate > 0 && j.bytesTotal !== null
            ? Math.max(0, Math.ceil((j.bytesTotal - j.bytesDone) / rate))
            : null;
    return {
      jobId: j.id,
      state: j.state,
      bytesDone: j.bytesDone,
      bytesTotal: j.bytesTotal,
      rateBytesPerSec: rate === null ? null : Math.round(rate),
      etaSec: eta,
      receipt: j.receipt,
      problem: j.problem,
    };
  }
}
