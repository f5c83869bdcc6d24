// What a printed viewing report says, in one language, as plain strings in
// sections. The HTML and the PDF are both drawn from this, so the two can
// never disagree on content; they differ only in layout.
import type { Language } from '../../shared/i18n/languages';
import { translateReport, type ReportMessageKey } from '../../shared/i18n/report-messages';
import { COURT_TIME_ZONE, formatCourtTime, formatPlDuration, parsePlDuration } from '../../shared/pl3-format';
import { formatRanges, seenSeconds } from '../../shared/played-ranges';
import type { LogEntry } from '../viewing-log';
import type { ViewingReport } from './viewing-report';

export type DocSection =
  | { readonly kind: 'facts'; readonly title: string; readonly rows: ReadonlyArray<readonly [string, string]> }
  | {
      readonly kind: 'table';
      readonly title: string;
      readonly columns: readonly string[];
      /** Relative column widths, for the PDF. */
      readonly widths: readonly number[];
      readonly rows: ReadonlyArray<readonly string[]>;
      /** Columns set in monospace (identifiers, hashes, times). */
      readonly mono?: readonly number[];
      /** Columns never broken inside a value (times, durations): a date must not wrap over lines. */
      readonly nowrap?: readonly number[];
    };

export interface ReportDocument {
  readonly lang: Language;
  readonly title: string;
  readonly subtitle: string;
  readonly header: ReadonlyArray<readonly [string, string]>;
  readonly sections: readonly DocSection[];
  readonly appendix: {
    readonly title: string;
    readonly intro: string;
    readonly blocks: ReadonlyArray<readonly [string, string]>;
  };
}

/** A log time (ISO, UTC, with milliseconds) in the court's local time, PL-3.4 display form (the zone is named in the heading). */
export function plTime(iso: string, timeZone: string = COURT_TIME_ZONE.PL): string {
  return formatCourtTime(iso, timeZone);
}


