// What a printed viewing report says, in one language, as plain strings in
// sections. The HTML and the PDF are both drawn from this, so the two can
// never disagree on content; they differ only in layout.
import type { Language } from '../../shared/i18n/languages';
import { translateReport, type ReportMessageKey } from '../../shared/i18n/report-messages';
import { formatPlDate, formatPlDuration } from '../../shared/pl3-format';
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

/** A log time (ISO, UTC, with milliseconds) in the PL-3.4 display form. */
export function plTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/u.exec(iso);
  return m?.[1] !== undefined ? formatPlDate(`${m[1]}Z`) : iso;
}

/** A media time range as mm:ss–mm:ss (hh:mm:ss past an hour), the PL-3.5 forms. */
export function formatRange([a, b]: readonly [number, number]): string {
  return `${formatPlDuration(Math.floor(a))}–${formatPlDuration(Math.ceil(b))}`;
}

const secs = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export function reportDocument(report: ViewingReport, lang: Language): ReportDocument {
  const t = (key: ReportMessageKey, params: Record<string, string | number> = {}): string => translateReport(lang, key, params);
  const none = t('report.none');
  const or = (s: string | null | undefined): string => (s === null || s === undefined || s === '' ? none : s);
  const oneOf = (prefix: 'end' | 'doc', v: string | null): string => {
    if (v === null) return none;
    const key = `${prefix}.${v}`;
    return isKey(key) ? t(key) : v;
  };
  const version = (v: number): string => (v === 0 ? `0 (${t('rec.original')})` : String(v));
  const s = report.session;
  const v = s.viewer;

  const document =
    v.documentType === null && v.documentLast4 === null
      ? none
      : t('session.documentValue', { type: oneOf('doc', v.documentType), last4: or(v.documentLast4) });

  const caseRows: Array<[string, string]> = [[t('case.signature'), or(report.case.signature)]];
  if (report.case.caseNumber !== null && report.case.caseNumber !== report.case.signature) caseRows.push([t('case.number'), report.case.caseNumber]);

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
  const timeOf = (iso: string, marked: boolean): string => (marked ? `${plTime(iso)} ${mark}` : plTime(iso));
  const closedEntry = report.entries.find((e) => e.type === 'session.closed');

  const sessionRows: Array<[string, string]> = [
    [t('session.viewer'), or(v.name)],
    [t('session.document'), document],
    [t('session.purpose'), or(v.purpose)],
    [t('session.clerk'), s.clerk.name !== null ? `${s.clerk.name}${s.clerk.id !== null ? ` (${s.clerk.id})` : ''}` : or(s.clerk.id)],
    [t('session.opened'), plTime(s.opened)],
    [t('session.closed'), s.closed !== null ? timeOf(s.closed, closedEntry !== undefined && affected.has(closedEntry.seq)) : t('session.notClosed')],
    ...steps.map((e): [string, string] => [
      t('session.clock'),
      t('session.clockSetBack', { from: plTime(String(e.data.previous)), to: plTime(String(e.data.now)), mark }),
    ]),
    [t('session.endReason'), oneOf('end', s.endReason) + (s.endProblem ? ` — ${s.endProblem}` : '')],
    [t('session.minutesAllowed'), s.minutesAllowed !== null ? t('session.minutes', { n: s.minutesAllowed }) : none],
    [t('session.id'), s.id],
  ];

  const recordings: DocSection = {
    kind: 'table',
    title: t('section.recordings'),
    columns: [t('rec.identifier'), t('rec.version'), t('rec.title'), t('rec.date'), t('rec.duration'), t('rec.sha256')],
    widths: [2.0, 1.7, 2.5, 2.4, 1.7, 2.9],
    mono: [0, 3, 4, 5],
    rows: report.recordings.map((r) => [r.identifier, version(r.version), or(r.title), or(r.date), or(r.duration), r.sha256 ?? t('rec.notVerified')]),
  };

  const played: DocSection = {
    kind: 'table',
    title: t('section.played'),
    columns: [t('played.recording'), t('played.ranges'), t('played.seconds')],
    widths: [3, 5, 2],
    mono: [0, 1, 2],
    rows: report.recordings.map((r) => [
      `${r.identifier} v${r.version}`,
      r.played.ranges.length > 0 ? r.played.ranges.map(formatRange).join(', ') : t('played.nothing'),
      secs(r.played.seconds),
    ]),
  };

  const entries: DocSection = {
    kind: 'table',
    title: t('section.entries'),
    columns: [t('entry.seq'), t('entry.time'), t('entry.event'), t('entry.details')],
    widths: [0.8, 2.4, 2.2, 4.6],
    mono: [0, 1],
    rows: report.entries.map((e) => [String(e.seq), timeOf(e.time, affected.has(e.seq)), eventName(e, t), details(e, t)]),
  };

  return {
    lang,
    title: t('report.title'),
    subtitle: t('report.subtitle'),
    header: [
      [t('report.organisation'), report.organisation.name],
      [t('report.device'), `${report.device.name} (${report.device.id})`],
      [t('report.generated'), plTime(report.generated)],
    ],
    sections: [
      { kind: 'facts', title: t('section.case'), rows: caseRows },
      { kind: 'facts', title: t('section.session'), rows: sessionRows },
      recordings,
      played,
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
      'event.playback.seek', 'event.playback.rate', 'event.playback.select', 'event.playback.ranges', 'event.clock.stepBack',
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

const mmss = (x: unknown): string | null => (typeof x === 'number' && Number.isFinite(x) ? formatPlDuration(Math.floor(x)) : null);

/** A short, factual line per entry; the full data is in the JSON report. */
function details(e: LogEntry, t: T): string {
  const d = e.data;
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
      parts.push(rangesText(d.ranges));
      break;
    case 'clock.stepBack':
      parts.push(`${plTime(String(d.previous))} → ${plTime(String(d.now))}`);
      break;
    default: {
      if (rec) parts.push(rec);
      const at = mmss(d.mediaTime);
      if (at !== null) parts.push(at);
      if (typeof d.rate === 'number' && d.rate !== 1) parts.push(`×${d.rate}`);
    }
  }
  return parts.join(', ');
}

function rangesText(x: unknown): string {
  if (!Array.isArray(x)) return '';
  return x
    .filter((r): r is [number, number] => Array.isArray(r) && typeof r[0] === 'number' && typeof r[1] === 'number')
    .map((r) => formatRange(r))
    .join(', ');
}
