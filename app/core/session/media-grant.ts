// The capability a viewing session's player uses to reach its media. One
// random token per session, issued when the session's recordings have passed
// the pre-playback check (handover) and revoked the moment the session leaves
// handover/viewing, whatever the reason. It names the session and exactly the
// recordings verified for it; nothing else is reachable with it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { RecordingRef } from '../../shared/session-contract';

export interface GrantedRecording extends RecordingRef {
  /** First part's SHA-256 as recorded at import and checked before playback. */
  readonly sha256: string;
}

export interface MediaGrant {
  readonly capability: string;
  readonly sessionId: string;
  readonly recordings: readonly GrantedRecording[];
  /** When the pre-playback verification was accepted (ISO 8601). */
  readonly checkedAt: string;
}

/** 32 random bytes, base64url: unguessable, and safe as one URL path segment. */
export function newCapability(): string {
  return randomBytes(32).toString('base64url');
}

/** At most one live grant: the kiosk runs one session at a time. */
export class MediaGrants {
  #live: MediaGrant | null = null;

  issue(sessionId: string, recordings: readonly GrantedRecording[], checkedAt: string): MediaGrant {
    this.#live = { capability: newCapability(), sessionId, recordings: recordings.map((r) => ({ ...r })), checkedAt };
    return this.#live;
  }

  revoke(): void {
    this.#live = null;
  }

  get live(): MediaGrant | null {
    return this.#live;
  }

  /** The live grant when `capability` is its token (compared in constant time), else null. */
  lookup(capability: string): MediaGrant | null {
    const live = this.#live;
    if (!live) return null;
    const a = Buffer.from(capability);
    const b = Buffer.from(live.capability);
    return a.length === b.length && timingSafeEqual(a, b) ? live : null;
  }
}

/** Whether `ref` is one of the grant's recordings. */
export function grantCovers(grant: MediaGrant, ref: RecordingRef): GrantedRecording | null {
  return grant.recordings.find((r) => r.identifier === ref.identifier && r.version === ref.version) ?? null;
}