export function reportDocument(report: ViewingReport, lang: Language, timeZone: string = COURT_TIME_ZONE.PL): ReportDocument {
  const time = (iso: string): string => plTime(iso, timeZone);
  const t = (key: ReportMessageKey, params: Record<string, string | number> = {}): string => translateReport(lang, key, params);
  const none = t('report.none');
  const or = (s: string | null | undefined): string => (s === null || s === undefined || s === '' ? none : s);
  const oneOf = (prefix: 'end' | 'doc', v: string | null): string => {
    if (v === null) return none;
    const key = `${prefix}.${v}`;
    return isKey(key) ? t(key) : v;
  };
  // Numbers in the report's language (129,1 in pl and uk; 129.1 in en).
  const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  const durationOf = (id: unknown, ver: unknown): number | null => {
    const r = report.recordings.find((x) => x.identifier === id && x.version === ver);
    return r?.duration ? parsePlDuration(r.duration) : null;
  };
  const version = (v: number): string => (v === 0 ? `0 (${t('rec.original')})` : String(v));
  const s = report.session;
  const v = s.viewer;

  const document =
    v.documentType === null && v.documentLast4 === null
      ? none
      : t('session.documentValue', { type: oneOf('doc', v.documentType), last4: or(v.documentLast4) });

  // A Ukrainian case (it has a ЄУН) is named as its court names it (UA-5): the ЄУН in its own row,
  // the proceedings number in the next (a dash when the case has none), and a signature
  // only when it is something other than the ЄУН. A Polish case has its sygnatura akt.
  const c = report.case;
  const caseRows: Array<[string, string]> = [];
  if (c.caseNumber !== null) {
    caseRows.push([t('case.number'), c.caseNumber], [t('case.proceedings'), or(c.proceedingsNumber)]);
    if (c.signature !== null && c.signature !== c.caseNumber) caseRows.push([t('case.signature'), c.signature]);
  } else {
    caseRows.push([t('case.signature'), or(c.signature)]);
  }

  // A wall clock set back mid-session (a clock.stepBack entry): every time
  // read after it that is earlier than one before it is marked, so a session
  // that seems to close before it opened says why.
  const steps = report.entries.filter((e) => e.type === 'clock.stepBack');
  const mark = t('clock.mark');
  const affected = new Set<number>();
  let latest = '';
  for (const e of report.entries) {
    if (e.time < latest) affected.add(e.seq);
    else latest = e.time;
  }
  const timeOf = (iso: string, marked: boolean): string => (marked ? `${time(iso)} ${mark}` : time(iso));
  const closedEntry = report.entries.find((e) => e.type === 'session.closed');

  const sessionRows: Array<[string, string]> = [
    [t('session.viewer'), or(v.name)],
    [t('session.document'), document],
    [t('session.purpose'), or(v.purpose)],
    [t('session.clerk'), s.clerk.name !== null ? `${s.clerk.name}${s.clerk.id !== null ? ` (${s.clerk.id})` : ''}` : or(s.clerk.id)],
    [t('session.opened'), time(s.opened)],
    [t('session.closed'), s.closed !== null ? timeOf(s.closed, closedEntry !== undefined && affected.has(closedEntry.seq)) : t('session.notClosed')],
    ...steps.map((e): [string, string] => [
      t('session.clock'),
      t('session.clockSetBack', { from: time(String(e.data.previous)), to: time(String(e.data.now)), mark }),
    ]),
    [t('session.endReason'), oneOf('end', s.endReason) + (s.endProblem ? ` — ${s.endProblem}` : '')],
    [t('session.minutesAllowed'), s.minutesAllowed !== null ? t('session.minutes', { n: s.minutesAllowed }) : none],
    [t('session.id'), s.id],
  ];
  // PL-3.7: a superseded version was shown, and the clerk's reason for it.
  const why = report.entries.find((e) => e.type === 'session.opened')?.data.supersededReason;
  if (typeof why === 'string' && why !== '') sessionRows.push([t('session.supersededReason'), why]);

  const recordings: DocSection = {
    kind: 'table',
    title: t('section.recordings'),
    columns: [t('rec.identifier'), t('rec.version'), t('rec.title'), t('rec.date'), t('rec.duration'), t('rec.sha256')],
    widths: [2.2, 1.4, 4.4, 2.4, 1.2, 2.2],
    mono: [0, 3, 4, 5],
    nowrap: [3, 4],
    rows: report.recordings.map((r) => [r.identifier, version(r.version), or(r.title), r.date !== null ? time(r.date) : none, or(r.duration), r.sha256 ?? t('rec.notVerified')]),
  };

  // The protocols filed with the recordings, under the title they came with (UA-6), untranslated.
  const protocolRows = report.recordings.flatMap((r) => (r.protocols ?? []).map((p): [string, string] => [`${r.identifier} v${r.version}`, or(p.title)]));
  const protocols: DocSection[] = protocolRows.length > 0 ? [{ kind: 'facts', title: t('section.protocols'), rows: protocolRows }] : [];

  // What was seen (DC-6): played ranges from the player. Whole seconds,
  // merged where they meet, never past the recording's end (the JSON keeps the exact ranges).
  const played: DocSection = {
    kind: 'table',
    title: t('section.played'),
    columns: [t('played.recording'), t('played.ranges'), t('played.seconds')],
    widths: [3, 5, 2],
    mono: [0, 1, 2],
    nowrap: [2],
    rows: report.recordings.map((r) => {
      const duration = durationOf(r.identifier, r.version);
      const ranges = formatRanges(r.played.ranges, duration);
      return [`${r.identifier} v${r.version}`, ranges !== '' ? ranges : t('played.nothing'), number.format(seenSeconds(r.played.ranges, duration))];
    }),
  };

  // Beside it, what left the kiosk: ranges and bytes the media route served to the player (a table of its own, so neither wraps).
  const served: DocSection = {
    kind: 'table',
    title: t('section.served'),
    columns: [t('played.recording'), t('served.ranges'), t('served.seconds'), t('served.bytes')],
    widths: [3, 4, 1.5, 1.5],
    mono: [0, 1, 2, 3],
    nowrap: [2, 3],
    rows: report.recordings.map((r) => {
      const ranges = formatRanges(r.served.ranges, durationOf(r.identifier, r.version));
      return [`${r.identifier} v${r.version}`, ranges !== '' ? ranges : none, number.format(r.served.seconds), String(r.served.bytes)];
    }),
  };

  const entries: DocSection = {
    kind: 'table',
    title: t('section.entries'),
    columns: [t('entry.seq'), t('entry.time'), t('entry.event'), t('entry.details')],
    widths: [0.8, 2.4, 2.2, 4.6],
    mono: [0, 1],
    nowrap: [0, 1],
    rows: report.entries.map((e) => [String(e.seq), timeOf(e.time, affected.has(e.seq)), eventName(e, t), details(e, t, durationOf(e.data.identifier, e.data.version), number, time)]),
  };

  return {
    lang,
    title: t('report.title'),
    subtitle: t('report.subtitle'),
    header: [
      [t('report.organisation'), report.organisation.name],
      [t('report.device'), `${report.device.name} (${report.device.id})`],
      [t('report.generated'), time(report.generated)],
      // The zone, once: every time in the report is local court time.
      [t('report.timeZone'), t('report.timeZoneValue', { zone: timeZone })],
    ],
    sections: [
      { kind: 'facts', title: t('section.case'), rows: caseRows },
      { kind: 'facts', title: t('section.session'), rows: sessionRows },
      recordings,
      ...protocols,
      played,
      served,
      entries,
    ],
    appendix: {
      title: t('section.appendix'),
      intro: t('appendix.intro'),
      blocks: [
        [t('appendix.checkpoint'), report.checkpoint.trimEnd()],
        [t('appendix.signature'), report.signature],
        [t('appendix.publicKey'), report.publicKeyPem.trimEnd()],
      ],
    },
  };
}

