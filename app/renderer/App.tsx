// The kiosk's screens. Which screen shows is decided by core's session
// machine (DC-2): the renderer renders the session view it is sent and sends
// back what a person did; it holds no session state of its own beyond what a
// form is being typed into.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { KioskInfo, RecordingSummary } from '../shared/api-contract';
import type { Language } from '../shared/i18n';
import { translate } from '../shared/i18n';
import type { RendererEvent, SessionView } from '../shared/session-contract';
import type { KioskClient, SendOutcome } from './api/client';
import { I18nProvider } from './i18n/context';
import { ROOT_PX, TextSizeContext, type TextSize } from './text-size';
import { COURT_TIME_ZONE } from '../shared/pl3-format';
import { Attract } from './screens/Attract';
import { LanguageSwitch } from './screens/LanguageSwitch';
import { RecordingsList } from './screens/RecordingsList';
import { PinPad } from './screens/PinPad';
import { PasswordPad } from './screens/PasswordPad';
import { Compose } from './screens/Compose';
import { Verifying, Blocked } from './screens/Verification';
import { Handover } from './screens/Handover';
import { Player } from './screens/player/Player';
import { IdleWarning } from './screens/IdleWarning';
import { Summary } from './screens/Summary';
import { AdminScreen } from './screens/admin/AdminScreen';
import { adminOf } from './screens/admin/signed-in-admin';
import { ClerkPending } from './screens/admin/ClerkPending';

/**
 * Clerk-side views that are not session states, beside composing: the
 * catalogue, and for an administrator the administration screen (shown first
 * when an administrator signs in; core opens /api/admin/* only then).
 */
type Aside = { kind: 'none' } | { kind: 'catalog'; recordings: RecordingSummary[] } | { kind: 'admin' } | { kind: 'pending' };

/** At most one activity event per interval: enough to keep the idle timer honest, not a flood. */
const ACTIVITY_EVERY_MS = 5_000;

function initialLanguage(info: KioskInfo): Language {
  const q = new URLSearchParams(window.location.search).get('lang');
  return info.languages.offered.find((l) => l === q) ?? info.languages.default;
}

