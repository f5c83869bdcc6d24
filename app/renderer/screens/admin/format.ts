// Display helpers for the administrator screen: sizes in the session's
// language, times in the regulation's YYYY-MM-DDhh:mm:ss form (Q-4, PL-3.4).
import type { Language } from '../../../shared/i18n';

const UNITS = [
  [1e9, 'gigabyte'],
  [1e6, 'megabyte'],
  [1e3, 'kilobyte'],
] as const;

export function formatBytes(lang: Language, n: number): string {
  for (const [size, unit] of UNITS) {
    if (n >= size) return new Intl.NumberFormat(lang, { style: 'unit', unit, maximumFractionDigits: 1 }).format(n / size);
  }
  return new Intl.NumberFormat(lang, { style: 'unit', unit: 'byte' }).format(n);
}

/** A stored ISO timestamp, in the kiosk's local time, in the regulation's form. */
export function formatStamp(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
