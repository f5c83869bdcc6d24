// The clerk composes a review session: the case (signature or ЄУН), the
// recordings with their PL-3 metadata, versions and conformance flags, the
// viewer (four minimised details) and the time allowed. Core decides whether
// the composition is acceptable; this form only collects it.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { MessageKey } from '../../shared/i18n';
import type { RecordingSummary } from '../../shared/api-contract';
import { formatPlDuration } from '../../shared/pl3-format';
import { DOCUMENT_TYPES, type DocumentType, type RecordingChoice, type RecordingRef, type SessionView } from '../../shared/session-contract';
import type { KioskClient } from '../api/client';
import type { Send } from './send';
import { useI18n } from '../i18n/context';
import { flagKey } from '../i18n/flags';
import { caseCandidates, caseKey, latinLookalikes, type CaseNames } from '../../shared/case-key';

const refKey = (r: RecordingRef) => `${r.identifier}@${r.version}`;

/** The cases that have a recording a session may show, once each. */
function viewableCases(rows: readonly RecordingSummary[]): CaseNames[] {
  const bySig = new Map<string, CaseNames>();
  for (const r of rows) {
    if (r.status !== 'complete' || r.identifier === null) continue;
    bySig.set(r.case.signature, { signature: r.case.signature, caseNumber: r.case.caseNumber });
  }
  return [...bySig.values()];
}

/** The form's fields, in the order the error summary lists them. */
const FIELDS = ['case', 'recordings', 'name', 'last4', 'purpose', 'minutes'] as const;
type Field = (typeof FIELDS)[number];
type FieldErrors = Partial<Record<Field, string>>;
type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** What is wrong with the form, field by field, in words that say how to put it right. */
function composeErrors(
  f: { c: SessionView['composition']; name: string; last4: string; purpose: string; minutes: string },
  t: T,
): FieldErrors {
  const e: FieldErrors = {};
  if (!f.c.case) e.case = t('compose.error.case');
  else if (f.c.recordings.length === 0) e.recordings = t('compose.error.recordings');
  if (f.name.trim() === '') e.name = t('compose.error.name');
  const bad = [...f.last4].filter((ch) => !/[A-Z0-9]/.test(ch));
  if (f.last4 === '') e.last4 = t('compose.error.last4Empty');
  else if (bad.length > 0) e.last4 = t('compose.error.last4Letters', { chars: bad.join(' ') });
  else if (f.last4.length !== 4) e.last4 = t('compose.error.last4Length');
  if (f.purpose.trim() === '') e.purpose = t('compose.error.purpose');
  const m = Number(f.minutes);
  if (f.minutes.trim() === '' || !Number.isInteger(m) || m < 1 || m > f.c.maxMinutes) e.minutes = t('compose.error.minutes', { max: f.c.maxMinutes });
  return e;
}

interface Props {
  view: SessionView;
  send: Send;
  client: Pick<KioskClient, 'recordings'>;
  onCatalog(): void;
  onAdmin?: () => void;
  /** PL-4.1: a clerk completes and releases held records too (an administrator has them on the administration screen). */
  onPending?: () => void;
}

