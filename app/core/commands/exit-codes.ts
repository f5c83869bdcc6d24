// Exit codes, the same for every command (a contract other tools rely on).
export const EXIT_OK = 0;
/** A check failed: invalid, tampered, rejected. */
export const EXIT_FAILED = 1;
/** Usage or environment error. */
export const EXIT_USAGE = 2;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}
