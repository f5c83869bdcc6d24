// The clerk composes a review session: the case (signature or ЄУН), the
// recordings with their PL-3 metadata, versions and conformance flags, the
// viewer (four minimised details) and the time allowed. Core decides whether
// the composition is acceptable; this form only collects it.
import { useEffect, useState, type FormEvent } from 'react';
import type { RecordingSummary } from '../../shared/api-contract';
import { formatPlDate, formatPlDuration } from '../../shared/pl3-format';
import { DOCUMENT_TYPES, type DocumentType, type RecordingRef, type SessionView } from '../../shared/session-contract';
import type { KioskClient } from '../api/client';
import type { Send } from './send';
import { useI18n } from '../i18n/context';
import { flagKey } from '../i18n/flags';

const refKey = (r: RecordingRef) => `${r.identifier}@${r.version}`;


interface Props {
  view: SessionView;
  send: Send;
  client: Pick<KioskClient, 'recordings'>;
  onCatalog(): void;
  onAdmin?: () => void;
}

export function Compose({ view, send, client, onCatalog, onAdmin }: Props) {
  const { t } = useI18n();
  const c = view.composition;
  const [query, setQuery] = useState(c.case?.signature ?? '');
  const [details, setDetails] = useState<Map<string, RecordingSummary>>(new Map());
  const [name, setName] = useState(c.viewer?.name ?? '');
  const [docType, setDocType] = useState<DocumentType>(c.viewer?.documentType ?? 'id-card');
  const [last4, setLast4] = useState(c.viewer?.documentLast4 ?? '');
  const [purpose, setPurpose] = useState(c.viewer?.purpose ?? '');
  const [minutes, setMinutes] = useState(String(c.minutes ?? Math.min(30, c.maxMinutes)));
  const [problem, setProblem] = useState<string | null>(null);

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
  const toggle = (r: RecordingRef) => {
    const next = new Set(chosen);
    if (next.has(refKey(r))) next.delete(refKey(r));
    else next.add(refKey(r));
    const list = (c.case?.recordings ?? []).filter((x) => next.has(refKey(x))).map((x) => ({ identifier: x.identifier, version: x.version }));
    if (list.length > 0) void send({ type: 'compose.recordings', recordings: list });
  };

  const find = (e: FormEvent) => {
    e.preventDefault();
    if (query.trim()) void send({ type: 'compose.case', query: query.trim() });
  };

  const minutesNum = Number(minutes);
  const formReady =
    c.case !== null &&
    c.recordings.length > 0 &&
    name.trim() !== '' &&
    /^[A-Za-z0-9]{4}$/.test(last4) &&
    purpose.trim() !== '' &&
    Number.isInteger(minutesNum) &&
    minutesNum >= 1 &&
    minutesNum <= c.maxMinutes;

  const open = async (e: FormEvent) => {
    e.preventDefault();
    if (!formReady) return;
    setProblem(null);
    for (const ev of [
      { type: 'compose.viewer', name: name.trim(), documentType: docType, documentLast4: last4, purpose: purpose.trim() } as const,
      { type: 'compose.time', minutes: minutesNum } as const,
      { type: 'compose.confirm' } as const,
    ]) {
      const out = await send(ev);
      if (!out || out.problem) {
        // Core's words are for the log; the clerk reads a translated one where there is one.
        const rule = out?.problem?.rule;
        setProblem(
          rule === 'session.space-low'
            ? t('compose.spaceLow')
            : rule === 'session.log-alarm'
              ? t('compose.logAlarm')
              : rule === 'session.log-checking'
                ? t('compose.logChecking')
                : (out?.problem?.message ?? t('error.generic')),
        );
        return;
      }
    }
  };

  return (
    <main className="compose" data-testid="compose">
      <header className="bar">
        <h1>{t('compose.heading')}</h1>
        <span className="sub">{t('compose.signedIn', { name: view.clerk?.name ?? '' })}</span>
        <button type="button" onClick={onCatalog} data-testid="compose-catalog">
          {t('compose.catalog')}
        </button>
        {view.clerk?.role === 'admin' && onAdmin && (
          <button type="button" onClick={onAdmin} data-testid="compose-admin">
            {t('compose.admin')}
          </button>
        )}
        <button type="button" onClick={() => void send({ type: 'clerk.cancel' })} data-testid="compose-signout">
          {t('compose.signOut')}
        </button>
      </header>

      <section className="step" aria-labelledby="step-case">
        <h2 id="step-case">{t('compose.case.heading')}</h2>
        <form onSubmit={find} className="row">
          <label className="field grow">
            <span>{t('compose.case.label')}</span>
            <input data-testid="case-query" value={query} onChange={(e) => setQuery(e.target.value)} autoComplete="off" spellCheck={false} />
          </label>
          <button type="submit" data-testid="case-find">
            {t('compose.case.find')}
          </button>
        </form>
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
          <ul className="choices">
            {c.case.recordings.map((r) => {
              const d = details.get(refKey(r));
              return (
                <li key={refKey(r)}>
                  <label className="choice" data-testid="recording-choice">
                    <input
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
                      {d?.supersedes && <span className="tag">{t('recordings.supersedes', { id: d.supersedes.identifier, v: d.supersedes.version })}</span>}
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
                        {r.date ? formatPlDate(r.date) : '—'} · {r.durationSec !== null ? formatPlDuration(r.durationSec) : '—'}
                      </span>
                    </span>
                  </label>
                </li>
              );
            })}
          </ul>
        </section>
      )}

      <form onSubmit={(e) => void open(e)}>
        <section className="step" aria-labelledby="step-viewer">
          <h2 id="step-viewer">{t('compose.viewer.heading')}</h2>
          <p className="sub">{t('compose.viewer.minimised')}</p>
          <div className="grid2">
            <label className="field">
              <span>{t('compose.viewer.name')}</span>
              <input data-testid="viewer-name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" maxLength={120} />
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
              <input
                data-testid="viewer-last4"
                value={last4}
                onChange={(e) => setLast4(e.target.value.replace(/[^A-Za-z0-9]/g, '').slice(0, 4).toUpperCase())}
                autoComplete="off"
                spellCheck={false}
                maxLength={4}
              />
            </label>
            <label className="field">
              <span>{t('compose.viewer.purpose')}</span>
              <input data-testid="viewer-purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)} autoComplete="off" maxLength={200} />
            </label>
          </div>
        </section>
        <section className="step" aria-labelledby="step-time">
          <h2 id="step-time">{t('compose.time.heading')}</h2>
          <label className="field narrow">
            <span>{t('compose.time.label', { max: c.maxMinutes })}</span>
            <input
              data-testid="viewer-minutes"
              type="number"
              min={1}
              max={c.maxMinutes}
              step={1}
              value={minutes}
              onChange={(e) => setMinutes(e.target.value)}
            />
          </label>
        </section>
        <div className="actions">
          <button type="submit" className="primary" disabled={!formReady} data-testid="compose-confirm">
            {t('compose.confirm')}
          </button>
          {!formReady && <span className="sub">{t('compose.incomplete')}</span>}
          {problem && (
            <span className="error" role="alert">
              {problem}
            </span>
          )}
        </div>
      </form>
    </main>
  );
}
