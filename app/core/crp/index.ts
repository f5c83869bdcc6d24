// The crp/1 carrier profile (FORMATS.md §1): recordings.json and its metadata rules.
export { recordingsFileSchema, type RecordingsFile, type CrpRecording, type CrpCase, type CrpAttachment } from './schema';
export { parseRecordingsJson, recordingsJsonTooLarge, MAX_RECORDINGS_JSON_BYTES, type ParseResult } from './parse';
export { checkMetadata, UA_CASE_NUMBER, UA_PROCEEDINGS_NUMBER, UA_PROTOCOL_TITLE, type MetadataReport, type RecordingVerdict } from './metadata-rules';
