// The export signature (issue 9): a detached Ed25519 signature by the device
// key over the exact bytes of tagmanifest-sha256.txt, stored as a tag file the
// tag manifest does not list (it cannot list its own signature). The tag
// manifest covers bag-info.txt, recordings.json and the payload manifest, so
// this one signature vouches for every byte of the package. Anyone can check
// it with `openssl pkeyutl -verify -pubin -inkey device.pem -rawin
// -in tagmanifest-sha256.txt -sigfile tagsignature-ed25519.sig`.
import crypto from 'node:crypto';

/** Raw 64-byte Ed25519 signature, as `openssl pkeyutl -sign -rawin` writes it. */
export const SIGNATURE_FILE = 'tagsignature-ed25519.sig';
export const SIGNED_FILE = 'tagmanifest-sha256.txt';

/** bag-info.txt labels of an export. */
export const BAG_INFO = {
  device: 'Export-Device',
  deviceName: 'Export-Device-Name',
  fingerprint: 'Export-Device-Key-Fingerprint',
  purpose: 'Export-Purpose',
  recipient: 'Export-Recipient',
  operator: 'Export-Operator',
  approvedBy: 'Export-Approved-By',
  date: 'Export-Date',
  envelopeSheet: 'Export-Envelope-Sheet',
} as const;

/**
 * `sha256:<hex>` over the key's SubjectPublicKeyInfo DER, so it can be
 * recomputed with openssl alone: `openssl pkey -pubin -in device.pem -outform DER | sha256sum`.
 */
export function keyFingerprint(publicKeyPem: string): string {
  const der = crypto.createPublicKey(publicKeyPem).export({ format: 'der', type: 'spki' });
  return `sha256:${crypto.createHash('sha256').update(der).digest('hex')}`;
}

export function verifyPackageSignature(tagManifest: Buffer, signature: Buffer, publicKeyPem: string): boolean {
  if (signature.length !== 64) return false;
  try {
    const key = crypto.createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return crypto.verify(null, tagManifest, key, signature);
  } catch {
    return false;
  }
}
