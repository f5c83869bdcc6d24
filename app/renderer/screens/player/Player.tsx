// The viewer's player. hls.js plays the session's recordings from the media
// handler, every request carrying the session's capability in a header (the
// captions too: fetched with it and shown through blob: URLs); every play, pause, seek, rate change and
// stretch of progress goes to core's session machine, and so to the viewing
// log. Nothing here can copy, download or cast the picture.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import Hls from 'hls.js';
import type { KioskInfo } from '../../../shared/api-contract';
import type { Language } from '../../../shared/i18n';
import type { MediaAttachment, MediaManifest, MediaRecording } from '../../../shared/media-contract';
import { PLAYBACK_RATES, type RecordingRef, type SessionView } from '../../../shared/session-contract';
import type { KioskClient } from '../../api/client';
import { createHls, mediaBlobUrl } from '../../player/hls-setup';
import { useI18n } from '../../i18n/context';
import { formatNumber } from '../../../shared/i18n/format';
import type { Send } from '../send';
import { Watermark } from './Watermark';
import { SeekBar } from './SeekBar';
import { MetadataPanel } from './MetadataPanel';
import { DocumentViewer } from './DocumentViewer';
import { ClerkEnd } from './ClerkEnd';
import { EndViewing } from './EndViewing';
import { TimeLeft } from './TimeLeft';
import { useCountdown } from '../use-now';
import { clock, mediaCapabilityOf, sessionIdOf } from './format';
import { LanguageSwitch } from '../LanguageSwitch';

/** Progress reports while playing: well inside the machine's 10 s step limit even at 2x. */
const PROGRESS_EVERY_MS = 1000;
const SKIP_SEC = 10;

type LoadState = 'loading' | 'ready' | 'refused' | 'error';

interface Props {
  info: KioskInfo;
  view: SessionView;
  send: Send;
  client: Pick<KioskClient, 'manifest'>;
  lang: Language;
  onLang(l: Language): void;
}

const sameRef = (a: RecordingRef | null, b: RecordingRef | null) => !!a && !!b && a.identifier === b.identifier && a.version === b.version;

