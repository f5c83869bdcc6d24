// PL-6.2 / PL-7: after the case files (with the recordings) are transferred to
// the archive, every local copy is deleted and the deletion recorded. Keys are
// shredded first, in one transaction with the deletion record — from that
// moment the ciphertext is unreadable — then the files are removed. A crash in
// between leaves keyless files that start-up sweeps.
import { canonicalJson } from '../../shared/canonical-json';
import { sealRecording } from '../catalog';
import { KioskError } from '../errors';
import type { Kiosk } from '../kiosk';

export interface DeletionCertificate {
  readonly type: 'court-kiosk/deletion-certificate/v1';
  readonly device: { id: string; name: string };
  readonly organisation: string;
  readonly case: string;
  readonly transferReference: string;
  readonly operator: string;
  /** The two people who authorised it (account name and id), when it was started by kioskctl with accounts. */
  readonly approvedBy?: string[];
  /** Why the copy may go: the case's transfer export, or a stated reason. */
  readonly grounds?: PurgeGrounds;
  readonly at: string;
  readonly recordings: Array<{ identifier: string | null; version: number; title: string | null; sha256: string[] }>;
}

export type PurgeGrounds = { readonly exportReceipt: string } | { readonly reason: string };

export interface SignedCertificate {
  readonly certificate: DeletionCertificate;
  /** Ed25519 over the canonical JSON of `certificate`, base64. */
  readonly signature: string;
  readonly publicKeyPem: string;
}

export async function purgeCase(
  kiosk: Kiosk,
  opts: { caseSignature: string; transferRef: string; operator: string; approvedBy?: string[]; grounds?: PurgeGrounds; now?: Date },
): Promise<SignedCertificate> {
  const db = kiosk.db;
  const c = db.prepare('SELECT id FROM cases WHERE signature = ?').get(opts.caseSignature) as { id: number } | undefined;
  if (!c) throw new KioskError('not-found', `unknown case ${opts.caseSignature}`);
  if (!opts.transferRef.trim()) throw new KioskError('usage', '--transferred needs the archive transfer reference');
  const recs = db.prepare('SELECT id, identifier, version, title FROM recordings WHERE case_id = ? AND purged_at IS NULL ORDER BY identifier, version').all(c.id) as Array<{
    id: number;
    identifier: string | null;
    version: number;
    title: string | null;
  }>;
  if (recs.length === 0) throw new KioskError('refused', `case ${opts.caseSignature} has no stored recordings (already purged?)`);
  const at = (opts.now ?? new Date()).toISOString();
  const objectIdsOf = db.prepare(
    `SELECT object_id AS id, sha256 FROM parts WHERE recording_id = @id
     UNION SELECT object_id, sha256 FROM attachments WHERE recording_id = @id
     UNION SELECT signature_object_id, signature_sha256 FROM attachments WHERE recording_id = @id AND signature_object_id IS NOT NULL`,
  );
  const perRec = recs.map((r) => ({ r, objs: objectIdsOf.all({ id: r.id }) as Array<{ id: string; sha256: string }> }));
  const cert: DeletionCertificate = {
    type: 'court-kiosk/deletion-certificate/v1',
    device: { id: kiosk.config.device.id, name: kiosk.config.device.name },
    organisation: kiosk.config.organisation.name,
    case: opts.caseSignature,
    transferReference: opts.transferRef,
    operator: opts.operator,
    ...(opts.approvedBy ? { approvedBy: opts.approvedBy } : {}),
    ...(opts.grounds ? { grounds: opts.grounds } : {}),
    at,
    recordings: perRec.map(({ r, objs }) => ({ identifier: r.identifier, version: r.version, title: r.title, sha256: objs.map((o) => o.sha256) })),
  };
  const signer = kiosk.signer();
  const signed: SignedCertificate = {
    certificate: cert,
    signature: signer.sign(Buffer.from(canonicalJson(cert))).toString('base64'),
    publicKeyPem: signer.publicKeyPem,
  };
  // Objects still needed by a recording of another case (same content) keep their key.
  const stillUsed = db.prepare(
    `SELECT 1 FROM (SELECT object_id AS id, recording_id FROM parts UNION ALL SELECT object_id, recording_id FROM attachments
                    UNION ALL SELECT signature_object_id, recording_id FROM attachments) u
       JOIN recordings r ON r.id = u.recording_id WHERE u.id = ? AND r.case_id <> ? AND r.purged_at IS NULL LIMIT 1`,
  );
  const toShred = [...new Set(perRec.flatMap((p) => p.objs.map((o) => o.id)))].filter((id) => !stillUsed.get(id, c.id));
  db.transaction(() => {
    const shred = db.prepare('UPDATE objects SET wrapped_key = NULL, shredded_at = ? WHERE id = ?');
    for (const id of toShred) shred.run(at, id);
    const mark = db.prepare('UPDATE recordings SET purged_at = ? WHERE id = ?');
    for (const { r } of perRec) {
      mark.run(at, r.id);
      sealRecording(db, r.id, kiosk.rowMac);
    }
    db.prepare('INSERT INTO deletions (case_signature, transfer_ref, operator, at, recordings_json, certificate) VALUES (?, ?, ?, ?, ?, ?)').run(
      opts.caseSignature, opts.transferRef, opts.operator, at, JSON.stringify(cert.recordings), JSON.stringify(signed),
    );
  })();
  kiosk.log.append('purge', {
    case: opts.caseSignature, transferReference: opts.transferRef, operator: opts.operator, approvedBy: opts.approvedBy ?? [], grounds: opts.grounds ?? null,
    recordings: cert.recordings.map((r) => ({ identifier: r.identifier, version: r.version, sha256: r.sha256 })),
    certificateSignature: signed.signature,
  });
  for (const id of toShred) await kiosk.store.shred(id);
  return signed;
}
