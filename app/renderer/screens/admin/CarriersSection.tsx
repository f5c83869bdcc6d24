// Carriers, live (DC-3): core pushes the carriers it sees, the packages on
// each with the check's verdict, and a running import's progress on the
// administrator event stream; this section shows them and starts an import.
// A carrier pulled mid-import is reported as 'carrier removed, nothing stored'.
import { useEffect, useState } from 'react';
import { CARRIER_REMOVED_RULE, type CarrierView, type CarriersView } from '../../../shared/carriers-contract';
import { formatPlDuration } from '../../../shared/pl3-format';
import { useI18n } from '../../i18n/context';
import { formatBytes } from './format';
import { adminApi } from './admin-api';

function Carrier({ c, busy, onImport }: { c: CarrierView; busy: boolean; onImport(): void }) {
  const { t, lang } = useI18n();
  const checking = c.packages.some((p) => p.verdict === 'checking');
  return (
    <li className="panel" data-testid="carrier">
      <h3>{c.description || t('admin.carriers.unnamed')}</h3>
      <p className="sub">
        {c.mountpoint ? <span className="mono">{c.mountpoint}</span> : <span data-testid="carrier-not-mounted">{t('admin.carriers.notMounted')}</span>}
        {c.sizeBytes !== null && ` · ${t('admin.carriers.size', { size: formatBytes(lang, c.sizeBytes) })}`}
        {c.readOnly && ` · ${t('admin.carriers.readOnly')}`}
      </p>
      {c.mountpoint &&
        (c.packages.length === 0 ? (
          <p>{t('admin.carriers.noPackages')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.carriers.col.package')}</th>
                <th scope="col">{t('admin.carriers.col.verdict')}</th>
              </tr>
            </thead>
            <tbody>
              {c.packages.map((p) => (
                <tr key={p.path} data-testid="carrier-package">
                  <td className="mono">{p.path}</td>
                  <td data-testid="carrier-verdict" data-verdict={p.verdict}>
                    {t(`admin.carriers.verdict.${p.verdict}`)}
                    {p.problems.slice(0, 3).map((x) => (
                      <div key={`${x.file}:${x.rule}`} className="sub wrap">
                        {x.file}: {x.message}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {c.mountpoint && (
        <div className="actions">
          <button type="button" className="primary" disabled={busy || checking || !c.packages.some((p) => p.verdict === 'valid')} onClick={onImport} data-testid="carrier-import">
            {t('admin.carriers.import')}
          </button>
        </div>
      )}
    </li>
  );
}

export function CarriersSection({ view, onImported }: { view: CarriersView | null; onImported(): void }) {
  const { t, lang } = useI18n();
  const [refusal, setRefusal] = useState<string | null>(null);
  const job = view?.job ?? null;
  // Keyed by the import's id as well: two imports that both end 'done' may meet between two renders.
  const ended = job && job.state !== 'running' ? `${job.id}:${job.state}` : null;
  useEffect(() => {
    if (ended) onImported();
  }, [ended, onImported]);

  return (
    <section aria-labelledby="admin-carriers-h" data-testid="admin-carriers">
      <h2 id="admin-carriers-h">{t('admin.carriers.heading')}</h2>
      <p className="sub">{view?.hotplug === 'usb' ? t('admin.carriers.hotplug') : t('admin.carriers.polling')}</p>
      {refusal && (
        <p className="notice" role="alert">
          {refusal}
        </p>
      )}
      {view === null ? (
        <p>{t('admin.loading')}</p>
      ) : view.carriers.length === 0 ? (
        <p data-testid="carriers-empty">{t('admin.carriers.empty')}</p>
      ) : (
        <ul className="plain">
          {view.carriers.map((c) => (
            <Carrier
              key={c.key}
              c={c}
              busy={job?.state === 'running'}
              onImport={() => {
                setRefusal(null);
                void adminApi.importCarrier(c.key).then((r) => {
                  if (!r.ok) setRefusal(t('admin.complete.error.refused', { message: r.problem?.message ?? String(r.status) }));
                });
              }}
            />
          ))}
        </ul>
      )}
      {job && (
        <div className="panel" role="status" data-testid="carrier-job" data-state={job.state}>
          <h3>{t('admin.carriers.importOf', { carrier: job.description })}</h3>
          <progress aria-label={t('admin.carriers.progressLabel')} {...(job.bytesTotal ? { max: job.bytesTotal, value: job.bytesDone } : {})} />
          <p>
            {t('admin.export.bytes', { done: formatBytes(lang, job.bytesDone), total: formatBytes(lang, job.bytesTotal) })}
            {' · '}
            {t('admin.carriers.rate', { rate: (job.rateBytesPerSec / 1e6).toFixed(1) })}
            {' · '}
            {t('admin.export.eta', { eta: job.etaSec === null ? t('admin.export.unknown') : formatPlDuration(Math.ceil(job.etaSec)) })}
          </p>
          {job.state === 'removed' || job.problems.some((p) => p.rule === CARRIER_REMOVED_RULE) ? (
            <p className="notice" data-testid="carrier-removed">
              {t('admin.carriers.removed')}
            </p>
          ) : job.state !== 'running' ? (
            <>
              <p className={job.state === 'done' ? 'ok' : 'notice'} data-testid="carrier-outcome">
                {t(job.state === 'done' ? 'admin.carriers.done' : 'admin.carriers.failed')}
              </p>
              <table data-testid="carrier-report">
                <thead>
                  <tr>
                    <th scope="col">{t('admin.carriers.col.file')}</th>
                    <th scope="col">{t('admin.carriers.col.outcome')}</th>
                  </tr>
                </thead>
                <tbody>
                  {job.report.map((f) => (
                    <tr key={`${f.package}/${f.file}/${f.outcome}`}>
                      <td className="mono">{f.package ? `${f.package} · ${f.file}` : f.file}</td>
                      <td className="wrap">
                        {t(`admin.carriers.outcome.${f.outcome}`)}
                        {f.detail && f.outcome === 'refused' ? `: ${f.detail}` : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
        </div>
      )}
    </section>
  );
}