export function App({ client }: { client: KioskClient }) {
  const [info, setInfo] = useState<KioskInfo | null>(null);
  const [view, setView] = useState<SessionView | null>(null);
  const [failed, setFailed] = useState(false);
  const [lang, setLang] = useState<Language>('pl');
  const [aside, setAside] = useState<Aside>({ kind: 'none' });
  const [textSize, setTextSize] = useState<TextSize>('normal');
  const textSizeValue = useMemo(() => ({ size: textSize, setSize: setTextSize }), [textSize]);
  // Which sign-in pad the authenticating screen shows: the clerk's PIN pad or the administrator's password keyboard.
  const [pad, setPad] = useState<'pin' | 'password'>('pin');
  const lastActivity = useRef(0);

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
    const stop = client.watch(
      (v) => live && setView(v),
      () => undefined,
    );
    return () => {
      live = false;
      stop();
    };
  }, [client]);

  // A new session starts in the kiosk's default language: the previous viewer's choice does not linger.
  const screen = view?.screen;
  useEffect(() => {
    if (screen === 'locked' && info) setLang(initialLanguage(info));
    // The text size is the session's: the next person starts at the standard size.
    if (screen === 'locked') setTextSize('normal');
    if (screen !== 'composing') setAside({ kind: 'none' });
    if (screen !== 'authenticating') setPad('pin');
  }, [screen, info]);
  const admin = adminOf(view);
  const adminId = admin?.id ?? null;
  useEffect(() => {
    if (adminId) setAside({ kind: 'admin' });
  }, [adminId]);

  useEffect(() => {
    document.documentElement.style.fontSize = `${ROOT_PX[textSize]}px`;
    document.documentElement.dataset.textSize = textSize;
  }, [textSize]);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = translate(lang, 'app.title');
  }, [lang]);

  const send = useCallback(
    async (event: RendererEvent): Promise<SendOutcome | null> => {
      try {
        // The view is taken only from core's event stream, which is ordered: a
        // POST's answer can arrive after a newer pushed view (an activity ping
        // racing a sign-out) and must not roll the screen back.
        return await client.send(event);
      } catch {
        setFailed(true);
        return null;
      }
    },
    [client],
  );

  // Any touch or key while a session is open counts as presence (the idle warning's answer).
  useEffect(() => {
    const onActivity = () => {
      if (!view?.accepts.includes('ui.activity')) return;
      const now = Date.now();
      if (now - lastActivity.current < ACTIVITY_EVERY_MS && !view.playback.idleWarning) return;
      lastActivity.current = now;
      void send({ type: 'ui.activity' });
    };
    window.addEventListener('pointerdown', onActivity, true);
    window.addEventListener('keydown', onActivity, true);
    return () => {
      window.removeEventListener('pointerdown', onActivity, true);
      window.removeEventListener('keydown', onActivity, true);
    };
  }, [view, send]);

  if (failed) return <main className="fatal" role="alert">{translate(lang, 'error.offline')}</main>;
  if (!info || !view) return <main className="loading" aria-busy="true" />;
  if (view.fault) return <main className="fatal" role="alert">{translate(lang, 'error.generic')}</main>;

  const openCatalog = () => {
    client.recordings().then(
      (recordings) => setAside({ kind: 'catalog', recordings }),
      () => setFailed(true),
    );
  };

  return (
    <I18nProvider lang={lang} zone={COURT_TIME_ZONE[info.jurisdiction]}>
      <TextSizeContext.Provider value={textSizeValue}>
      <div className={`shell jur-${info.jurisdiction} screen-${view.screen}`} data-screen={view.screen}>
        {view.screen !== 'viewing' && <LanguageSwitch offered={info.languages.offered} onChange={setLang} />}
        {view.screen === 'locked' && <Attract info={info} onClerk={() => void send({ type: 'clerk.begin' })} />}
        {view.screen === 'authenticating' && pad === 'password' && <PasswordPad view={view} send={send} onPin={() => setPad('pin')} />}
        {view.screen === 'authenticating' && pad === 'pin' && (
          <>
            <PinPad view={view} send={send} />
            {/* Administrators sign in with a password on a full keyboard, never on the numeric pad. */}
            <nav className="pad-switch" aria-label={translate(lang, 'password.heading')}>
              <button type="button" onClick={() => setPad('password')} data-testid="pin-password">
                {translate(lang, 'password.open')}
              </button>
            </nav>
          </>
        )}
        {view.screen === 'composing' && aside.kind === 'none' && (
          // In the header, not below the form: the compose screen's action bar stays fixed over the foot of the page.
          <Compose view={view} send={send} client={client} onCatalog={openCatalog} onAdmin={() => setAside({ kind: 'admin' })} onPending={() => setAside({ kind: 'pending' })} />
        )}
        {view.screen === 'composing' && aside.kind === 'pending' && <ClerkPending onBack={() => setAside({ kind: 'none' })} />}
        {view.screen === 'composing' && aside.kind === 'admin' && admin && <AdminScreen admin={admin} onCompose={() => setAside({ kind: 'none' })} />}
        {view.screen === 'composing' && aside.kind === 'catalog' && <RecordingsList recordings={aside.recordings} onBack={() => setAside({ kind: 'none' })} />}
        {view.screen === 'verifying' && <Verifying />}
        {view.screen === 'blocked' && <Blocked view={view} send={send} />}
        {view.screen === 'handover' && <Handover view={view} send={send} lang={lang} />}
        {view.screen === 'viewing' && <Player info={info} view={view} send={send} client={client} lang={lang} onLang={setLang} />}
        {view.screen === 'viewing' && view.playback.idleWarning && <IdleWarning send={send} remainingSec={view.playback.idleRemainingSec} basis={view} />}
        {view.screen === 'ended' && <Summary view={view} send={send} />}
      </div>
      </TextSizeContext.Provider>
    </I18nProvider>
  );
}
