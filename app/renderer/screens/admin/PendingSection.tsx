// Records held or incomplete, awaiting a clerk (UA-5, PL-4.1), and the
// completion form: identifier, date, duration and case signature, checked by
// core, which records the signed-in administrator as the one who completed it.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { AdminPendingRecording, CompletionField } from '../../../shared/admin-contract';
import type { MessageKey } from '../../../shared/i18n';
import { formatPlDuration } from '../../../shared/pl3-format';
import type { Problem } from '../../../shared/problem';
import { HOLD_RESOLUTION, type HoldRule } from '../../../shared/holds';
import { useI18n } from '../../i18n/context';
import { adminApi } from './admin-api';

const FIELDS: ReadonlyArray<{ field: CompletionField; label: MessageKey; mono?: boolean }> = [
  { field: 'identifier', label: 'admin.complete.identifier', mono: true },
  { field: 'date', label: 'admin.complete.date', mono: true },
  { field: 'duration', label: 'admin.complete.duration', mono: true },
  { field: 'caseSignature', label: 'admin.complete.case' },
];

function errorKey(p: Problem | null): MessageKey | null {
  switch (p?.rule) {
    case 'pl3.date.format':
      return 'admin.complete.error.date';
    case 'pl3.duration.format':
      return 'admin.complete.error.duration';
    case 'pl3.identifier.format':
      return 'admin.complete.error.identifier';
    case 'admin.usage':
      return 'admin.complete.error.nothing';
    default:
      return null;
  }
}

