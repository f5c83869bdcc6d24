// `kioskctl purge --case SIG --transferred REF --account ID --approver ID
//  (--export-receipt ID | --reason TEXT) [--secret-stdin] [--json]`:
// prints the signed deletion certificate. Two different people prove who they
// are, and the purge states its grounds: the receipt of the case's export with
// purpose transfer (the copy that went to the archive, PL-7), or a reason in
// words that goes into the log and the certificate.
import type { Auth } from '../auth';
import { KioskError } from '../errors';
import type { Kiosk } from '../kiosk';
import { purgeCase, type PurgeGrounds } from '../retention';
import { problem } from '../../shared/problem';
import { EXIT_OK } from './exit-codes';
import type { Out } from './out';
import { authenticatePeople, personLabel, type Credential } from './people';

export interface PurgeCmdOptions {
  readonly case: string;
  readonly transferred: string;
  readonly account: Credential | null;
  readonly approver: Credential | null;
  readonly exportReceipt?: string;
  readonly reason?: string;
}

/** The export with purpose transfer whose receipt (package name) is `receipt`, of case `caseSig`, as the log holds it. */
function transferExportLogged(kiosk: Kiosk, caseSig: string, receipt: string): boolean {
  const size = kiosk.log.size;
  for (let from = 0; from < size; from += 1000) {
    const hit = kiosk.log
      .entries(from, Math.min(size, from + 1000))
      .some((e) => e.type === 'export' && e.data.package === receipt && e.data.case === caseSig && e.data.purpose === 'transfer');
    if (hit) return true;
  }
  return false;
}

function grounds(kiosk: Kiosk, o: PurgeCmdOptions, who: Record<string, unknown>): PurgeGrounds {
  const refuse = (reason: string, message: string, field: string): never => {
    kiosk.log.append('command.refused', { command: 'purge', reason, case: o.case, ...who });
    throw new KioskError('refused', message, [problem('kioskctl', `purge.grounds.${reason}`, message, field)]);
  };
  if (o.exportReceipt !== undefined) {
    if (!transferExportLogged(kiosk, o.case, o.exportReceipt.trim()))
      return refuse('receipt-unknown', `no export of ${o.case} with purpose transfer has the receipt ${o.exportReceipt} in the log`, '--export-receipt');
    return { exportReceipt: o.exportReceipt.trim() };
  }
  if (o.reason !== undefined && o.reason.trim()) return { reason: o.reason.trim() };
  return refuse('missing', 'a purge needs its grounds: --export-receipt ID of the case\'s transfer export, or --reason TEXT (logged)', '--export-receipt');
}

export async function purge(kiosk: Kiosk, auth: Auth, opts: PurgeCmdOptions, out: Out): Promise<number> {
  const people = await authenticatePeople(kiosk, auth, 'purge', opts.account, opts.approver);
  const approvedBy = [people.account, ...(people.approver ? [people.approver] : [])].map(personLabel);
  const why = grounds(kiosk, opts, { account: people.account.id, approver: people.approver?.id ?? null });
  const signed = await purgeCase(kiosk, { caseSignature: opts.case, transferRef: opts.transferred, operator: personLabel(people.account), approvedBy, grounds: why });
  const c = signed.certificate;
  out.result(signed, () =>
    [
      'DELETION CERTIFICATE / ZAŚWIADCZENIE O USUNIĘCIU / СВІДОЦТВО ПРО ВИДАЛЕННЯ',
      `device: ${c.device.id} (${c.device.name}), ${c.organisation}`,
      `case: ${c.case}   transfer reference: ${c.transferReference}`,
      `deleted at: ${c.at}   by: ${c.operator}   approved by: ${(c.approvedBy ?? []).join(', ')}`,
      'exportReceipt' in why ? `grounds: transfer export ${why.exportReceipt}` : `grounds: ${why.reason}`,
      ...c.recordings.map((r) => `  ${r.identifier ?? '(incomplete)'} v${r.version}  ${r.title ?? ''}\n    sha256: ${r.sha256.join(', ')}`),
      `signature (Ed25519, over the canonical JSON of the certificate): ${signed.signature}`,
      signed.publicKeyPem.trim(),
    ].join('\n'),
  );
  return EXIT_OK;
}
