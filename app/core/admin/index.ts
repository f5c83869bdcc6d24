// The administrator screen's core (issues 7 and 9): overview, PL-4.1
// completion, and exports under the two-person rule.
export { createAdminService, type AdminService, type AdminServiceOptions, type SignedInAdmin, type StartExportResult } from './service';
export { adminOverview, recentImports, pendingRecordings, recentIntegrityEvents, outboxItems, exportableCases, type OverviewLimits } from './overview';
export { approveTwoPersons, type TwoPersonAuth, type TwoPersonLog, type TwoPersonVerdict } from './two-person';
export { ExportJobs, type CaseExporter, type ExportJobRequest, type ExportProgressReport } from './export-jobs';
export { viewingReportsExporter } from './report-exporter';
