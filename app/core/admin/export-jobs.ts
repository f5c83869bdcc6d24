// Running exports, so the administrator screen can show progress (bytes, rate,
// time left) and the receipt. One export at a time: a kiosk has one carrier
// slot and a second copy running beside the first only halves both.
import { randomUUID } from 'node:crypto';
import type { AuthenticatedAccount } from '../auth';
import type { ExportProgressView, ExportReceiptView } from '../../shared/admin-contract';
import { problem, type Problem } from '../../shared/problem';
import { KioskError } from '../errors';

export interface ExportJobRequest {
  readonly caseSignature: string;
  readonly target: string;
  readonly approvers: readonly [AuthenticatedAccount, AuthenticatedAccount];
}

export interface ExportProgressReport {
  readonly bytesDone: number;
  readonly bytesTotal: number | null;
}

/** The export itself (the export core); reports progress, resolves with the receipt. */
export type CaseExporter = (req: ExportJobRequest, onProgress: (p: ExportProgressReport) => void) => Promise<ExportReceiptView>;

interface Job {
  readonly id: string;
  readonly startedAt: number;
  state: 'running' | 'done' | 'failed';
  bytesDone: number;
  bytesTotal: number | null;
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
    const job: Job = { id: randomUUID(), startedAt: this.now(), state: 'running', bytesDone: 0, bytesTotal: null, receipt: null, problem: null };
    this.jobs.set(job.id, job);
    void Promise.resolve()
      .then(() =>
        this.exporter(req, (p) => {
          job.bytesDone = p.bytesDone;
          job.bytesTotal = p.bytesTotal;
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
          job.problem =
            e instanceof KioskError && e.problems[0]
              ? e.problems[0]
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
    const rate = elapsedSec > 0 && j.bytesDone > 0 ? j.bytesDone / elapsedSec : null;
    const eta =
      j.state === 'done' ? 0 : rate !== null && j.bytesTotal !== null ? Math.max(0, Math.ceil((j.bytesTotal - j.bytesDone) / rate)) : null;
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
