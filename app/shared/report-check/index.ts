// The offline check of viewing reports and export receipts, shared by
// `kioskctl verify-report` and the standalone verifier page.
export { verifyReportDocument, type Finding, type FindingCode, type ReportVerification, type VerifyInput } from './checks';
export { findingText, verificationText, verifierText, type VerifierMessageKey } from './messages';
