// Viewing reports received by the reference server, keyed by Idempotency-Key
// and persisted so that the same key gets the same id after a restart.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface StoredReport {
  readonly id: string;
  readonly caseSignature: string;
  readonly bodySha256: string;
  readonly receivedAt: string;
}

export type AcceptResult =
  | { kind: 'created'; report: StoredReport }
  | { kind: 'replayed'; report: StoredReport }
  | { kind: 'key-reused'; report: StoredReport };

export class ReportStore {
  private readonly index: string;
  private readonly bodies: string;
  private byKey: Record<string, StoredReport>;

  constructor(stateDir: string) {
    this.index = path.join(stateDir, 'viewing-reports.json');
    this.bodies = path.join(stateDir, 'viewing-reports');
    fs.mkdirSync(this.bodies, { recursive: true });
    this.byKey = fs.existsSync(this.index)
      ? (JSON.parse(fs.readFileSync(this.index, 'utf8')) as Record<string, StoredReport>)
      : {};
  }

  /** Same key + same body: the first id again; same key + other body: refused (as the IETF idempotency-key draft says). */
  accept(key: string, caseSignature: string, body: Buffer): AcceptResult {
    const bodySha256 = createHash('sha256').update(body).digest('hex');
    const seen = this.byKey[key];
    if (seen) {
      return seen.bodySha256 === bodySha256 && seen.caseSignature === caseSignature
        ? { kind: 'replayed', report: seen }
        : { kind: 'key-reused', report: seen };
    }
    const report: StoredReport = { id: randomUUID(), caseSignature, bodySha256, receivedAt: new Date().toISOString() };
    writeDurably(path.join(this.bodies, `${report.id}.json`), body);
    this.byKey = { ...this.byKey, [key]: report };
    writeDurably(this.index, Buffer.from(JSON.stringify(this.byKey, null, 2)));
    return { kind: 'created', report };
  }

  all(): StoredReport[] {
    return Object.values(this.byKey);
  }

  body(id: string): Buffer {
    return fs.readFileSync(path.join(this.bodies, `${id}.json`));
  }
}

export function writeDurably(file: string, data: Buffer): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
