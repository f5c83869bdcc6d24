// Where a command's output goes. `--json` prints exactly one JSON document
// (result); human text goes to stdout, diagnostics (info, problems) and the
// progress bar to stderr. The CLI writes to its own terminal; the kiosk
// service sends the same calls over its control socket to the client that
// asked, so a command prints the same whether run alone or by the service.
import type { Problem } from '../../shared/problem';
import type { ImportProgress } from '../ingest';

export interface Out {
  readonly json: boolean;
  result(doc: unknown, human: () => string): void;
  info(line: string): void;
  problems(ps: readonly Problem[]): void;
  /** Byte progress of a long copy (import, fetch, export); drawn only on a terminal. */
  progress?(p: ImportProgress): void;
}
