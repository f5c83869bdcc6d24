// `kioskctl complete IDENTIFIER --version N [--identifier X] [--date D] [--duration T] [--case SIG] --operator NAME`
import { completeRecording } from '../completion';
import type { Kiosk } from '../kiosk';
import { EXIT_OK } from './exit-codes';
import type { Out } from './out';

export function complete(kiosk: Kiosk, input: Parameters<typeof completeRecording>[1], out: Out): number {
  const r = completeRecording(kiosk, input);
  out.result(r, () =>
    [
      ...r.completed.map((c) => `${c.field}: ${c.old ?? '(none)'} -> ${c.new}`),
      `${r.identifier ?? input.ref} v${r.version}: ${r.status}; recorded as completed by ${input.operator}`,
    ].join('\n'),
  );
  return EXIT_OK;
}
