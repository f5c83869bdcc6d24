// kioskctl's commands as core operations: what changes data runs through
// runCommand (by the kiosk service, or by kioskctl holding the lock); the
// read-only ones are called directly on a read-only kiosk.
export { runCommand } from './run';
export { CommandRequestSchema, type CommandRequest, type CommandName } from './requests';
export type { Out } from './out';
export { EXIT_OK, EXIT_FAILED, EXIT_USAGE, UsageError } from './exit-codes';
export { check } from './import';
export { list } from './list';
export { imports } from './imports';
export { verify } from './verify';
export { logVerify } from './log';
export { devicePubkey } from './device';
export { EXPORT_USAGE, parseExportOptions } from './export';
