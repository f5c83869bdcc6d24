// Errors raised by core. Each carries a stable code so the CLI can map it to
// an exit code and the UI to a translated message.
import type { Problem } from '../../shared/problem';

export type KioskErrorCode =
  | 'usage'
  | 'environment'
  | 'config'
  | 'integrity'
  | 'invalid-input'
  | 'not-found'
  | 'refused';

export class KioskError extends Error {
  override readonly name = 'KioskError';
  constructor(
    readonly code: KioskErrorCode,
    message: string,
    readonly problems: readonly Problem[] = [],
  ) {
    super(message);
  }
}

/** Raised when stored data fails authentication; never carries plaintext. */
export class IntegrityError extends KioskError {
  constructor(
    message: string,
    readonly subject: string,
  ) {
    super('integrity', message);
  }
}
