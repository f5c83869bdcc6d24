// The two-person export (issue 9, PL-9): an administrator and a second,
// different clerk or administrator each enter their own PIN before it starts;
// then progress (bytes, rate, time left) and the receipt. Core decides and
// logs every refusal; this screen only asks and shows. PINs are cleared from
// the form after every attempt.
import type { CarrierView } from '../../../shared/carriers-contract';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import {
  ADMIN_EXPORT_PURPOSES,
  TWO_PERSON_RULES,
  type AdminCase,
  type AdminExportPurpose,
  type ExportProgressView,
  type ExportReceiptView,
} from '../../../shared/admin-contract';
import type { Language, MessageKey } from '../../../shared/i18n';
import { translateExport } from '../../../shared/i18n/export-messages';
import { formatPlDuration } from '../../../shared/pl3-format';
import type { Problem } from '../../../shared/problem';
import { useI18n } from '../../i18n/context';
import { adminApi } from './admin-api';
import { formatBytes, formatStamp } from './format';

type Phase =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'running'; progress: ExportProgressView }
  | { kind: 'done'; progress: ExportProgressView; receipt: ExportReceiptView }
  | { kind: 'refused'; problem: Problem | null }
  | { kind: 'failed'; problem: Problem | null };

const FIELD_LABELS: Record<string, MessageKey> = {
  caseSignature: 'admin.export.case',
  target: 'admin.export.target',
  'first.accountId': 'admin.export.first',
  'first.secret': 'admin.export.first',
  'second.accountId': 'admin.export.second',
  'second.secret': 'admin.export.second',
};

function fieldLabel(field: string | undefined, t: (k: MessageKey) => string, lang: Language): string | null {
  if (field === 'purpose' || field === 'recipient') return translateExport(lang, `export.${field}`);
  const key = field ? FIELD_LABELS[field] : undefined;
  return key ? t(key) : null;
}

function refusalKey(p: Problem | null): MessageKey | null {
  switch (p?.rule) {
    case TWO_PERSON_RULES.same:
      return 'admin.export.refused.same';
    case TWO_PERSON_RULES.firstFailed:
    case TWO_PERSON_RULES.secondFailed:
      return 'admin.export.refused.auth';
    case TWO_PERSON_RULES.firstNotAdmin:
      return 'admin.export.refused.role';
    case 'export.busy':
      return 'admin.export.refused.busy';
    default:
      return null;
  }
}

