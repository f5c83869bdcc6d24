// Signed protocols (UA-3, UA-4), the same rule for every source: a protocol
// without a signature, or with one that does not verify against the trusted
// signers, holds its recording for a clerk unless the configuration allows it.
import type { IngestContext } from './context';
import type { CmsVerification } from '../signature';
import type { SignatureVerdict } from '../../shared/media-contract';

/** What is kept of a verified signature: everything the verdict in words beside the protocol says (UA-3). */
function storedVerdict(v: Extract<CmsVerification, { ok: true }>): SignatureVerdict {
  return {
    ok: true,
    signer: v.signerSubject,
    signingTime: v.signingTime,
    issuer: v.issuer ?? null,
    validFrom: v.validFrom ?? null,
    validTo: v.validTo ?? null,
    algorithm: v.algorithm ?? null,
  };
}

export interface ProtocolAttachment {
  readonly path: string;
  readonly kind: string;
  readonly signature?: string | null | undefined;
}

export interface ProtocolCheck {
  readonly holds: string[];
  /** Per protocol path: what is stored as the signature's verdict. */
  readonly verdicts: Map<string, unknown>;
}

/** `bytesOf` gives a stored file's bytes, or null when it was too large to keep in memory. */
export async function verifyProtocols(
  ctx: Pick<IngestContext, 'protocols' | 'allowUnsignedProtocols'>,
  jurisdiction: string,
  attachments: readonly ProtocolAttachment[],
  bytesOf: (path: string) => Buffer | null | undefined,
): Promise<ProtocolCheck> {
  const holds: string[] = [];
  const verdicts = new Map<string, unknown>();
  for (const a of attachments) {
    if (a.kind !== 'protocol') continue;
    if (!a.signature) {
      if (jurisdiction === 'UA' && !ctx.allowUnsignedProtocols) holds.push('ua4.protocol-unsigned');
      continue;
    }
    const content = bytesOf(a.path);
    const sig = bytesOf(a.signature);
    const v = content && sig ? await ctx.protocols.verify(content, sig) : { ok: false as const, rule: 'cms.too-large', message: 'protocol too large to verify in memory' };
    verdicts.set(a.path, v.ok ? storedVerdict(v) : { ok: false, rule: v.rule, message: v.message });
    if (!v.ok && !ctx.allowUnsignedProtocols) holds.push(`ua4.protocol-signature: ${v.message}`);
  }
  return { holds, verdicts };
}