export function Player({ info, view, send, client, onLang }: Props) {
  const { t, time, lang } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const hls = useRef<Hls | null>(null);
  const [manifest, setManifest] = useState<MediaManifest | null>(null);
  const [load, setLoad] = useState<LoadState>('loading');
  /** The document being read (the protocol), over the player; null while watching. */
  const [reading, setReading] = useState<(MediaAttachment & { document: string }) | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  const [position, setPosition] = useState(0);
  const [volume, setVolume] = useState(1);
  const [captions, setCaptions] = useState(false);
  /** Captions URL → blob: URL of its fetched cues, for the <track>s. */
  const [captionBlobs, setCaptionBlobs] = useState<ReadonlyMap<string, string>>(new Map());
  // Seconds left as the kiosk says them, counted on from each view on this page's monotonic clock.
  const remainingMs = useCountdown(view.playback.remainingSec, view);
  const playingRef = useRef(false);
  const capability = mediaCapabilityOf(view);
  const current = view.playback.current;
  const rec: MediaRecording | null = manifest?.recordings.find((r) => sameRef(r, current)) ?? null;
  const status = view.playback.status;

  useEffect(() => {
    if (!capability) return;
    let live = true;
    client.manifest(capability).then(
      (m) => live && setManifest(m),
      () => live && setLoad('error'),
    );
    return () => {
      live = false;
    };
  }, [capability, client]);

  // One hls.js instance per chosen recording; torn down when the viewer switches or the session ends.
  useEffect(() => {
    const el = video.current;
    if (!el || !rec || !capability) return;
    setLoad('loading');
    setPosition(0);
    const h = createHls(capability);
    if (!h) {
      setLoad('error');
      return;
    }
    hls.current = h;
    h.on(Hls.Events.MANIFEST_PARSED, () => setLoad('ready'));
    h.on(Hls.Events.ERROR, (_e, data) => {
      if (!data.fatal) return;
      // The handler answers a failed authenticated read with an error and no bytes; core ends the session.
      const code = data.response?.code ?? 0;
      setLoad(code >= 500 || code === 409 ? 'refused' : 'error');
      h.stopLoad();
    });
    h.loadSource(rec.playlist);
    h.attachMedia(el);
    return () => {
      h.destroy();
      hls.current = null;
    };
  }, [rec, capability]);

  // The recording's WebVTT captions, fetched with the capability header (a
  // <track src> cannot send one) and shown from blob: URLs, revoked with the track.
  useEffect(() => {
    if (!rec || !capability || rec.captions.length === 0) return;
    let live = true;
    const made: string[] = [];
    void Promise.all(
      rec.captions.map(async (c) => {
        try {
          const blob = await mediaBlobUrl(c.url, capability);
          made.push(blob);
          return [c.url, blob] as const;
        } catch {
          return null; // a recording still plays without its captions
        }
      }),
    ).then((pairs) => {
      if (live) setCaptionBlobs(new Map(pairs.filter((p) => p !== null)));
      else for (const u of made) URL.revokeObjectURL(u);
    });
    return () => {
      live = false;
      setCaptionBlobs(new Map());
      for (const u of made) URL.revokeObjectURL(u);
    };
  }, [rec, capability]);

  // A document belongs to its recording: choosing another closes it.
  useEffect(() => setReading(null), [rec]);

  // Position for the seek bar, and progress for the log while playing.
  useEffect(() => {
    const el = video.current;
    if (!el) return;
    let lastSent = 0;
    const onTime = () => {
      setPosition(el.currentTime);
      const n = performance.now();
      if (playingRef.current && n - lastSent >= PROGRESS_EVERY_MS) {
        lastSent = n;
        void send({ type: 'media.progress', mediaTime: el.currentTime });
      }
    };
    const onWaiting = () => {
      if (playingRef.current && !el.seeking) void send({ type: 'media.buffering', mediaTime: el.currentTime });
    };
    const onPlaying = () => {
      if (playingRef.current) void send({ type: 'media.resumed', mediaTime: el.currentTime });
    };
    const onEnded = () => {
      playingRef.current = false;
      void send({ type: 'media.ended', mediaTime: el.currentTime });
    };
    el.addEventListener('timeupdate', onTime);
    el.addEventListener('waiting', onWaiting);
    el.addEventListener('playing', onPlaying);
    el.addEventListener('ended', onEnded);
    return () => {
      el.removeEventListener('timeupdate', onTime);
      el.removeEventListener('waiting', onWaiting);
      el.removeEventListener('playing', onPlaying);
      el.removeEventListener('ended', onEnded);
    };
  }, [send]);

  // Captions: the single WebVTT track follows the toggle.
  useEffect(() => {
    const el = video.current;
    if (!el) return;
    for (const track of Array.from(el.textTracks)) track.mode = captions ? 'showing' : 'disabled';
  }, [captions, rec, load, captionBlobs]);

  const play = useCallback(async () => {
    const el = video.current;
    if (!el || load !== 'ready') return;
    const out = await send({ type: 'viewer.play', mediaTime: el.currentTime });
    if (!out || out.problem) return;
    playingRef.current = true;
    el.play().catch(() => setLoad('error'));
  }, [send, load]);

  const pause = useCallback(async () => {
    const el = video.current;
    if (!el) return;
    playingRef.current = false;
    el.pause();
    await send({ type: 'viewer.pause', mediaTime: el.currentTime });
  }, [send]);

  const seek = useCallback(
    (to: number) => {
      const el = video.current;
      if (!el) return;
      const max = rec?.timeline.durationSec ?? el.duration;
      const target = Math.max(0, Math.min(Number.isFinite(max) ? max - 0.1 : to, to));
      void send({ type: 'viewer.seek', mediaTime: target });
      el.currentTime = target;
      setPosition(target);
    },
    [send, rec],
  );

  const setRate = useCallback(
    (rate: number) => {
      const el = video.current;
      if (el) el.playbackRate = rate;
      void send({ type: 'viewer.rate', rate });
    },
    [send],
  );

  const stepRate = (dir: 1 | -1) => {
    const i = PLAYBACK_RATES.indexOf(view.playback.rate as (typeof PLAYBACK_RATES)[number]);
    const next = PLAYBACK_RATES[Math.max(0, Math.min(PLAYBACK_RATES.length - 1, (i < 0 ? 2 : i) + dir))];
    if (next !== undefined) setRate(next);
  };

  const changeVolume = (v: number) => {
    const clamped = Math.max(0, Math.min(1, v));
    setVolume(clamped);
    if (video.current) video.current.volume = clamped;
  };

  // Keyboard shortcuts, so the whole session works without a pointer.
  // A layout effect, so the listener is swapped in the same task as the DOM:
  // status changes arrive from the kiosk (not from an input event), and a
  // passive effect ran after paint, so a key pressed in between acted on the
  // status before (Space after "playing" showed played again instead of
  // pausing: test/e2e/lockdown.test.ts failed so once under CI's load).
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      // A dialog (end viewing, idle warning) has the keyboard while it is open.
      if (document.querySelector('[aria-modal="true"]')) return;
      const tgt = e.target as HTMLElement | null;
      const tag = tgt?.tagName;
      const inText = tag === 'INPUT' && (tgt as HTMLInputElement).type !== 'range' ? true : tag === 'SELECT' || tag === 'TEXTAREA';
      if (inText) return;
      const onSlider = tag === 'INPUT' && (tgt as HTMLInputElement).type === 'range';
      const el = video.current;
      switch (e.key) {
        case ' ':
        case 'k':
          if (tag === 'BUTTON') return; // a focused button answers Space itself
          e.preventDefault();
          void (status === 'playing' || status === 'buffering' ? pause() : play());
          break;
        case 'ArrowLeft':
          if (onSlider || !el) return;
          e.preventDefault();
          seek(el.currentTime - SKIP_SEC);
          break;
        case 'ArrowRight':
          if (onSlider || !el) return;
          e.preventDefault();
          seek(el.currentTime + SKIP_SEC);
          break;
        case 'ArrowUp':
          if (onSlider) return;
          e.preventDefault();
          changeVolume(volume + 0.1);
          break;
        case 'ArrowDown':
          if (onSlider) return;
          e.preventDefault();
          changeVolume(volume - 0.1);
          break;
        case 'c':
          if (rec && rec.captions.length > 0) setCaptions((c) => !c);
          break;
        case '[':
          stepRate(-1);
          break;
        case ']':
          stepRate(1);
          break;
        default:
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const isPlaying = status === 'playing' || status === 'buffering';
  const sessionId = sessionIdOf(view);
  const documents = (rec?.attachments ?? []).filter((a): a is MediaAttachment & { document: string } => a.document !== null);
  const watermark = info.watermark ? { viewerName: view.composition.viewer?.name ?? '', sessionId: sessionId ?? '', deviceId: info.device.id } : null;
  const openDocument = (a: MediaAttachment & { document: string }) => {
    // One thing at a time: the picture pauses while the viewer reads.
    if (isPlaying) void pause();
    setReading(a);
  };
  const supersededBy = (r: RecordingRef) => view.composition.case?.recordings.find((x) => sameRef(x, r))?.supersededBy ?? null;

  return (
    <main className="player" data-testid="player" data-load={load} data-status={status ?? ''}>
      <header className="player-bar">
        <TimeLeft remainingMs={remainingMs} />
        {rec && (
          <span className="verified" data-testid="verified-badge" title={rec.verified.sha256}>
            ✓ {t('player.verified', { hash: rec.verified.sha256.slice(0, 12), at: time(rec.verified.checkedAt).slice(10) })}
          </span>
        )}
        <LanguageSwitch offered={info.languages.offered} onChange={onLang} />
      </header>

      <div className="player-body">
        <section className="stage">
          <div className="video-wrap">
            <video
              ref={video}
              data-testid="video"
              playsInline
              preload="auto"
              controls={false}
              controlsList="nodownload noplaybackrate noremoteplayback nofullscreen"
              disablePictureInPicture
              disableRemotePlayback
              draggable={false}
              onContextMenu={(e) => e.preventDefault()}
              aria-label={rec?.title ?? t('player.loading')}
            >
              {rec?.captions.map((c, i) => {
                const src = captionBlobs.get(c.url);
                return src ? <track key={c.url} kind="subtitles" src={src} srcLang={c.lang ?? undefined} label={c.label} default={i === 0 && captions} /> : null;
              })}
            </video>
            {watermark && <Watermark {...watermark} />}
            {load === 'loading' && <div className="overlay-msg">{t('player.loading')}</div>}
            {(load === 'refused' || load === 'error') && (
              <div className="overlay-msg alert" role="alert" data-testid="player-refused">
                {t(load === 'refused' ? 'player.refused' : 'player.error')}
              </div>
            )}
          </div>

          <div className="controls" role="group" aria-label={rec?.title ?? ''}>
            <SeekBar
              label={t('player.seek')}
              position={position}
              duration={rec?.timeline.durationSec ?? 0}
              parts={rec?.timeline.parts ?? []}
              annotations={rec?.annotations ?? []}
              partLabel={(n) => t('player.part', { n })}
              onSeek={seek}
            />
            <div className="buttons">
              <button type="button" onClick={() => seek(position - SKIP_SEC)} aria-label={t('player.back10')} data-testid="back10">
                ⟲ 10
              </button>
              <button
                type="button"
                className="primary play"
                onClick={() => void (isPlaying ? pause() : play())}
                disabled={load !== 'ready'}
                data-testid="play-pause"
                aria-label={isPlaying ? t('player.pause') : t('player.play')}
              >
                {isPlaying ? '❚❚' : '▶'}
              </button>
              <button type="button" onClick={() => seek(position + SKIP_SEC)} aria-label={t('player.forward10')} data-testid="forward10">
                10 ⟳
              </button>
              <span className="time mono" data-testid="time">
                {clock(position)} / {clock(rec?.timeline.durationSec ?? 0)}
              </span>
              <label className="inline">
                <span>{t('player.speed')}</span>
                <select data-testid="rate" value={String(view.playback.rate)} onChange={(e) => setRate(Number(e.target.value))}>
                  {PLAYBACK_RATES.map((r) => (
                    <option key={r} value={String(r)}>
                      {formatNumber(lang, r)}×
                    </option>
                  ))}
                </select>
              </label>
              <label className="inline">
                <span>{t('player.volume')}</span>
                <input type="range" min={0} max={1} step={0.05} value={volume} onChange={(e) => changeVolume(Number(e.target.value))} data-testid="volume" />
              </label>
              {rec && rec.captions.length > 0 && (
                <button type="button" aria-pressed={captions} onClick={() => setCaptions((c) => !c)} data-testid="captions">
                  {captions ? t('player.captionsOff') : t('player.captionsOn')}
                </button>
              )}
            </div>
            <p className="sub keys">{t('player.keys')}</p>
          </div>
        </section>

        <aside className="side">
          {manifest && manifest.recordings.length > 1 && (
            <section aria-labelledby="rec-h">
              <h2 id="rec-h">{t('player.recordings')}</h2>
              <ul className="plain">
                {manifest.recordings.map((r) => (
                  <li key={`${r.identifier}@${r.version}`}>
                    <button
                      type="button"
                      aria-pressed={sameRef(r, current)}
                      onClick={() => {
                        playingRef.current = false;
                        void send({ type: 'viewer.select', identifier: r.identifier, version: r.version });
                      }}
                      data-testid="select-recording"
                    >
                      {r.title ?? r.identifier} — {t('player.versionOf', { v: r.version })}
                      {supersededBy(r) && ` (${t('player.supersededShort', { v: supersededBy(r)?.version ?? '' })})`}
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section aria-labelledby="ann-h">
            <h2 id="ann-h">{t('player.annotations')}</h2>
            {rec && rec.annotations.length === 0 && <p className="sub">{t('player.noAnnotations')}</p>}
            <ul className="plain">
              {rec?.annotations.map((a) => (
                <li key={`${a.atSec}-${a.text}`}>
                  <button type="button" className="annotation" onClick={() => seek(a.atSec)} data-testid="annotation" aria-label={t('player.jumpTo', { t: clock(a.atSec), text: a.text })}>
                    <span className="mono">{clock(a.atSec)}</span> {a.text}
                  </button>
                </li>
              ))}
            </ul>
          </section>
          {documents.length > 0 && (
            <section aria-labelledby="docs-h">
              <h2 id="docs-h">{t('doc.heading')}</h2>
              <ul className="plain">
                {documents.map((a) => (
                  <li key={a.document}>
                    <button
                      type="button"
                      onClick={(e) => {
                        opener.current = e.currentTarget;
                        openDocument(a);
                      }}
                      data-testid="open-document"
                    >
                      {t('doc.open', { title: a.title ?? a.kind })}
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {rec && <MetadataPanel rec={rec} />}
          <EndViewing send={send} />
          <ClerkEnd view={view} send={send} />
        </aside>
      </div>
      {reading && capability && (
        <DocumentViewer
          doc={reading}
          capability={capability}
          watermark={watermark}
          onClose={() => {
            setReading(null);
            opener.current?.focus();
          }}
        />
      )}
    </main>
  );
}
