// Fills a message's placeholders: `{name}` with the value (a number through
// Intl.NumberFormat, so 129.1 reads 129,1 in Polish and Ukrainian), and ICU
// plurals `{n, plural, one {# nagranie} few {# nagrania} many {# nagrań} other {# nagrania}}`
// through Intl.PluralRules, so 1 nagranie / 2 nagrania / 5 nagrań and
// 1 запис / 2 записи / 5 записів come out right. One formatter for the
// screens, the reports and kioskctl.
import type { Language } from './languages';

export type Params = Readonly<Record<string, string | number>>;

const numberFormats = new Map<Language, Intl.NumberFormat>();
const pluralRules = new Map<Language, Intl.PluralRules>();

export function formatNumber(lang: Language, n: number): string {
  let f = numberFormats.get(lang);
  if (!f) numberFormats.set(lang, (f = new Intl.NumberFormat(lang, { maximumFractionDigits: 2, useGrouping: false })));
  return f.format(n);
}

export function pluralCategory(lang: Language, n: number): Intl.LDMLPluralRule {
  let r = pluralRules.get(lang);
  if (!r) pluralRules.set(lang, (r = new Intl.PluralRules(lang)));
  return r.select(n);
}

/** The text of the brace group that opens at `open` (depth-counted), and the index after it. */
function group(s: string, open: number): { body: string; end: number } {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return { body: s.slice(open + 1, i), end: i + 1 };
  }
  return { body: s.slice(open + 1), end: s.length };
}

function plural(lang: Language, n: number, options: string): string {
  const forms = new Map<string, string>();
  let i = 0;
  while (i < options.length) {
    const m = /^\s*(=\d+|zero|one|two|few|many|other)\s*/u.exec(options.slice(i));
    if (!m?.[1]) break;
    const at = i + m[0].length;
    if (options[at] !== '{') break;
    const g = group(options, at);
    forms.set(m[1], g.body);
    i = g.end;
  }
  const text = forms.get(`=${n}`) ?? forms.get(pluralCategory(lang, n)) ?? forms.get('other') ?? '';
  return text.replace(/#/gu, formatNumber(lang, n));
}

export function formatMessage(lang: Language, text: string, params: Params = {}): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0) break;
    out += text.slice(i, open);
    const g = group(text, open);
    const pm = /^\s*(\w+)\s*,\s*plural\s*,([\s\S]*)$/u.exec(g.body);
    const name = pm?.[1] ?? g.body.trim();
    const value = params[name];
    if (pm && typeof value === 'number') out += plural(lang, value, pm[2] ?? '');
    else if (value === undefined) out += `{${g.body}}`;
    else out += typeof value === 'number' ? formatNumber(lang, value) : value;
    i = g.end;
  }
  return out + text.slice(i);
}

/** The argument names a message uses (`{name}` and `{name, plural, …}`), sorted. */
export function argumentNames(text: string): string[] {
  const names: string[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0) break;
    const g = group(text, open);
    const name = /^\s*(\w+)/u.exec(g.body)?.[1];
    if (name) names.push(name);
    i = g.end;
  }
  return names.sort();
}
