// The catalogued recordings, as a clerk sees them when composing a session:
// PL-3 metadata in the regulation's formats, versions and conformance flags.
import type { RecordingSummary } from '../../shared/api-contract';
import { formatPlDuration } from '../../shared/pl3-format';
import { useI18n } from '../i18n/context';
import { flagKey } from '../i18n/flags';


export function RecordingsList({ recordings, onBack }: { recordings: readonly RecordingSummary[]; onBack(): void }) {
  const { t, time } = useI18n();
  return (
    <main className="recordings" data-testid="recordings">
      <header className="bar">
        <button type="button" onClick={onBack}>
          {t('common.back')}
        </button>
        <h1>{t('recordings.heading')}</h1>
        <span className="count">{t('recordings.count', { n: recordings.length })}</span>
      </header>
      {recordings.length === 0 ? (
        <p>{t('recordings.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('recordings.col.identifier')}</th>
              <th scope="col">{t('recordings.col.title')}</th>
              <th scope="col">{t('recordings.col.case')}</th>
              <th scope="col">{t('recordings.col.date')}</th>
              <th scope="col">{t('recordings.col.duration')}</th>
              <th scope="col">{t('recordings.col.version')}</th>
              <th scope="col">{t('recordings.col.status')}</th>
            </tr>
          </thead>
          <tbody>
            {recordings.map((r) => (
              <tr key={`${r.identifier ?? '?'}-${r.version}-${r.case.signature}`} data-testid="recording-row">
                <td className="mono">{r.identifier ?? '—'}</td>
                <td>
                  {r.title ?? '—'}
                  {r.parts > 1 && <span className="tag">{t('recordings.parts', { n: r.parts })}</span>}
                  {r.flags.map((f) => {
                    const k = flagKey(f);
                    return (
                      <span key={f} className="tag warn">
                        {k ? t(k) : f}
                      </span>
                    );
                  })}
                </td>
                <td>
                  {r.case.signature}
                  {r.case.caseNumber && r.case.caseNumber !== r.case.signature && <div className="sub">ЄУН {r.case.caseNumber}</div>}
                </td>
                <td className="mono">{r.date ? time(r.date) : '—'}</td>
                <td className="mono">{r.durationSec !== null ? formatPlDuration(r.durationSec) : '—'}</td>
                <td>
                  {r.version}
                  {r.version === 0 ? (
                    <span className="sub"> ({t('recordings.original')})</span>
                  ) : (
                    r.supersedes && <div className="sub">{t('recordings.supersedes', { id: r.supersedes.identifier, v: r.supersedes.version })}</div>
                  )}
                </td>
                <td>{t(`status.${r.status}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
