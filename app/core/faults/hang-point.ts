// Named hang points for the watchdog test (issue 20, acceptance 5):
// `KIOSK_HANG_AT=<name>` makes the process block its own event loop for good
// the moment it reaches that point, as a runaway loop or a stuck synchronous
// call would. Nothing in JavaScript runs after it (no timer, no signal
// handler, no watchdog pet): only a supervisor that notices the missing pets
// can end it. Unset (every real kiosk), a hang point is one comparison.

/** Every hang point the code places; a test names one of these. */
export const HANG_POINTS = ['session.after-open'] as const;

export type HangPoint = (typeof HANG_POINTS)[number];

const armed = process.env.KIOSK_HANG_AT;

export function hangPoint(name: HangPoint): void {
  if (armed !== name) return;
  // Atomics.wait on a value nobody will change: the thread sleeps in the
  // kernel (no CPU burnt) and the event loop never turns again.
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(cell, 0, 0);
}
