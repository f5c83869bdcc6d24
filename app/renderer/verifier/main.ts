// The standalone verifier page: one HTML file that opens from disk in any
// current browser, uses no network (its CSP allows none) and checks a viewing
// report or an export receipt with the same code as `kioskctl verify-report`.
// Built by scripts/build.mjs into dist/verifier/verify-report.html, with this
// script inlined and pinned by its hash in the page's CSP.
import { isLanguage, type Language } from '../../shared/i18n/languages';
import { findingText, verifierText, verifyReportDocument, type ReportVerification, type VerifierMessageKey } from '../../shared/report-check';

const LANGS: readonly Language[] = ['pl', 'uk', 'en'];
const LABELS: Record<Language, string> = { pl: 'Polski', uk: 'Українська', en: 'English' };

function initialLanguage(): Language {
  const q = new URLSearchParams(location.search).get('lang');
  if (isLanguage(q)) return q;
  const nav = (navigator.language || 'en').slice(0, 2);
  return isLanguage(nav) ? nav : 'en';
}

let lang = initialLanguage();
let last: { name: string; result: ReportVerification | 'not-json' } | null = null;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

const t = (k: VerifierMessageKey): string => verifierText(lang, k);

const nav = el('nav', { 'aria-label': 'language' });
const title = el('h1');
const intro = el('p');
const drop = el('div', { id: 'drop' });
const input = el('input', { type: 'file', accept: '.json,application/json', id: 'file', 'data-testid': 'file' });
const pickLabel = el('label', { for: 'file' });
const dropHint = el('p', { class: 'note' });
const keyLabel = el('label', { for: 'pubkey' });
const key = el('textarea', { id: 'pubkey', 'data-testid': 'pubkey', spellcheck: 'false' });
const cpLabel = el('label', { for: 'checkpoint' });
const cp = el('textarea', { id: 'checkpoint', 'data-testid': 'checkpoint', spellcheck: 'false' });
const results = el('section', { 'aria-live': 'polite', 'data-testid': 'results' });
const footer = el('p', { class: 'note' });

drop.append(pickLabel, input, dropHint);
document.body.append(nav, title, intro, drop, keyLabel, key, cpLabel, cp, results, footer);

function renderResults(): void {
  results.replaceChildren();
  if (last === null) return;
  const { name, result } = last;
  results.append(el('h2', {}, name));
  if (result === 'not-json') {
    results.append(el('div', { id: 'verdict', 'data-ok': 'false', 'data-testid': 'verdict' }, `${t('invalid')} ${t('notJson')}`));
    return;
  }
  results.append(el('p', {}, t(`kind.${result.kind}`)));
  results.append(el('div', { id: 'verdict', 'data-ok': String(result.ok), 'data-testid': 'verdict' }, t(result.ok ? 'valid' : 'invalid')));
  const list = el('ul', { 'data-testid': 'findings' });
  for (const f of result.findings) list.append(el('li', { 'data-ok': String(f.ok), 'data-code': f.code }, findingText(lang, f)));
  results.append(list);
}

function render(): void {
  document.documentElement.lang = lang;
  document.title = t('title');
  nav.replaceChildren(
    ...LANGS.map((l) => {
      const b = el('button', { type: 'button', lang: l, 'aria-pressed': String(l === lang), 'data-lang': l }, LABELS[l]);
      b.addEventListener('click', () => {
        lang = l;
        render();
      });
      return b;
    }),
  );
  title.textContent = t('title');
  intro.textContent = t('intro');
  pickLabel.textContent = t('pick');
  dropHint.textContent = t('drop');
  keyLabel.textContent = t('pubkey');
  cpLabel.textContent = t('checkpoint');
  footer.textContent = t('offline');
  renderResults();
}

async function check(file: File): Promise<void> {
  const text = await file.text();
  let document_: unknown;
  try {
    document_ = JSON.parse(text);
  } catch {
    last = { name: file.name, result: 'not-json' };
    return renderResults();
  }
  const result = await verifyReportDocument({
    document: document_,
    publicKeyPem: key.value.trim() === '' ? undefined : key.value,
    checkpoint: cp.value.trim() === '' ? undefined : cp.value.replace(/\r\n/gu, '\n').replace(/\n*$/u, '\n'),
  });
  last = { name: file.name, result };
  renderResults();
}

input.addEventListener('change', () => {
  const f = input.files?.[0];
  if (f) void check(f);
});
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const f = e.dataTransfer?.files[0];
  if (f) void check(f);
});

render();