export function Compose({ view, send, client, onCatalog, onAdmin, onPending }: Props) {
  const { t, time } = useI18n();
  const c = view.composition;
  const [query, setQuery] = useState(c.case?.signature ?? '');
  const [details, setDetails] = useState<Map<string, RecordingSummary>>(new Map());
  const [name, setName] = useState(c.viewer?.name ?? '');
  const [docType, setDocType] = useState<DocumentType>(c.viewer?.documentType ?? 'id-card');
  const [last4, setLast4] = useState(c.viewer?.documentLast4 ?? '');
  const [purpose, setPurpose] = useState(c.viewer?.purpose ?? '');
  const [minutes, setMinutes] = useState(String(c.minutes ?? Math.min(30, c.maxMinutes)));
  const [problem, setProblem] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);

  // Every viewable case, for the candidates offered as the clerk types.
  const [cases, setCases] = useState<CaseNames[]>([]);
  useEffect(() => {
    let live = true;
    client.recordings().then(
      (rows) => live && setCases(viewableCases(rows)),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [client]);

  // The catalogue's fuller rows (flags, parts, versions) for the recordings core offers.
  const sig = c.case?.signature ?? null;
  useEffect(() => {
    if (!sig) return;
    let live = true;
    client.recordings(sig).then(
      (rows) => live && setDetails(new Map(rows.filter((r) => r.identifier).map((r) => [`${r.identifier!}@${r.version}`, r]))),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [sig, client]);

  const chosen = new Set(c.recordings.map(refKey));
  // A superseded version (PL-3.7) is never ticked by a touch alone: the clerk gives the reason first, and it is logged.
  const [asking, setAsking] = useState<RecordingRef | null>(null);
  const [reason, setReason] = useState('');
  const [reasonMissing, setReasonMissing] = useState(false);
  const sendChoice = (next: Set<string>, why: string | null) => {
    const rows = (c.case?.recordings ?? []).filter((x) => next.has(refKey(x)));
    const list = rows.map((x) => ({ identifier: x.identifier, version: x.version }));
    const superseded = rows.some((x) => x.supersededBy);
    if (list.length > 0) void send({ type: 'compose.recordings', recordings: list, ...(superseded && why ? { supersededReason: why } : {}) });
  };
  const toggle = (r: RecordingChoice) => {
    const next = new Set(chosen);
    if (next.has(refKey(r))) next.delete(refKey(r));
    else if (r.supersededBy) {
      setAsking(r);
      setReasonMissing(false);
      return;
    } else next.add(refKey(r));
    sendChoice(next, c.supersededReason);
  };
  const includeSuperseded = () => {
    if (!asking) return;
    if (reason.trim() === '') {
      setReasonMissing(true);
      return;
    }
    sendChoice(new Set([...chosen, refKey(asking)]), reason.trim());
    setAsking(null);
    setReason('');
  };

  const find = (e: FormEvent) => {
    e.preventDefault();
    if (query.trim()) void send({ type: 'compose.case', query: query.trim() });
  };
  const chooseCase = (signature: string) => {
    setQuery(signature);
    void send({ type: 'compose.case', query: signature });
  };
  const shownCase = c.lookup === 'found' && c.case !== null && caseKey(query) === caseKey(c.case.signature);
  const candidates = shownCase ? [] : caseCandidates(cases, query);

  // A lone current recording is ticked for the clerk (once per case found);
  // a superseded version never is.
  const autoTicked = useRef<string | null>(null);
  useEffect(() => {
    if (!c.case || c.lookup !== 'found' || autoTicked.current === c.case.signature) return;
    autoTicked.current = c.case.signature;
    const current = c.case.recordings.filter((r) => !r.supersededBy);
    if (c.recordings.length === 0 && current.length === 1 && current[0]) {
      void send({ type: 'compose.recordings', recordings: [{ identifier: current[0].identifier, version: current[0].version }] });
    }
  }, [c.case, c.lookup, c.recordings.length, send]);

  // Nothing to hunt for on arrival: the case field has the focus.
  const caseInput = useRef<HTMLInputElement>(null);
  const hadCase = useRef(c.case !== null);
  useEffect(() => {
    if (!hadCase.current) caseInput.current?.focus();
  }, []);

  const minutesNum = Number(minutes);
  const errors = composeErrors({ c, name, last4, purpose, minutes }, t);
  // Letters no one can type in a document's last 4 are said at once, not after submitting.
  const shown: FieldErrors = submitted ? errors : errors.last4 && /[^A-Z0-9]/.test(last4) ? { last4: errors.last4 } : {};
  const summary = useRef<HTMLDivElement>(null);

  const open = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (Object.keys(errors).length > 0) {
      // The error summary takes the focus, as GOV.UK's does, and links to each field.
      window.setTimeout(() => summary.current?.focus(), 0);
      return;
    }
    setProblem(null);
    for (const ev of [
      { type: 'compose.viewer', name: name.trim(), documentType: docType, documentLast4: last4, purpose: purpose.trim() } as const,
      { type: 'compose.time', minutes: minutesNum } as const,
      { type: 'compose.confirm' } as const,
    ]) {
      const out = await send(ev);
      if (!out || out.problem) {
        // Core's words and rule ids are for the log; the clerk reads a translated sentence.
        const rule = out?.problem?.rule;
        setProblem(
          rule === 'session.space-low'
            ? t('compose.spaceLow')
            : rule === 'session.log-alarm'
              ? t('compose.logAlarm')
              : rule === 'session.log-checking'
                ? t('compose.logChecking')
                : t('compose.refused'),
        );
        return;
      }
    }
  };

  const fieldProps = (f: Field) =>
    shown[f] ? { 'aria-invalid': true as const, 'aria-describedby': `err-${f}` } : {};
  const fieldError = (f: Field) =>
    shown[f] ? (
      <span className="field-error" id={`err-${f}`} data-testid={`err-${f}`}>
        <span className="visually-hidden">{t('compose.errors.prefix')} </span>
        {shown[f]}
      </span>
    ) : null;

  const errorList = FIELDS.filter((f) => shown[f]);
  return (
    <main className="compose" data-testid="compose">
      <header className="bar">
        <h1>{t('compose.heading')}</h1>
        {/* The role in the screen's language, never a name carrying a role word from another language. */}
        <span className="sub">
          {t('compose.signedIn', { name: view.clerk?.name ?? '' })}
          {view.clerk ? ` (${t(view.clerk.role === 'admin' ? 'admin.role.admin' : 'admin.role.clerk')})` : ''}
        </span>
        <button type="button" onClick={onCatalog} data-testid="compose-catalog">
          {t('compose.catalog')}
        </button>
        {view.clerk?.role === 'clerk' && onPending && (
          <button type="button" onClick={onPending} data-testid="clerk-pending">
            {t('admin.pending.heading')}
          </button>
        )}
        {view.clerk?.role === 'admin' && onAdmin && (
          <button type="button" onClick={onAdmin} data-testid="compose-admin">
            {t('compose.admin')}
          </button>
        )}
        <button type="button" onClick={() => void send({ type: 'clerk.cancel' })} data-testid="compose-signout">
          {t('compose.signOut')}
        </button>
      </header>

      {submitted && errorList.length > 0 && (
        <div className="error-summary" role="alert" aria-labelledby="err-sum-h" tabIndex={-1} ref={summary} data-testid="error-summary">
          <h2 id="err-sum-h">{t('compose.errors.heading')}</h2>
          <ul>
            {errorList.map((f) => (
              <li key={f}>
                <a href={`#f-${f}`} onClick={(e) => { e.preventDefault(); document.getElementById(`f-${f}`)?.focus(); }} data-testid={`err-link-${f}`}>
                  {shown[f]}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}

      <section className="step" aria-labelledby="step-case">
        <h2 id="step-case">{t('compose.case.heading')}</h2>
        <form onSubmit={find} className="row">
          <label className="field grow">
            <span>{t('compose.case.label')}</span>
            {fieldError('case')}
            <input
              ref={caseInput}
              id="f-case"
              data-testid="case-query"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              {...fieldProps('case')}
            />
          </label>
          <button type="submit" data-testid="case-find">
            {t('compose.case.find')}
          </button>
        </form>
        {candidates.length > 0 && (
          <div className="candidates" data-testid="case-candidates">
            <p id="cand-h" className="sub">
              {t('compose.case.candidates')}
            </p>
            <ul className="plain" aria-labelledby="cand-h">
              {candidates.map((k) => (
                <li key={k.signature}>
                  <button type="button" onClick={() => chooseCase(k.signature)} data-testid="case-candidate">
                    {k.signature}
                    {k.caseNumber && k.caseNumber !== k.signature ? ` · ЄУН ${k.caseNumber}` : ''}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
        <p role="status" className="status-line">
          {c.lookup === 'pending' && t('compose.case.pending')}
          {c.lookup === 'not-found' && <span className="error">{t('compose.case.notFound', { q: query })}</span>}
          {c.lookup === 'found' && c.case && (
            <span data-testid="case-found">
              {t('compose.case.found', { sig: c.case.signature })}
              {c.case.caseNumber && c.case.caseNumber !== c.case.signature ? ` · ЄУН ${c.case.caseNumber}` : ''}
            </span>
          )}
        </p>
      </section>

      {c.case && (
        <section className="step" aria-labelledby="step-rec">
          <h2 id="step-rec">{t('compose.recordings.heading')}</h2>
          {fieldError('recordings')}
          <ul className="choices">
            {c.case.recordings.map((r, i) => {
              const d = details.get(refKey(r));
              return (
                <li key={refKey(r)}>
                  <label className="choice" data-testid="recording-choice">
                    <input
                      id={i === 0 ? 'f-recordings' : undefined}
                      type="checkbox"
                      checked={chosen.has(refKey(r))}
                      onChange={() => toggle(r)}
                      aria-label={t('compose.recordings.choose', { id: r.identifier, v: r.version })}
                    />
                    <span className="choice-body">
                      <span className="mono">{r.identifier}</span>
                      <span className="tag">
                        {t('recordings.col.version')} {r.version}
                        {r.version === 0 ? ` (${t('recordings.original')})` : ''}
                      </span>
                      {r.supersededBy ? (
                        <span className="tag warn" data-testid="superseded-tag">
                          {t('compose.recordings.superseded', { v: r.supersededBy.version })}
                        </span>
                      ) : (
                        d?.supersedes && (
                          <span className="tag current" data-testid="current-tag">
                            {t('compose.recordings.current', { v: d.supersedes.version })}
                          </span>
                        )
                      )}
                      {d && d.parts > 1 && <span className="tag">{t('recordings.parts', { n: d.parts })}</span>}
                      {d?.flags.map((f) => {
                        const k = flagKey(f);
                        return (
                          <span key={f} className="tag warn">
                            {k ? t(k) : f}
                          </span>
                        );
                      })}
                      <span className="choice-title">{r.title ?? '—'}</span>
                      <span className="sub mono">
                        {r.date ? time(r.date) : '—'} · {r.durationSec !== null ? formatPlDuration(r.durationSec) : '—'}
                      </span>
                    </span>
                  </label>
                  {asking && refKey(asking) === refKey(r) && (
                    <div className="reason" data-testid="superseded-reason">
                      <label className="field">
                        <span>{t('compose.recordings.reasonLabel')}</span>
                        <span className="hint">{t('compose.recordings.reasonHint')}</span>
                        {reasonMissing && (
                          <span className="field-error" id="err-reason" data-testid="err-reason">
                            {t('compose.recordings.reasonMissing')}
                          </span>
                        )}
                        <input
                          data-testid="superseded-reason-input"
                          value={reason}
                          onChange={(e) => setReason(e.target.value)}
                          maxLength={300}
                          autoComplete="off"
                          aria-invalid={reasonMissing || undefined}
                          aria-describedby={reasonMissing ? 'err-reason' : undefined}
                        />
                      </label>
                      <div className="actions start">
                        <button type="button" onClick={includeSuperseded} data-testid="superseded-include">
                          {t('compose.recordings.include')}
                        </button>
                        <button type="button" onClick={() => setAsking(null)} data-testid="superseded-cancel">
                          {t('pin.cancel')}
                        </button>
                      </div>
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      )}

      <form id="compose-form" onSubmit={(e) => void open(e)} noValidate>
        <section className="step" aria-labelledby="step-viewer">
          <h2 id="step-viewer">{t('compose.viewer.heading')}</h2>
          <p className="sub">{t('compose.viewer.minimised')}</p>
          <div className="grid2">
            <label className="field">
              <span>{t('compose.viewer.name')}</span>
              {fieldError('name')}
              <input id="f-name" data-testid="viewer-name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" maxLength={120} {...fieldProps('name')} />
            </label>
            <label className="field">
              <span>{t('compose.viewer.docType')}</span>
              <select data-testid="viewer-doctype" value={docType} onChange={(e) => setDocType(e.target.value as DocumentType)}>
                {DOCUMENT_TYPES.map((d) => (
                  <option key={d} value={d}>
                    {t(`doc.${d}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t('compose.viewer.docLast4')}</span>
              <span className="hint" id="hint-last4">{t('compose.viewer.docLast4Hint')}</span>
              {fieldError('last4')}
              <input
                id="f-last4"
                data-testid="viewer-last4"
                value={last4}
                // Cyrillic look-alikes become the Latin letters they look like; anything else stays, and is named in the error.
                onChange={(e) => setLast4(latinLookalikes(e.target.value.replace(/\s+/g, '')).slice(0, 4))}
                autoComplete="off"
                spellCheck={false}
                maxLength={4}
                {...fieldProps('last4')}
                aria-describedby={shown.last4 ? 'hint-last4 err-last4' : 'hint-last4'}
              />
            </label>
            <label className="field">
              <span>{t('compose.viewer.purpose')}</span>
              {fieldError('purpose')}
              <input id="f-purpose" data-testid="viewer-purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)} autoComplete="off" maxLength={200} {...fieldProps('purpose')} />
            </label>
          </div>
        </section>
        <section className="step" aria-labelledby="step-time">
          <h2 id="step-time">{t('compose.time.heading')}</h2>
          <label className="field narrow">
            <span>{t('compose.time.label', { max: c.maxMinutes })}</span>
            {fieldError('minutes')}
            <input
              id="f-minutes"
              data-testid="viewer-minutes"
              inputMode="numeric"
              value={minutes}
              onChange={(e) => setMinutes(e.target.value)}
              {...fieldProps('minutes')}
            />
          </label>
        </section>
      </form>
      {/* Always in view, whatever the screen's height: the one action of this screen. */}
      <div className="action-bar">
        <button type="submit" form="compose-form" className="primary" data-testid="compose-confirm">
          {t('compose.confirm')}
        </button>
        {problem && (
          <span className="error" role="alert" data-testid="compose-problem">
            {problem}
          </span>
        )}
      </div>
    </main>
  );
}
