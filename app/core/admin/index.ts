// The administrator screen's core (issues 7 and 9): overview, PL-4.1
// completion, and exports under the two-person rule (the rule and the export
// itself live in ../export; this binds them to the screen's jobs).
export { createAdminService, type AdminService, type AdminServiceOptions, type SignedInAdmin, type StartExportResult } from './service';
export { adminOverview, recentImports, pendingRecordings, recentIntegrityEvents, outboxItems, exportableCases, type OverviewLimits } from './overview';
export { ExportJobs, type CaseExporter, type ExportJobRequest, type ExportProgressReport } from './export-jobs';
export { caseExporter } from './case-exporter';
export { createCarrierDesk, drivesFromFile, type CarrierDesk, type CarrierDeskOptions } from './carrier-desk';
export { createTisDesk, disabledTisView, type TisDesk, type TisDeskOptions } from './tis-desk';
