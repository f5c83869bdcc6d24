// The viewing report as one self-contained, printable HTML page: inline CSS,
// no scripts, no external resources, every value escaped (the report carries
// names and purposes typed by people).
import type { Language } from '../../shared/i18n/languages';
import { reportDocument, type DocSection, type ReportDocument } from './report-document';
import type { ViewingReport } from './viewing-report';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/gu, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const CSS = `
@page { size: A4; margin: 18mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; color: #1a1a1a; background: #fff; margin: 0 auto; max-width: 180mm; font-size: 10pt; line-height: 1.4; padding: 12mm 0; }
header { border-bottom: 2px solid #1f3a5f; padding-bottom: 4mm; margin-bottom: 5mm; }
h1 { font-size: 16pt; margin: 0 0 1mm; color: #1f3a5f; }
.subtitle { margin: 0 0 3mm; color: #444; }
h2 { font-size: 11.5pt; color: #1f3a5f; border-bottom: 1px solid #c8d0da; padding-bottom: 1mm; margin: 6mm 0 2mm; break-after: avoid; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 1.2mm 2mm; border-bottom: 1px solid #e1e5ea; }
thead th { background: #eef2f6; font-weight: bold; border-bottom: 1px solid #9aa8b8; }
table.facts th { width: 38%; font-weight: normal; color: #444; }
table.head th, table.head td { border: none; padding: 0.4mm 2mm 0.4mm 0; }
table.head th { width: 30%; font-weight: normal; color: #444; }
tr { break-inside: avoid; }
.mono, pre { font-family: "DejaVu Sans Mono", "Noto Sans Mono", monospace; font-size: 8.5pt; overflow-wrap: anywhere; }
.nowrap { white-space: nowrap; overflow-wrap: normal; }
pre { word-break: break-all; }
section.appendix { break-before: page; }
pre { white-space: pre-wrap; background: #f6f7f9; border: 1px solid #e1e5ea; padding: 2mm; margin: 1mm 0 4mm; }
.intro { color: #333; }
`;

function section(s: DocSection): string {
  if (s.kind === 'facts') {
    const rows = s.rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
    return `<section><h2>${escapeHtml(s.title)}</h2><table class="facts"><tbody>${rows}</tbody></table></section>`;
  }
  const mono = new Set(s.mono ?? []);
  const nowrap = new Set(s.nowrap ?? []);
  const cls = (i: number): string => [mono.has(i) ? 'mono' : '', nowrap.has(i) ? 'nowrap' : ''].filter(Boolean).join(' ');
  const head = s.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const rows = s.rows
    .map((r) => `<tr>${r.map((c, i) => `<td${cls(i) ? ` class="${cls(i)}"` : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('');
  return `<section><h2>${escapeHtml(s.title)}</h2><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></section>`;
}

export function renderViewingReportHtml(report: ViewingReport, lang: Language, timeZone?: string): string {
  const doc = reportDocument(report, lang, timeZone);
  return renderDocumentHtml(doc, `${doc.title} — ${report.case.signature ?? report.case.caseNumber ?? ''}`);
}

/** Any document in the report layout (viewing report, export receipt) as one printable HTML page. */
export function renderDocumentHtml(doc: ReportDocument, pageTitle: string): string {
  const head = doc.header.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  const appendix = doc.appendix.blocks.map(([k, v]) => `<h3>${escapeHtml(k)}</h3><pre>${escapeHtml(v)}</pre>`).join('');
  return `<!doctype html>
<html lang="${escapeHtml(doc.lang)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(pageTitle)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(doc.title)}</h1>
<p class="subtitle">${escapeHtml(doc.subtitle)}</p>
<table class="head"><tbody>${head}</tbody></table>
</header>
<main>
${doc.sections.map(section).join('\n')}
<section class="appendix"><h2>${escapeHtml(doc.appendix.title)}</h2><p class="intro">${escapeHtml(doc.appendix.intro)}</p>${appendix}</section>
</main>
</body>
</html>
`;
}
