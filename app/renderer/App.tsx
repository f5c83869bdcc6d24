// The kiosk's screens. Navigation here is view state only; what may happen in
// a review session is decided by core's session machine (DC-2).
import { useEffect, useState } from 'react';
import type { KioskInfo, RecordingSummary } from '../shared/api-contract';
import type { Language } from '../shared/i18n';
import { translate } from '../shared/i18n';
import type { KioskClient } from './api/client';
import { I18nProvider } from './i18n/context';
import { Attract } from './screens/Attract';
import { LanguageSwitch } from './screens/LanguageSwitch';
import { RecordingsList } from './screens/RecordingsList';
// --- admin screen (issues 7, 9; branch `admin`) ---
import { AdminScreen } from './screens/admin/AdminScreen';
import { useAdminSignedIn } from './screens/admin/useAdminSignedIn';
// --- end admin screen ---

type View = { kind: 'attract' } | { kind: 'recordings'; recordings: RecordingSummary[] };

function initialLanguage(info: KioskInfo): Language {
  const q = new URLSearchParams(window.location.search).get('lang');
  return info.languages.offered.find((l) => l === q) ?? info.languages.default;
}

export function App({ client }: { client: KioskClient }) {
  const [info, setInfo] = useState<KioskInfo | null>(null);
  const [failed, setFailed] = useState(false);
  const [lang, setLang] = useState<Language>('pl');
  const [view, setView] = useState<View>({ kind: 'attract' });
  // --- admin screen (issues 7, 9; branch `admin`): an administrator signed in replaces the other screens ---
  const admin = useAdminSignedIn();
  // --- end admin screen ---

  useEffect(() => {
    let live = true;
    client.info().then(
      (i) => {
        if (!live) return;
        setInfo(i);
        setLang(initialLanguage(i));
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [client]);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = translate(lang, 'app.title');
  }, [lang]);

  if (failed) return <main className="fatal" role="alert">{translate(lang, 'error.offline')}</main>;
  if (!info) return <main className="loading" aria-busy="true" />;

  const openRecordings = () => {
    client.recordings().then(
      (recordings) => setView({ kind: 'recordings', recordings }),
      () => setFailed(true),
    );
  };

  return (
    <I18nProvider lang={lang}>
      <div className={`shell jur-${info.jurisdiction}`}>
        <LanguageSwitch offered={info.languages.offered} onChange={setLang} />
        {/* --- admin screen (issues 7, 9; branch `admin`) --- */}
        {admin && <AdminScreen admin={admin} />}
        {/* --- end admin screen --- */}
        {!admin && view.kind === 'attract' && <Attract info={info} onClerk={openRecordings} />}
        {!admin && view.kind === 'recordings' && <RecordingsList recordings={view.recordings} onBack={() => setView({ kind: 'attract' })} />}
      </div>
    </I18nProvider>
  );
}
