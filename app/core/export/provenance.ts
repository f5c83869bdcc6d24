// Provenance of an imported package that another kiosk exported: when the bag
// carries the export signature and bag-info names a device that kiosk-config
// trusts, the signature must verify with that device's key ("exported by
// device X, verified"); if it does not, the import is refused naming the
// signature file. A signature from a device not in trustedDevices is imported
// and recorded as such: it proves nothing, but hides nothing either.
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { BagReport } from '../carrier/bagit';
import { problem, type Problem } from '../../shared/problem';
import { BAG_INFO, SIGNATURE_FILE, SIGNED_FILE, keyFingerprint, verifyPackageSignature } from './package-signature';

export interface TrustedDevice {
  readonly id: string;
  readonly publicKeyPem: string;
}

export interface ExportProvenance {
  readonly device: string | null;
  readonly deviceName: string | null;
  readonly keyFingerprint: string | null;
  readonly purpose: string | null;
  readonly operator: string | null;
  readonly exportedAt: string | null;
  readonly verified: boolean;
  readonly status: 'verified' | 'unknown-device';
  /** For people: "exported by device X, verified" or "signature from an unknown device". */
  readonly text: string;
}

function info(bag: BagReport, label: string): string | null {
  const hit = bag.bagInfo.find(([k]) => k.toLowerCase() === label.toLowerCase());
  return hit ? hit[1].trim() : null;
}

/** null when the package carries no export signature. */
export async function exportProvenance(dir: string, bag: BagReport, trusted: readonly TrustedDevice[]): Promise<{ provenance: ExportProvenance | null } | { problem: Problem }> {
  if (!bag.tagFiles.has(SIGNATURE_FILE)) return { provenance: null };
  const device = info(bag, BAG_INFO.device);
  const base = {
    device,
    deviceName: info(bag, BAG_INFO.deviceName),
    keyFingerprint: info(bag, BAG_INFO.fingerprint),
    purpose: info(bag, BAG_INFO.purpose),
    operator: info(bag, BAG_INFO.operator),
    exportedAt: info(bag, BAG_INFO.date),
  };
  const known = device === null ? undefined : trusted.find((d) => d.id === device);
  if (!known) {
    return { provenance: { ...base, verified: false, status: 'unknown-device', text: `signature from an unknown device${device ? ` (${device})` : ''}, not verified` } };
  }
  const [manifest, signature] = await Promise.all([fsp.readFile(path.join(dir, SIGNED_FILE)), fsp.readFile(path.join(dir, SIGNATURE_FILE))]);
  if (!verifyPackageSignature(manifest, signature, known.publicKeyPem)) {
    return {
      problem: problem(SIGNATURE_FILE, 'export.signature.invalid',
        `the export signature does not verify with the key kiosk-config trusts for device ${device} over ${SIGNED_FILE}; the package is not imported`),
    };
  }
  return { provenance: { ...base, keyFingerprint: keyFingerprint(known.publicKeyPem), verified: true, status: 'verified', text: `exported by device ${device}, verified` } };
}
