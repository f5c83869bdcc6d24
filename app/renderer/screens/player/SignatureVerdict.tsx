// The signature's verdict in words beside the document (UA-3, UA-4): who
// signed, for which organisation, when, who issued the certificate and for how
// long it is valid, with which algorithm; or why it was not verified, or that
// the document carries no signature. Read from the verdict the kiosk stored
// when it imported the package, never re-decided in the page.
import type { ReactElement } from 'react';
import type { MediaAttachment } from '../../../shared/media-contract';
import { useI18n } from '../../i18n/context';

/** A distinguished name as the kiosk writes it ("CN=…, O=…, C=UA") → its parts by attribute. */
export function nameParts(dn: string): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const m of dn.matchAll(/(?:^|,\s*)([A-Za-z0-9.]+)=((?:[^,]|,(?!\s*[A-Za-z0-9.]+=))*)/g)) {
    if (!out.has(m[1]!)) out.set(m[1]!, m[2]!.trim());
  }
  return out;
}

/** The person's name from a certificate subject: its CN, else given name and surname, else the whole subject. */
export function personOf(dn: string): string {
  const p = nameParts(dn);
  return p.get('CN') ?? ([p.get('GN'), p.get('SN')].filter(Boolean).join(' ') || dn);
}

export function SignatureVerdictPanel({ doc }: { doc: MediaAttachment }) {
  const { t, time } = useI18n();
  const v = doc.signature;
  let body: ReactElement;
  if (!doc.signed) {
    body = (
      <p className="verdict warn" data-testid="sig-verdict" data-verdict="unsigned">
        {t('sig.unsigned')}
      </p>
    );
  } else if (!v || !v.ok) {
    body = (
      <p className="verdict bad" data-testid="sig-verdict" data-verdict="not-verified">
        ✗ {t('sig.notVerified', { why: v && !v.ok ? v.message : '—' })}
      </p>
    );
  } else {
    const org = nameParts(v.signer).get('O') ?? null;
    body = (
      <>
        <p className="verdict ok" data-testid="sig-verdict" data-verdict="verified">
          ✓ {t('sig.verified')}
        </p>
        <dl className="meta">
          <dt>{t('sig.signer')}</dt>
          <dd data-testid="sig-signer">{personOf(v.signer)}</dd>
          {org && (
            <>
              <dt>{t('sig.organisation')}</dt>
              <dd>{org}</dd>
            </>
          )}
          <dt>{t('sig.time')}</dt>
          <dd>{v.signingTime ? time(v.signingTime) : t('sig.timeUnknown')}</dd>
          {v.issuer && (
            <>
              <dt>{t('sig.issuer')}</dt>
              <dd>{personOf(v.issuer)}</dd>
            </>
          )}
          {v.validFrom && v.validTo && (
            <>
              <dt>{t('sig.validity')}</dt>
              <dd>
                {time(v.validFrom).slice(0, 10)} – {time(v.validTo).slice(0, 10)}
              </dd>
            </>
          )}
          {v.algorithm && (
            <>
              <dt>{t('sig.algorithm')}</dt>
              <dd>{v.algorithm}</dd>
            </>
          )}
        </dl>
      </>
    );
  }
  return (
    <section aria-labelledby="sig-h" data-testid="sig-panel">
      <h3 id="sig-h">{t('sig.heading')}</h3>
      {body}
    </section>
  );
}
