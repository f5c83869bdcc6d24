// `kioskctl log verify [--trusted-checkpoint FILE] [--json]` and `kioskctl log checkpoint`.
import fs from 'node:fs';
import type { Kiosk } from '../kiosk';
import { EXIT_FAILED, EXIT_OK } from './exit-codes';
import type { Out } from './out';

export function logVerify(kiosk: Kiosk, opts: { trustedCheckpoint?: string }, out: Out): number {
  const trusted = opts.trustedCheckpoint ? fs.readFileSync(opts.trustedCheckpoint, 'utf8') : undefined;
  const r = kiosk.log.verify(trusted ? { trustedCheckpoint: trusted } : {});
  const doc = { ok: r.ok, entries: r.entries, firstBad: r.firstBad, checkpoint: r.checkpoint, ...(r.problem ? { problem: r.problem } : {}) };
  out.result(doc, () =>
    r.ok
      ? `log verify: ${r.entries} entries intact${r.checkpoint ? `; checkpoint at size ${r.checkpoint.size}, root ${r.checkpoint.root}` : ''}`
      : `log verify: FAILED${r.firstBad !== null ? ` at entry ${r.firstBad}` : ''}: ${r.problem ?? 'mismatch'}`,
  );
  return r.ok ? EXIT_OK : EXIT_FAILED;
}

export function logCheckpoint(kiosk: Kiosk, out: Out): number {
  const note = kiosk.log.checkpoint();
  out.result({ checkpoint: note, verifierKey: kiosk.log.verifierKey() }, () => note.trimEnd());
  return EXIT_OK;
}
