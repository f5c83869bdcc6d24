// Countdowns for the screens that show one (time left, the idle warning). The
// kiosk says how many seconds are left each time it sends a view, measured on
// its monotonic clock; the page counts on from there on its own monotonic
// clock (performance.now), re-read every second. Neither side reads a wall
// clock, so one set back or forward changes no countdown.
import { useEffect, useState } from 'react';

/**
 * Milliseconds left of `sec` seconds said by the kiosk when `basis` (the view
 * that said it) arrived; null when the kiosk said none.
 */
export function useCountdown(sec: number | null, basis: unknown, everyMs = 1000): number | null {
  const [now, setNow] = useState(() => performance.now());
  const [said, setSaid] = useState<{ sec: number; at: number } | null>(null);
  useEffect(() => {
    const id = window.setInterval(() => setNow(performance.now()), everyMs);
    return () => window.clearInterval(id);
  }, [everyMs]);
  useEffect(() => {
    const at = performance.now();
    setSaid(sec === null ? null : { sec, at });
    setNow(at);
  }, [sec, basis]);
  if (sec === null || said === null) return sec === null ? null : sec * 1000;
  return Math.max(0, said.sec * 1000 - Math.max(0, now - said.at));
}
