// PL-4.1 completion of metadata and the release of held records, by a clerk or an administrator.
export { completeRecording, releaseHold, type CompletionInput, type CompletionResult, type ReleaseInput, type Resolver } from './complete';
