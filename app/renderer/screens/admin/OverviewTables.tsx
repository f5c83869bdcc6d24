// Read-only parts of the administrator screen: imports, integrity events and
// the TIS outbox (issue 7), each a captioned table a screen reader can walk.
// A table wider than the screen (a long integrity reason) scrolls in a region
// that takes focus, so the keyboard can scroll it too (WCAG 2.1.1).
import type { AdminImport, AdminIntegrityEvent, AdminOutboxItem } from '../../../shared/admin-contract';
import type { MessageKey } from '../../../shared/i18n';
import { useI18n } from '../../i18n/context';
import { formatBytes, formatStamp } from './format';

const SOURCES = ['carrier', 'plain-folder', 'tis', 'demo'] as const;
const OUTCOMES = ['imported', 'unchanged', 'rejected', 'partial'] as const;

function known<T extends string>(list: readonly T[], v: string): v is T {
  return (list as readonly string[]).includes(v);
}

export function ImportsTable({ imports }: { imports: readonly AdminImport[] }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="admin-imports-h" data-testid="admin-imports">
      <h2 id="admin-imports-h">{t('admin.imports.heading')}</h2>
      {imports.length === 0 ? (
        <p>{t('admin.imports.empty')}</p>
      ) : (
        <div className="scroll" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.imports.col.when')}</th>
                <th scope="col">{t('admin.imports.col.source')}</th>
                <th scope="col">{t('admin.imports.col.ref')}</th>
                <th scope="col">{t('admin.imports.col.operator')}</th>
                <th scope="col">{t('admin.imports.col.outcome')}</th>
                <th scope="col">{t('admin.imports.col.files')}</th>
                <th scope="col">{t('admin.imports.col.problems')}</th>
              </tr>
            </thead>
            <tbody>
              {imports.map((i) => (
                <tr key={i.id} data-testid="admin-import-row">
                  <td className="mono">{formatStamp(i.finishedAt ?? i.startedAt)}</td>
                  <td>{known(SOURCES, i.source) ? t(`admin.source.${i.source}` as MessageKey) : i.source}</td>
                  <td className="mono wrap">{i.ref}</td>
                  <td>{i.operator ?? '—'}</td>
                  <td>{known(OUTCOMES, i.outcome) ? t(`admin.outcome.${i.outcome}` as MessageKey) : i.outcome}</td>
                  <td>{i.files}</td>
                  <td>{i.problems}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function IntegrityTable({ events }: { events: readonly AdminIntegrityEvent[] }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="admin-integrity-h" data-testid="admin-integrity">
      <h2 id="admin-integrity-h">{t('admin.integrity.heading')}</h2>
      {events.length === 0 ? (
        <p>{t('admin.integrity.empty')}</p>
      ) : (
        <div className="scroll" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.integrity.col.when')}</th>
                <th scope="col">{t('admin.integrity.col.subject')}</th>
                <th scope="col">{t('admin.integrity.col.reason')}</th>
                <th scope="col">{t('admin.integrity.col.context')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td className="mono">{formatStamp(e.at)}</td>
                  <td>{e.subject}</td>
                  <td className="mono">{e.reason}</td>
                  <td>{e.context}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function OutboxTable({ items }: { items: readonly AdminOutboxItem[] }) {
  const { t, lang } = useI18n();
  return (
    <section aria-labelledby="admin-outbox-h" data-testid="admin-outbox">
      <h2 id="admin-outbox-h">{t('admin.outbox.heading')}</h2>
      {items.length === 0 ? (
        <p>{t('admin.outbox.empty')}</p>
      ) : (
        <div className="scroll" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.outbox.col.case')}</th>
                <th scope="col">{t('admin.outbox.col.report')}</th>
                <th scope="col">{t('admin.outbox.col.queued')}</th>
                <th scope="col">{t('admin.outbox.col.state')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((o) => (
                <tr key={o.reportId}>
                  <td>{o.caseSignature}</td>
                  <td>
                    <span className="mono">{o.reportId}</span>
                    <div className="sub">{formatBytes(lang, o.bytes)}</div>
                  </td>
                  <td className="mono">{formatStamp(o.enqueuedAt)}</td>
                  <td>
                    {o.deliveredAt ? t('admin.outbox.delivered', { at: formatStamp(o.deliveredAt) }) : t('admin.outbox.pending', { n: o.attempts })}
                    {o.lastError && !o.deliveredAt && <div className="sub">{t('admin.outbox.lastError', { error: o.lastError })}</div>}
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
