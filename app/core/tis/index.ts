// TIS (court case-file system) import and viewing-report delivery, FORMATS.md §2.
export { TisClient, type TisClientOptions, type Sink, type DownloadResult, type ViewingReportAck } from './client';
export { TisError, type TisRule } from './errors';
export { OUTBOX_SCHEMA_SQL, TisOutbox, type OutboxEntry, type OutboxOptions, type DeliveryRun, type ReportPoster } from './outbox';
export {
  tisListingSchema,
  type TisListing,
  type TisRecording,
  type TisPart,
  type TisAttachment,
} from './schema';
export { fetchCase, fetchCaseWith, asRecordingsFile, type FetchCaseOptions, type FetchResult, type NotReadyRecording } from './import';
export { TisWaitingQueue, WAITING_SCHEMA_SQL, type WaitingRecording } from './waiting';
