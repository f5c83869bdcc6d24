// The viewing log's checkpoint origin. It is also the name of the key that
// signs the checkpoints, as C2SP tlog-checkpoint asks ("the key name SHOULD
// be the origin line"), so a verifier needs only the device id and its
// public key. Shared by the kiosk, the reference TIS and the offline verifier.
export function logOrigin(deviceId: string): string {
  return `court-kiosk/${deviceId}`;
}

/** The key name this device's checkpoints carried before it became the origin; still accepted when verifying. */
export function legacyLogKeyName(deviceId: string): string {
  return `court-kiosk-${deviceId}`;
}

/**
 * Entries after which the log signs a checkpoint at once: a session closed,
 * an import, an export, a purge, a release. Each is something a court may
 * later ask about, so it is covered by a checkpoint, sent to the witnesses,
 * from the moment it is logged.
 */
export function checkpointsAfter(type: string): boolean {
  return (
    type === 'session.closed' ||
    type === 'purge' ||
    type === 'export' ||
    type === 'log.exported' ||
    type.startsWith('import.') ||
    type.startsWith('release')
  );
}
