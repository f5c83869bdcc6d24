// Exports by rule (issue 9; PL-9, PL-5.2, PL-2.2, PL-10, DC-6): the one way a
// recording leaves the kiosk — a verified, signed crp/1 package on a carrier,
// logged like a viewing, with a receipt for the case file.
export { exportCase, type ExportOptions, type ExportProgress, type ExportResult, type ExportedRecording } from './export-case';
export { approveTwoPersons, createKioskAuth, type ApprovalRefusal, type PinEntry, type TwoPersonApproval } from './two-person';
export { EXPORT_PURPOSES, type ExportPurpose } from './selection';
export { BAG_INFO, SIGNATURE_FILE, SIGNED_FILE, keyFingerprint, verifyPackageSignature } from './package-signature';
export { STAGING_PREFIX } from './target';
export { receiptDocument, recoverReceipts, signReceipt, type ExportReceipt, type ReceiptFile, type ReceiptFiles, type ReceiptRecovery, type SignedReceipt } from './receipt';
