// Viewing reports (DC-6, PL-8): per session, signed JSON with proofs into the
// viewing log, and its HTML and PDF renderings for the case file.
export {
  VIEWING_REPORT_TYPE,
  buildViewingReports,
  checkViewingReport,
  entryBytes,
  verifyViewingReport,
} from './viewing-report';
export type { BuildOptions, ReportCheck, ReportRecording, ReportSession, ReportViewer, ViewingReport, ViewingReportBody } from './viewing-report';
export { renderViewingReportHtml, renderDocumentHtml, escapeHtml } from './render-html';
export { renderViewingReportPdf, renderDocumentPdf, type PdfOptions } from './render-pdf';
export { plTime, reportDocument, type DocSection, type ReportDocument } from './report-document';
export { exportViewingReports, type ExportResult, type ExportedReport } from './export';
export { shipVerifierPage, VERIFIER_PAGE } from './verifier-page';