function Receipt({ receipt }: { receipt: ExportReceiptView }) {
  const { t, lang } = useI18n();
  return (
    <div className="panel" data-testid="export-receipt" role="region" aria-labelledby="admin-receipt-h">
      <h3 id="admin-receipt-h">{t('admin.receipt.heading')}</h3>
      <dl>
        <dt>{t('admin.receipt.id')}</dt>
        <dd className="mono wrap">{receipt.exportId}</dd>
        <dt>{translateExport(lang, 'export.packageSha256')}</dt>
        <dd className="mono wrap">{receipt.packageSha256}</dd>
        <dt>{t('admin.receipt.case')}</dt>
        <dd>{receipt.caseSignature}</dd>
        <dt>{translateExport(lang, 'export.purpose')}</dt>
        <dd>{translateExport(lang, `purpose.${receipt.purpose}`)}</dd>
        <dt>{translateExport(lang, 'export.recipient')}</dt>
        <dd>{receipt.recipient}</dd>
        <dt>{t('admin.receipt.target')}</dt>
        <dd className="mono wrap">{receipt.target}</dd>
        <dt>{t('admin.receipt.finished')}</dt>
        <dd className="mono">{formatStamp(receipt.finishedAt)}</dd>
        <dt>{t('admin.receipt.approvedBy')}</dt>
        <dd>{receipt.approvedBy.map((a) => `${a.name} (${t(`admin.role.${a.role}`)})`).join('; ')}</dd>
        <dt>{t('admin.receipt.total')}</dt>
        <dd>{formatBytes(lang, receipt.totalBytes)}</dd>
        {receipt.logSeq !== null && (
          <>
            <dt>{t('admin.receipt.logSeq')}</dt>
            <dd className="mono">#{receipt.logSeq}</dd>
          </>
        )}
        <dt>{t('admin.receipt.stored')}</dt>
        <dd className="mono wrap">{receipt.receiptFiles.pdf}</dd>
      </dl>
      <div className="scroll">
        <table>
          <caption>{t('admin.receipt.files')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.receipt.col.path')}</th>
              <th scope="col">{t('admin.receipt.col.bytes')}</th>
              <th scope="col">{t('admin.receipt.col.sha256')}</th>
            </tr>
          </thead>
          <tbody>
            {receipt.files.map((f) => (
              <tr key={f.path}>
                <td className="mono wrap">{f.path}</td>
                <td>{formatBytes(lang, f.bytes)}</td>
                <td className="mono wrap">{f.sha256}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Progress({ p }: { p: ExportProgressView }) {
  const { t, lang } = useI18n();
  const total = p.bytesTotal;
  return (
    <div className="panel" data-testid="export-progress" role="status">
      {p.state === 'running' && <p>{t('admin.export.running')}</p>}
      <progress aria-label={t('admin.export.progressLabel')} {...(total ? { max: total, value: p.bytesDone } : {})} />
      <p>
        {t('admin.export.bytes', { done: formatBytes(lang, p.bytesDone), total: total === null ? t('admin.export.unknown') : formatBytes(lang, total) })}
        {' · '}
        {t('admin.export.rate', { rate: p.rateBytesPerSec === null ? t('admin.export.unknown') : formatBytes(lang, p.rateBytesPerSec) })}
        {' · '}
        {t('admin.export.eta', { eta: p.etaSec === null ? t('admin.export.unknown') : formatPlDuration(p.etaSec) })}
      </p>
    </div>
  );
}

export function ExportPanel({ cases, adminId, carriers = [] }: { cases: readonly AdminCase[]; adminId: string; carriers?: readonly CarrierView[] }) {
  const { t, lang } = useI18n();
  // The carriers core detects, offered as targets with their free space (the folder field stays for any other directory).
  const mounted = carriers.filter((c) => c.mountpoint !== null && !c.readOnly);
  const [caseSignature, setCase] = useState(cases[0]?.signature ?? '');
  const [target, setTarget] = useState('');
  const [purpose, setPurpose] = useState<AdminExportPurpose>('supervisory');
  const [recipient, setRecipient] = useState('');
  const [first, setFirst] = useState({ accountId: adminId, secret: '' });
  const [second, setSecond] = useState({ accountId: '', secret: '' });
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const live = useRef(true);
  const messageRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);
  useEffect(() => {
    if (phase.kind === 'refused' || phase.kind === 'failed' || phase.kind === 'done') messageRef.current?.focus();
  }, [phase.kind]);

  const follow = (jobId: string) => {
    const tick = () => {
      void adminApi.exportProgress(jobId).then((r) => {
        if (!live.current) return;
        if (!r.ok) return setPhase({ kind: 'failed', problem: r.problem });
        const p = r.value;
        if (p.state === 'running') {
          setPhase({ kind: 'running', progress: p });
          window.setTimeout(tick, 500);
        } else if (p.state === 'done' && p.receipt) setPhase({ kind: 'done', progress: p, receipt: p.receipt });
        else setPhase({ kind: 'failed', problem: p.problem });
      });
    };
    tick();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const req = { caseSignature, target, purpose, recipient, lang, first, second };
    // PINs leave the form with the request and are not kept.
    setFirst((f) => ({ ...f, secret: '' }));
    setSecond((s) => ({ ...s, secret: '' }));
    setPhase({ kind: 'checking' });
    void adminApi.startExport(req).then((r) => {
      if (!live.current) return;
      if (r.ok) {
        setPhase({ kind: 'running', progress: r.value });
        follow(r.value.jobId);
      } else if (r.status === 403 || r.status === 409) setPhase({ kind: 'refused', problem: r.problem });
      else setPhase({ kind: 'failed', problem: r.problem });
    });
  };

  const busy = phase.kind === 'checking' || phase.kind === 'running';
  const refusal = phase.kind === 'refused' ? refusalKey(phase.problem) : null;
  const invalidField = phase.kind === 'failed' ? fieldLabel(phase.problem?.field, t, lang) : null;

  return (
    <section aria-labelledby="admin-export-h" data-testid="admin-export">
      <h2 id="admin-export-h">{t('admin.export.heading')}</h2>
      <p>{t('admin.export.intro')}</p>
      <form onSubmit={submit} data-testid="export-form" noValidate>
        <div className="form-grid">
          <label htmlFor="export-case">
            {t('admin.export.case')}
            <select id="export-case" data-testid="export-case" value={caseSignature} onChange={(e) => setCase(e.target.value)}>
              {cases.map((c) => (
                <option key={c.signature} value={c.signature}>
                  {c.signature}
                  {c.caseNumber && c.caseNumber !== c.signature ? ` (${c.caseNumber})` : ''}
                </option>
              ))}
            </select>
          </label>
          {mounted.length > 0 && (
            <label htmlFor="export-carrier">
              {t('admin.export.carrier')}
              <select id="export-carrier" data-testid="export-carrier" value={mounted.some((c) => c.mountpoint === target) ? target : ''} onChange={(e) => setTarget(e.target.value)}>
                <option value="">{t('admin.export.otherFolder')}</option>
                {mounted.map((c) => (
                  <option key={c.key} value={c.mountpoint ?? ''}>
                    {t('admin.export.carrierOption', { carrier: c.description, path: c.mountpoint ?? '', free: c.freeBytes === null ? '—' : formatBytes(lang, c.freeBytes) })}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label htmlFor="export-target">
            {t('admin.export.target')}
            <input id="export-target" className="mono" data-testid="export-target" value={target} autoComplete="off" spellCheck={false} onChange={(e) => setTarget(e.target.value)} />
          </label>
          <label htmlFor="export-purpose">
            {translateExport(lang, 'export.purpose')}
            <select id="export-purpose" data-testid="export-purpose" value={purpose} onChange={(e) => setPurpose(e.target.value as AdminExportPurpose)}>
              {ADMIN_EXPORT_PURPOSES.map((p) => (
                <option key={p} value={p}>
                  {translateExport(lang, `purpose.${p}`)}
                </option>
              ))}
            </select>
          </label>
          <label htmlFor="export-recipient">
            {translateExport(lang, 'export.recipient')}
            <input id="export-recipient" data-testid="export-recipient" value={recipient} autoComplete="off" onChange={(e) => setRecipient(e.target.value)} />
          </label>
        </div>
        <div className="form-grid">
          {(
            [
              ['first', first, setFirst, 'admin.export.first'],
              ['second', second, setSecond, 'admin.export.second'],
            ] as const
          ).map(([who, person, set, legend]) => (
            <fieldset key={who}>
              <legend>{t(legend)}</legend>
              <label htmlFor={`export-${who}-account`}>
                {t('admin.export.account')}
                <input
                  id={`export-${who}-account`}
                  data-testid={`export-${who}-account`}
                  value={person.accountId}
                  autoComplete="off"
                  spellCheck={false}
                  onChange={(e) => set((p) => ({ ...p, accountId: e.target.value }))}
                />
              </label>
              <label htmlFor={`export-${who}-secret`}>
                {t('admin.export.secret')}
                <input
                  id={`export-${who}-secret`}
                  data-testid={`export-${who}-secret`}
                  type="password"
                  value={person.secret}
                  autoComplete="off"
                  onChange={(e) => set((p) => ({ ...p, secret: e.target.value }))}
                />
              </label>
            </fieldset>
          ))}
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || cases.length === 0} data-testid="export-start">
            {t('admin.export.start')}
          </button>
        </div>
      </form>
      <div ref={messageRef} tabIndex={-1} className="message-anchor">
        {phase.kind === 'checking' && <p role="status">{t('admin.export.checking')}</p>}
        {phase.kind === 'refused' && (
          <div className="notice" role="alert" data-testid="export-refused" data-rule={phase.problem?.rule ?? ''}>
            <p>{refusal ? t(refusal) : t('admin.export.failed', { message: phase.problem?.message ?? '' })}</p>
            {phase.problem?.rule.startsWith('export.approval.') && <p>{t('admin.export.refusedLogged')}</p>}
          </div>
        )}
        {phase.kind === 'failed' && (
          <p className="notice" role="alert" data-testid="export-failed" data-rule={phase.problem?.rule ?? ''}>
            {invalidField ? t('admin.export.refused.invalid', { field: invalidField }) : t('admin.export.failed', { message: phase.problem?.message ?? '' })}
          </p>
        )}
        {phase.kind === 'running' && <Progress p={phase.progress} />}
        {phase.kind === 'done' && (
          <>
            <Progress p={phase.progress} />
            <Receipt receipt={phase.receipt} />
          </>
        )}
      </div>
    </section>
  );
}
