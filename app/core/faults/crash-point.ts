// Named crash points for the kill tests: `KIOSK_CRASH_AT=<name>` makes
// the process SIGKILL itself the moment it reaches that point, so a test can
// kill an import or an export exactly between two steps (after the catalog
// commit, between the log entry and the signature…) instead of hoping a
// random timer lands there. SIGKILL, not exit(): no finally block, no
// exit handler and no buffered write may run, exactly as in a power cut.
// Unset (every real kiosk), a crash point is one string comparison.

/** Every crash point the code places, export ones in the order an export reaches them; a test names one of these. */
export const CRASH_POINTS = [
  'import.before-commit',
  'import.after-commit',
  'export.after-payload',
  'export.after-receipt-parts',
  'export.after-log',
  'export.after-receipt-proof',
  'export.after-signature',
  'export.after-rename',
  'export.after-receipt-json',
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

const armed = process.env.KIOSK_CRASH_AT;

export function crashPoint(name: CrashPoint): void {
  if (armed === name) process.kill(process.pid, 'SIGKILL');
}
