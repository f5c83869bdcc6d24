// The case-file system at the administrator screen (UA-1, PL-6.1): fetch a
// case by signature or ЄУН with progress; recordings the TIS is still
// processing wait in a queue that core retries by itself after Retry-After
// (each shown with its next attempt); viewing reports are delivered by core
// by themselves (queued, delivered with the TIS's id, or failing).
import { useState, type FormEvent } from 'react';
import type { TisView } from '../../../shared/carriers-contract';
import { useI18n } from '../../i18n/context';
import { adminApi } from './admin-api';
import { formatBytes, formatStamp } from './format';

export function TisSection({ view }: { view: TisView }) {
  const { t, lang } = useI18n();
  const [signature, setSignature] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const job = view.job;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!signature.trim()) return;
    setRefusal(null);
    void adminApi.fetchCase(signature.trim()).then((r) => {
      if (!r.ok) setRefusal(t('admin.complete.error.refused', { message: r.problem?.message ?? String(r.status) }));
    });
  };
  return (
    <section aria-labelledby="admin-tis-h" data-testid="admin-tis">
      <h2 id="admin-tis-h">{t('admin.tis.heading')}</h2>
      <form className="form-grid" onSubmit={submit}>
        <label htmlFor="tis-signature">
          {t('admin.tis.signature')}
          <input id="tis-signature" data-testid="tis-signature" value={signature} autoComplete="off" spellCheck={false} onChange={(e) => setSignature(e.target.value)} />
        </label>
        <div className="actions">
          <button type="submit" className="primary" disabled={job?.state === 'running' || !signature.trim()} data-testid="tis-fetch">
            {t('admin.tis.fetch')}
          </button>
        </div>
      </form>
      {refusal && (
        <p className="notice" role="alert">
          {refusal}
        </p>
      )}
      {job && (
        <div className="panel" role="status" data-testid="tis-job" data-state={job.state}>
          <h3>{t('admin.tis.fetching', { signature: job.signature })}</h3>
          <progress aria-label={t('admin.tis.progressLabel')} {...(job.bytesTotal ? { max: job.bytesTotal, value: job.bytesDone } : {})} />
          <p>{t('admin.export.bytes', { done: formatBytes(lang, job.bytesDone), total: formatBytes(lang, job.bytesTotal) })}</p>
          {job.state !== 'running' && (
            <p className={job.state === 'done' ? 'ok' : 'notice'} data-testid="tis-outcome">
              {t('admin.tis.outcome', { imported: job.imported, unchanged: job.unchanged, waiting: job.waiting })}
              {job.problems.map((p) => (
                <span key={`${p.file}:${p.rule}`} className="sub wrap">
                  {' '}
                  {p.message}
                </span>
              ))}
            </p>
          )}
        </div>
      )}
      <h3>{t('admin.tis.waiting.heading')}</h3>
      {view.waiting.length === 0 ? (
        <p data-testid="tis-waiting-empty">{t('admin.tis.waiting.empty')}</p>
      ) : (
        <div className="scroll">
          <table data-testid="tis-waiting">
            <thead>
              <tr>
                <th scope="col">{t('admin.tis.col.recording')}</th>
                <th scope="col">{t('admin.tis.col.attempts')}</th>
                <th scope="col">{t('admin.tis.col.next')}</th>
              </tr>
            </thead>
            <tbody>
              {view.waiting.map((w) => (
                <tr key={`${w.caseSignature}/${w.identifier ?? ''}/${w.version}`} data-testid="tis-waiting-row">
                  <td>
                    <span className="mono">{w.identifier ?? '—'}</span> <span className="sub">v{w.version}</span>
                    <div className="sub">{w.caseSignature}</div>
                  </td>
                  <td>{w.attempts}</td>
                  <td className="mono">{formatStamp(w.nextAttemptAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>{t('admin.tis.reports.heading')}</h3>
      {view.reports.length === 0 ? (
        <p>{t('admin.outbox.empty')}</p>
      ) : (
        <div className="scroll">
          <table data-testid="tis-reports">
            <thead>
              <tr>
                <th scope="col">{t('admin.outbox.col.case')}</th>
                <th scope="col">{t('admin.outbox.col.report')}</th>
                <th scope="col">{t('admin.outbox.col.state')}</th>
              </tr>
            </thead>
            <tbody>
              {view.reports.map((r) => (
                <tr key={r.reportId} data-testid="tis-report-row" data-state={r.state}>
                  <td>{r.caseSignature}</td>
                  <td className="mono">{r.reportId}</td>
                  <td>
                    {r.state === 'delivered'
                      ? t('admin.tis.report.delivered', { at: formatStamp(r.deliveredAt), id: r.remoteId ?? '—' })
                      : t(r.state === 'failing' ? 'admin.tis.report.failing' : 'admin.tis.report.queued', { n: r.attempts, next: formatStamp(r.nextAttemptAt) })}
                    {r.lastError && r.state === 'failing' && <div className="sub">{t('admin.outbox.lastError', { error: r.lastError })}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
