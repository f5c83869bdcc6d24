// `kioskctl status [--json]`: who owns the data directory, how many sessions
// are open, how long the viewing log is. Read-only: asks the service when one
// runs, else reads the catalog read-only.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import { resolveDataDir, dataLayout } from '../../core/data-dir';
import { serviceStatus } from '../../core/service';
import { EXIT_OK } from '../../core/commands/exit-codes';
import type { Out } from '../output';
import type { GlobalOptions } from '../context';

function logSize(catalog: string): number {
  if (!fs.existsSync(catalog)) return 0;
  const db = new Database(catalog, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM viewing_log').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

export async function status(opts: GlobalOptions, out: Out): Promise<number> {
  const dataDir = resolveDataDir(opts.dataDir);
  const s = await serviceStatus(dataDir);
  const doc = {
    service: s ? { pid: s.pid, since: s.since, version: s.version } : null,
    dataDir,
    sessions: { open: s?.sessions.open ?? 0 },
    log: { size: logSize(dataLayout(dataDir).catalog) },
    ...(s ? { jobs: s.jobs, unhandledRejections: s.unhandledRejections } : {}),
    ...(s?.witness ? { witness: s.witness } : {}),
    ...(s?.key ? { key: s.key } : {}),
    ...(s?.replica ? { replica: s.replica } : {}),
  };
  out.result(doc, () =>
    [
      s ? `service: PID ${s.pid} (${s.what}) since ${s.since}, version ${s.version}` : 'service: none running',
      `data directory: ${dataDir}`,
      `sessions open: ${doc.sessions.open}`,
      `viewing log: ${doc.log.size} entries`,
      ...(s ? [`jobs: ${s.jobs.running} running, ${s.jobs.queued} queued; unhandled rejections: ${s.unhandledRejections}`] : []),
      ...(s?.key ? [`device key: ${s.key.sealedBy} (${s.key.by}) at ${s.key.location}${s.key.warning ? `\nWARNING: ${s.key.warning}` : ''}`] : []),
      ...(s?.replica
        ? [
            `replica: ${s.replica.state} at ${s.replica.path}${s.replica.required ? ' (required)' : ''}; ${s.replica.backlogObjects ?? '?'} objects behind${s.replica.catalogBehind ? ', catalog behind' : ''}; ${s.replica.repaired} repaired${s.replica.problem ? `\nREPLICA ALARM: ${s.replica.problem}` : ''}`,
          ]
        : []),
      ...(s?.witness?.alarm ? [`INTEGRITY ALARM: ${s.witness.alarm}`] : s?.witness?.checking ? ['viewing log: being checked against its witnesses'] : []),
    ].join('\n'),
  );
  return EXIT_OK;
}