function isKey(k: string): k is ReportMessageKey {
  return k in KEYS;
}
const KEYS: Record<string, true> = Object.fromEntries(
  (
    [
      'end.viewer', 'end.clerk', 'end.idle', 'end.time-limit', 'end.integrity', 'end.carrier', 'end.interrupted',
      'doc.id-card', 'doc.passport', 'doc.residence-permit', 'doc.driving-licence', 'doc.other',
      'event.session.opened', 'event.session.closed', 'event.integrity.verdict', 'event.playback.play', 'event.playback.pause',
      'event.playback.seek', 'event.playback.rate', 'event.playback.select', 'event.playback.ranges', 'event.media.served', 'event.document.served', 'event.clock.stepBack',
    ] satisfies ReportMessageKey[]
  ).map((k) => [k, true]),
);

type T = (key: ReportMessageKey, params?: Record<string, string | number>) => string;

function eventName(e: LogEntry, t: T): string {
  const key = `event.${e.type}`;
  if (isKey(key)) return t(key);
  if (e.type.startsWith('auth.')) return `${t('event.auth')} (${e.type})`;
  return e.type;
}

const at = (x: unknown): string | null => (typeof x === 'number' && Number.isFinite(x) ? formatPlDuration(Math.floor(x)) : null);

/** A short, factual line per entry; the full data is in the JSON report. */
function details(e: LogEntry, t: T, duration: number | null, number: Intl.NumberFormat, time: (iso: string) => string): string {
  const d = e.data;
  // A position is never shown past the recording's end (a player may report a fraction beyond it).
  const mmss = (x: unknown): string | null => at(typeof x === 'number' && duration !== null ? Math.min(x, duration) : x);
  const rec = typeof d.identifier === 'string' ? `${d.identifier} v${String(d.version)}` : null;
  const parts: string[] = [];
  switch (e.type) {
    case 'session.opened':
      if (typeof d.minutesAllowed === 'number') parts.push(t('session.minutes', { n: d.minutesAllowed }));
      break;
    case 'session.closed':
      if (typeof d.reason === 'string') {
        const key = `end.${d.reason}`;
        parts.push(isKey(key) ? t(key) : d.reason);
      }
      if (typeof d.problem === 'string') parts.push(d.problem);
      break;
    case 'integrity.verdict':
      if (rec) parts.push(rec);
      parts.push(d.ok === true ? t('detail.ok') : t('detail.failed'));
      if (typeof d.problem === 'string') parts.push(d.problem);
      break;
    case 'playback.seek': {
      if (rec) parts.push(rec);
      const from = mmss(d.from);
      const to = mmss(d.to);
      if (from !== null && to !== null) parts.push(`${from} → ${to}`);
      break;
    }
    case 'playback.ranges':
      if (rec) parts.push(rec);
      parts.push(rangesText(d.ranges, duration));
      break;
    case 'media.served':
      if (rec) parts.push(rec);
      parts.push(rangesText(d.ranges, duration));
      if (typeof d.bytes === 'number') parts.push(`${d.bytes} B`);
      break;
    case 'document.served':
      if (rec) parts.push(rec);
      if (typeof d.title === 'string' || typeof d.name === 'string') parts.push(String(d.title ?? d.name));
      if (typeof d.bytes === 'number') parts.push(`${d.bytes} B`);
      break;
    case 'playback.rate': {
      // Every speed is said, 1× included (a change back to normal speed left the cell empty).
      if (rec) parts.push(rec);
      const at = mmss(d.mediaTime);
      if (at !== null) parts.push(at);
      if (typeof d.rate === 'number') parts.push(t('detail.rate', { rate: number.format(d.rate) }));
      break;
    }
    case 'clock.stepBack':
      parts.push(`${time(String(d.previous))} → ${time(String(d.now))}`);
      break;
    default: {
      if (rec) parts.push(rec);
      const at = mmss(d.mediaTime);
      if (at !== null) parts.push(at);
      if (typeof d.rate === 'number' && d.rate !== 1) parts.push(t('detail.rate', { rate: number.format(d.rate) }));
    }
  }
  return parts.join(', ');
}

function rangesText(x: unknown, duration: number | null): string {
  if (!Array.isArray(x)) return '';
  return formatRanges(
    x.filter((r): r is [number, number] => Array.isArray(r) && typeof r[0] === 'number' && typeof r[1] === 'number'),
    duration,
  );
}
