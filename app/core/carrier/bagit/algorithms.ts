// Checksum algorithms of the conformance suite and RFC 8493 §2.4, with the
// hex length of their digests.
export const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export type DigestAlgorithm = (typeof ALGORITHMS)[number];

export const HEX_LENGTH: Record<DigestAlgorithm, number> = {
  md5: 32,
  sha1: 40,
  sha224: 56,
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

export function isAlgorithm(s: string): s is DigestAlgorithm {
  return (ALGORITHMS as readonly string[]).includes(s);
}
