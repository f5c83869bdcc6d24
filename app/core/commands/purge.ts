// `kioskctl purge --case SIG --transferred REF [--operator NAME] [--json]`: prints the signed deletion certificate.
import type { Kiosk } from '../kiosk';
import { purgeCase } from '../retention';
import { EXIT_OK } from './exit-codes';
import type { Out } from './out';

export async function purge(kiosk: Kiosk, opts: { case: string; transferred: string; operator: string }, out: Out): Promise<number> {
  const signed = await purgeCase(kiosk, { caseSignature: opts.case, transferRef: opts.transferred, operator: opts.operator });
  const c = signed.certificate;
  out.result(signed, () =>
    [
      'DELETION CERTIFICATE / ZAŚWIADCZENIE O USUNIĘCIU / СВІДОЦТВО ПРО ВИДАЛЕННЯ',
      `device: ${c.device.id} (${c.device.name}), ${c.organisation}`,
      `case: ${c.case}   transfer reference: ${c.transferReference}`,
      `deleted at: ${c.at}   by: ${c.operator}`,
      ...c.recordings.map((r) => `  ${r.identifier ?? '(incomplete)'} v${r.version}  ${r.title ?? ''}\n    sha256: ${r.sha256.join(', ')}`),
      `signature (Ed25519, over the canonical JSON of the certificate): ${signed.signature}`,
      signed.publicKeyPem.trim(),
    ].join('\n'),
  );
  return EXIT_OK;
}
