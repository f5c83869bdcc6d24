// PL-4.1 completion of metadata by a clerk.
export { completeRecording, type CompletionInput, type CompletionResult } from './complete';
