// The message for a recording's conformance flag (PL-4.2, PL-4.3, a duration
// that disagrees with the media); an unknown flag is shown as it is stored.
import type { MessageKey } from '../../shared/i18n';

export function flagKey(f: string): MessageKey | null {
  return f === 'PL-4.2' || f === 'PL-4.3' || f === 'duration-mismatch' ? (`flag.${f}` as MessageKey) : null;
}
