// The reference server as the kiosks' log witness: per device, the newest
// checkpoint it accepted, kept on disk. A new checkpoint is accepted only when
// it is signed by the device's registered key and, when one is held already,
// an RFC 6962 consistency proof shows that the new tree extends the held one.
// A smaller tree, another tree of the same size, or a proof that does not
// hold is a rollback, refused (409).
import { createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CheckpointError, verifyDeviceCheckpoint } from '../../app/core/viewing-log/checkpoint';
import { verifyConsistency } from '../../app/core/viewing-log/merkle';
import { writeDurably } from './reports';

export type CheckpointVerdict =
  | { readonly kind: 'created' | 'held'; readonly size: number }
  | { readonly kind: 'refused'; readonly status: 400 | 404 | 409; readonly title: string; readonly detail: string };

/** Raw Ed25519 public key out of a PEM (as `kioskctl device pubkey` prints it). */
export function rawEd25519FromPem(pem: string): Buffer {
  const jwk = createPublicKey(pem).export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 public key');
  return Buffer.from(jwk.x, 'base64url');
}

/** `Log-Consistency-Proof: <base64>,<base64>,…` → hashes; null when malformed. An empty header is the empty proof. */
export function parseProofHeader(v: string | null): Buffer[] | null {
  if (v === null || v.trim() === '') return [];
  const out: Buffer[] = [];
  for (const item of v.split(',')) {
    const t = item.trim();
    const b = Buffer.from(t, 'base64');
    if (b.length !== 32 || b.toString('base64') !== t) return null;
    out.push(b);
  }
  return out;
}

export class CheckpointStore {
  private readonly dir: string;

  constructor(
    stateDir: string,
    /** deviceId -> raw Ed25519 public key, registered out of band (court IT). */
    private readonly devices: ReadonlyMap<string, Buffer>,
  ) {
    this.dir = path.join(stateDir, 'checkpoints');
    fs.mkdirSync(this.dir, { recursive: true });
  }

  private file(deviceId: string): string {
    return path.join(this.dir, `${encodeURIComponent(deviceId)}.note`);
  }

  latest(deviceId: string): string | null {
    try {
      return fs.readFileSync(this.file(deviceId), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  /** Test hook: what the witness holds, replaced without any check (a faulty or lying witness). */
  plant(deviceId: string, note: string): void {
    writeDurably(this.file(deviceId), Buffer.from(note, 'utf8'));
  }

  accept(deviceId: string, note: string, proofHeader: string | null): CheckpointVerdict {
    const key = this.devices.get(deviceId);
    if (key === undefined) return { kind: 'refused', status: 404, title: 'Unknown device', detail: `no key is registered for device ${JSON.stringify(deviceId)}` };
    let next;
    try {
      next = verifyDeviceCheckpoint(note, deviceId, key);
    } catch (e) {
      const why = e instanceof CheckpointError ? `${e.rule}: ${e.message}` : String(e);
      return { kind: 'refused', status: 409, title: 'Checkpoint signature does not verify', detail: why };
    }
    const heldNote = this.latest(deviceId);
    if (heldNote !== null) {
      const held = verifyDeviceCheckpoint(heldNote, deviceId, key);
      if (next.size < held.size) {
        return { kind: 'refused', status: 409, title: 'Rollback refused', detail: `the checkpoint covers ${next.size} entries; ${held.size} are witnessed already` };
      }
      const proof = parseProofHeader(proofHeader);
      if (proof === null) return { kind: 'refused', status: 400, title: 'Bad Log-Consistency-Proof', detail: 'expected comma-separated base64 SHA-256 hashes' };
      if (next.size === held.size && next.root.equals(held.root)) return { kind: 'held', size: held.size };
      // Every tree extends the empty one; otherwise the proof must hold.
      if (held.size > 0 && !verifyConsistency(held.size, next.size, held.root, next.root, proof)) {
        return {
          kind: 'refused',
          status: 409,
          title: 'Rollback refused',
          detail: `the consistency proof does not show that the tree of ${next.size} entries extends the witnessed tree of ${held.size}`,
        };
      }
    }
    writeDurably(this.file(deviceId), Buffer.from(note, 'utf8'));
    return { kind: 'created', size: next.size };
  }
}
