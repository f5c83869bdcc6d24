// `kioskctl log verify [--trusted-checkpoint FILE] [--tis URL …] [--json]` and `kioskctl log checkpoint`.
import fs from 'node:fs';
import type { Kiosk } from '../kiosk';
import { checkReplicaWitness, checkTisWitness, type WitnessVerdict } from '../witness';
import { EXIT_FAILED, EXIT_OK } from './exit-codes';
import type { Out } from './out';
import { tisClientFor, type TisFlags } from './tis-client';

/** The TIS as the log's witness when kiosk-config or the flags name one; null when neither does. */
export function witnessClient(kiosk: Kiosk, flags: TisFlags, command: string): ReturnType<typeof tisClientFor> | null {
  const given = flags.tis !== undefined || flags.ca !== undefined || flags.cert !== undefined || flags.key !== undefined;
  return kiosk.config.tis || given ? tisClientFor(kiosk, flags, command, { retries: 1 }) : null;
}

export function deviceIdentity(kiosk: Kiosk): { id: string; publicKeyRaw: Buffer } {
  return { id: kiosk.config.device.id, publicKeyRaw: kiosk.signer().publicKeyRaw };
}

export function witnessLine(w: WitnessVerdict): string {
  switch (w.verdict) {
    case 'consistent':
      return `witness ${w.witness}: consistent (holds a checkpoint of ${w.witnessedSize ?? 0} entries; the log has ${w.logSize})`;
    case 'empty':
      return `witness ${w.witness}: holds no checkpoint of this device yet`;
    case 'alarm':
      return `witness ${w.witness}: INTEGRITY ALARM: ${w.problem ?? ''}`;
    case 'fault':
      return `witness ${w.witness}: WITNESS FAULT (not trusted; the log is not in question): ${w.problem ?? ''}`;
    case 'unreachable':
      return `witness ${w.witness}: unreachable: ${w.problem ?? ''}`;
    default: {
      const never: never = w.verdict;
      return String(never);
    }
  }
}

export async function logVerify(kiosk: Kiosk, opts: { trustedCheckpoint?: string } & TisFlags, out: Out): Promise<number> {
  const trusted = opts.trustedCheckpoint ? fs.readFileSync(opts.trustedCheckpoint, 'utf8') : undefined;
  const r = kiosk.log.verify(trusted ? { trustedCheckpoint: trusted } : {});
  const client = witnessClient(kiosk, opts, 'log verify');
  const onReplica = checkReplicaWitness(kiosk);
  const witnesses = [...(client ? [await checkTisWitness(kiosk.log, deviceIdentity(kiosk), client)] : []), ...(onReplica ? [onReplica] : [])];
  const alarms = witnesses.filter((w) => w.verdict === 'alarm');
  const ok = r.ok && alarms.length === 0;
  const problems = [...(r.problem ? [r.problem] : []), ...alarms.map((a) => a.problem ?? a.witness)];
  const doc = {
    ok,
    entries: r.entries,
    firstBad: r.firstBad,
    checkpoint: r.checkpoint,
    ...(problems.length ? { problem: problems.join('; ') } : {}),
    witnesses,
  };
  out.result(doc, () =>
    [
      r.ok
        ? `log verify: ${r.entries} entries intact${r.checkpoint ? `; checkpoint at size ${r.checkpoint.size}, root ${r.checkpoint.root}` : ''}`
        : `log verify: FAILED${r.firstBad !== null ? ` at entry ${r.firstBad}` : ''}: ${r.problem ?? 'mismatch'}`,
      ...(witnesses.length ? witnesses.map(witnessLine) : ['witnesses: none configured (kiosk-config "tis" or "replica")']),
      ...(r.ok && !ok ? ['log verify: FAILED: the log does not extend a witnessed checkpoint'] : []),
    ].join('\n'),
  );
  return ok ? EXIT_OK : EXIT_FAILED;
}

export function logCheckpoint(kiosk: Kiosk, out: Out): number {
  const note = kiosk.log.checkpoint();
  out.result({ checkpoint: note, verifierKey: kiosk.log.verifierKey() }, () => note.trimEnd());
  return EXIT_OK;
}
