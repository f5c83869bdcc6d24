// PL-3.4 dates and PL-3.5 durations in the regulation's own forms.
// The regulation prints the date as YYYY-MM-DDhh:mm:ss (no separator between
// day and hour); FORMATS.md also accepts `T` or a space there, and an optional
// UTC offset. We always display the regulation's form.

export interface ParsedPlDate {
  /** Normalised storage form: YYYY-MM-DDThh:mm:ss with the offset if one was given. */
  readonly iso: string;
  readonly offset: string | null;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T| )?(\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})?$/;

export function parsePlDate(s: string): ParsedPlDate | null {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, se, off] = m;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), min = Number(mi), sec = Number(se);
  if (month < 1 || month > 12 || hour > 23 || min > 59 || sec > 59 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  if (off && off !== 'Z') {
    const [oh, om] = off.slice(1).split(':').map(Number) as [number, number];
    if (oh > 14 || om > 59) return null;
  }
  return { iso: `${y}-${mo}-${d}T${h}:${mi}:${se}${off ?? ''}`, offset: off ?? null };
}

/** Display form of PL-3.4: YYYY-MM-DDhh:mm:ss (offset appended when known). */
export function formatPlDate(iso: string): string {
  const p = parsePlDate(iso);
  if (!p) return iso;
  const m = DATE_RE.exec(p.iso)!;
  return `${m[1]}-${m[2]}-${m[3]}${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}`;
}

const DURATION_RE = /^(?:(\d{2}):)?(\d{2}):(\d{2})$/;

/** PL-3.5: `mm:ss` or `hh:mm:ss` (hh 00-23, mm and ss 00-59). Returns seconds. */
export function parsePlDuration(s: string): number | null {
  const m = DURATION_RE.exec(s);
  if (!m) return null;
  const h = m[1] === undefined ? 0 : Number(m[1]);
  const mi = Number(m[2]);
  const se = Number(m[3]);
  if (h > 23 || se > 59) return null;
  // In the mm:ss form minutes are two digits (00-99 would exceed the form), so 00-59 as in hh:mm:ss.
  if (mi > 59) return null;
  return h * 3600 + mi * 60 + se;
}

/** Display form of PL-3.5: hh:mm:ss when an hour or more, else mm:ss. */
export function formatPlDuration(totalSec: number): string {
  const t = Math.max(0, Math.round(totalSec));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${two(h)}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/** The court's local time zone by jurisdiction: times are shown in it, never in UTC. */
export const COURT_TIME_ZONE = { PL: 'Europe/Warsaw', UA: 'Europe/Kyiv' } as const;

const INSTANT_RE = /^(\d{4}-\d{2}-\d{2})[T ]?(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/u;

/**
 * A PL-3.4 date or a log instant as people at the court read it: local court
 * time in the regulation's form YYYY-MM-DDhh:mm:ss, no offset and no "Z" (the
 * zone is named once, in a report's heading). A date stored without an offset
 * is already local time and is shown as it is.
 */
export function formatCourtTime(iso: string, timeZone: string): string {
  const m = INSTANT_RE.exec(iso);
  if (!m) return formatPlDate(iso);
  const at = new Date(`${m[1]}T${m[2]}${m[3] === 'Z' ? 'Z' : m[3]}`);
  if (Number.isNaN(at.getTime())) return formatPlDate(iso);
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(at);
  const p = (type: Intl.DateTimeFormatPartTypes): string => parts.find((x) => x.type === type)?.value ?? '00';
  return `${p('year')}-${p('month')}-${p('day')}${p('hour')}:${p('minute')}:${p('second')}`;
}
