// `kioskctl device pubkey`: the device's Ed25519 public key as PEM, so anyone
// can verify its exports, deletion certificates and log checkpoints.
import type { Kiosk } from '../kiosk';
import { EXIT_OK } from './exit-codes';
import type { Out } from './out';

export function devicePubkey(kiosk: Kiosk, out: Out): number {
  const s = kiosk.signer();
  out.result({ device: kiosk.config.device.id, publicKeyPem: s.publicKeyPem, verifierKey: kiosk.log.verifierKey() }, () => s.publicKeyPem.trimEnd());
  return EXIT_OK;
}