function CompletionForm({ rec, onDone, onCancel }: { rec: AdminPendingRecording; onDone(status: string): void; onCancel(): void }) {
  const { t } = useI18n();
  const [values, setValues] = useState<Record<CompletionField, string>>({ identifier: '', date: '', duration: '', caseSignature: '' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    void adminApi.complete({ ref: rec.ref, version: rec.version, ...values }).then((r) => {
      setBusy(false);
      if (r.ok) onDone(r.value.status);
      else setProblem(r.problem ?? { file: 'admin/complete', rule: 'admin.failed', message: String(r.status) });
    });
  };
  const key = errorKey(problem);
  const message = problem ? (key ? t(key) : t('admin.complete.error.refused', { message: problem.message })) : null;
  const badField = FIELDS.find((f) => f.field === problem?.field)?.field ?? null;

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="admin-complete-h" data-testid="completion-form" noValidate>
      <h3 id="admin-complete-h">{t('admin.complete.heading', { ref: rec.ref })}</h3>
      <p className="sub">{t('admin.complete.note')}</p>
      <div className="form-grid">
        {FIELDS.map(({ field, label, mono }, i) => {
          return (
            <label key={field} htmlFor={`complete-${field}`}>
              {t(label)}
              <input
                id={`complete-${field}`}
                ref={i === 0 ? first : undefined}
                className={mono ? 'mono' : undefined}
                data-testid={`complete-${field}`}
                value={values[field]}
                autoComplete="off"
                spellCheck={false}
                aria-invalid={badField === field}
                aria-describedby={badField === field ? 'complete-error' : undefined}
                onChange={(e) => setValues((v) => ({ ...v, [field]: e.target.value }))}
              />
            </label>
          );
        })}
      </div>
      {message && (
        <p id="complete-error" className="notice" role="alert" data-testid="completion-error">
          {message}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy} data-testid="complete-submit">
          {t('admin.complete.submit')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('admin.complete.cancel')}
        </button>
      </div>
    </form>
  );
}

/** Releases one reason nothing can be supplied for (a protocol's signature or title), with a note; core logs who and why. */
function ReleaseForm({ rec, rule, onDone, onCancel }: { rec: AdminPendingRecording; rule: HoldRule; onDone(status: string): void; onCancel(): void }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    void adminApi.release({ ref: rec.ref, version: rec.version, rule, note }).then((r) => {
      setBusy(false);
      if (r.ok) onDone(r.value.status);
      else setError(t('admin.complete.error.refused', { message: r.problem?.message ?? String(r.status) }));
    });
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="admin-release-h" data-testid="release-form" noValidate>
      <h3 id="admin-release-h">{t('admin.release.heading', { ref: rec.ref })}</h3>
      <p>{t(`hold.${rule}`)}</p>
      <label htmlFor="release-note">
        {t('admin.release.note')}
        <input id="release-note" data-testid="release-note" value={note} autoComplete="off" onChange={(e) => setNote(e.target.value)} aria-describedby={error ? 'release-error' : undefined} />
      </label>
      {error && (
        <p id="release-error" className="notice" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !note.trim()} data-testid="release-submit">
          {t('admin.release.submit')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('admin.complete.cancel')}
        </button>
      </div>
    </form>
  );
}

export function PendingSection({ pending, onChanged }: { pending: readonly AdminPendingRecording[]; onChanged(): void }) {
  const { t, time } = useI18n();
  const [editing, setEditing] = useState<string | null>(null);
  const [releasing, setReleasing] = useState<{ key: string; rule: HoldRule } | null>(null);
  // The status core answered, translated when shown, so a language switch translates it too.
  const [saved, setSaved] = useState<string | null>(null);
  const rec = pending.find((r) => `${r.ref}@${r.version}` === editing) ?? null;
  const statusText = (s: string) => (s === 'complete' || s === 'incomplete' || s === 'held' ? t(`status.${s}`) : s);

  return (
    <section aria-labelledby="admin-pending-h" data-testid="admin-pending">
      <h2 id="admin-pending-h">{t('admin.pending.heading')}</h2>
      <p className="sub">{t('admin.pending.intro')}</p>
      {saved && (
        <p className="ok" role="status" data-testid="completion-saved">
          {t('admin.complete.saved', { status: statusText(saved) })}
        </p>
      )}
      {pending.length === 0 ? (
        <p>{t('admin.pending.empty')}</p>
      ) : (
        <div className="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.pending.col.recording')}</th>
                <th scope="col">{t('admin.pending.col.status')}</th>
                <th scope="col">{t('admin.pending.col.reason')}</th>
                <th scope="col">{t('admin.pending.col.missing')}</th>
                <th scope="col">{t('admin.pending.col.action')}</th>
              </tr>
            </thead>
            <tbody>
              {pending.map((r) => (
                <tr key={`${r.ref}@${r.version}`} data-testid="admin-pending-row">
                  <td>
                    <span className="mono">{r.ref}</span> <span className="sub">v{r.version}</span>
                    {r.title && <div>{r.title}</div>}
                    <div className="sub">
                      {r.caseSignature ?? '—'} · {r.date ? time(r.date) : '—'} · {r.durationSec !== null ? formatPlDuration(r.durationSec) : '—'}
                    </div>
                  </td>
                  <td>{statusText(r.status)}</td>
                  <td className="wrap">
                    {r.holds.length ? (
                      <ul className="reasons" data-testid="hold-reasons">
                        {r.holds.map((h) => (
                          <li key={h.rule}>
                            {t(`hold.${h.rule}`)}
                            {HOLD_RESOLUTION[h.rule] === 'release' && (
                              <button
                                type="button"
                                className="inline"
                                data-testid="hold-release"
                                aria-label={t('admin.release.label', { ref: r.ref })}
                                onClick={() => {
                                  setSaved(null);
                                  setEditing(null);
                                  setReleasing({ key: `${r.ref}@${r.version}`, rule: h.rule });
                                }}
                              >
                                {t('admin.release.action')}
                              </button>
                            )}
                          </li>
                        ))}
                      </ul>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{r.missing.length ? r.missing.map((m) => t(`admin.missing.${m}`)).join(', ') : '—'}</td>
                  <td>
                    <button
                      type="button"
                      aria-label={t('admin.pending.completeLabel', { ref: r.ref })}
                      onClick={() => {
                        setSaved(null);
                        setReleasing(null);
                        setEditing(`${r.ref}@${r.version}`);
                      }}
                    >
                      {t('admin.pending.complete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {releasing && pending.some((r) => `${r.ref}@${r.version}` === releasing.key) && (
        <ReleaseForm
          key={`${releasing.key}/${releasing.rule}`}
          rec={pending.find((r) => `${r.ref}@${r.version}` === releasing.key)!}
          rule={releasing.rule}
          onCancel={() => setReleasing(null)}
          onDone={(status) => {
            setReleasing(null);
            setSaved(status);
            onChanged();
          }}
        />
      )}
      {rec && (
        <CompletionForm
          key={editing}
          rec={rec}
          onCancel={() => setEditing(null)}
          onDone={(status) => {
            setEditing(null);
            setSaved(status);
            onChanged();
          }}
        />
      )}
    </section>
  );
}

