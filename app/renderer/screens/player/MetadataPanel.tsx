// PL-3 metadata of the recording in the regulation's formats (§ 3), its
// version, conformance flags and the envelope sheet, read-only.
import type { MediaRecording } from '../../../shared/media-contract';
import { formatPlDuration } from '../../../shared/pl3-format';
import { useI18n } from '../../i18n/context';
import { flagKey } from '../../i18n/flags';


export function MetadataPanel({ rec }: { rec: MediaRecording }) {
  const { t, time } = useI18n();
  return (
    <section aria-labelledby="meta-h" className="meta" data-testid="metadata">
      <h2 id="meta-h">{t('player.metadata')}</h2>
      <dl>
        <dt>{t('meta.identifier')}</dt>
        <dd className="mono">{rec.identifier}</dd>
        <dt>{t('meta.title')}</dt>
        <dd>{rec.title ?? '—'}</dd>
        <dt>{t('meta.date')}</dt>
        <dd className="mono">{rec.date ? time(rec.date) : '—'}</dd>
        <dt>{t('meta.duration')}</dt>
        <dd className="mono">{rec.declaredDurationSec !== null ? formatPlDuration(rec.declaredDurationSec) : '—'}</dd>
        <dt>{t('meta.case')}</dt>
        <dd>
          {rec.case.signature}
          {rec.case.caseNumber && rec.case.caseNumber !== rec.case.signature ? ` · ЄУН ${rec.case.caseNumber}` : ''}
          {rec.case.court && <div className="sub">{rec.case.court}</div>}
        </dd>
        <dt>{t('meta.creator')}</dt>
        <dd>
          {rec.creator.name ?? '—'}
          {rec.creator.court && <div className="sub">{rec.creator.court}</div>}
        </dd>
        <dt>{t('meta.version')}</dt>
        <dd>
          {rec.version} {rec.version === 0 ? `(${t('meta.original')})` : rec.supersedes ? `(${t('meta.supersedes', { id: rec.supersedes.identifier, v: rec.supersedes.version })})` : ''}
        </dd>
        <dt>{t('meta.flags')}</dt>
        <dd>
          {rec.flags.length === 0
            ? t('meta.flagsNone')
            : rec.flags.map((f) => {
                const k = flagKey(f);
                return (
                  <span key={f} className="tag warn">
                    {k ? t(k) : f}
                  </span>
                );
              })}
        </dd>
        {rec.envelopeSheet && (
          <>
            <dt>{t('meta.envelopeSheet')}</dt>
            <dd>{rec.envelopeSheet}</dd>
          </>
        )}
        {rec.attachments.length > 0 && (
          <>
            <dt>{t('meta.attachments')}</dt>
            <dd>{rec.attachments.map((a) => a.title ?? a.kind).join(', ')}</dd>
          </>
        )}
      </dl>
    </section>
  );
}
