/**
 * When an idle dashboard must redraw: when a shown uptime changes. Uptimes
 * under a minute show seconds (redrawn every 10 s); after that they
 * change once a minute (once an hour after a day), so an idle dashboard
 * draws a frame a minute instead of one every few seconds.
 */
export const YOUNG_TICK_MS = 10_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Milliseconds from `now` until the first of these uptimes (service start times) shows a new value; undefined if none shows. */
export function nextUptimeChange(startedAts: readonly number[], now: number): number | undefined {
  let next: number | undefined;
  for (const startedAt of startedAts) {
    const uptime = Math.max(0, now - startedAt);
    let wait: number;
    if (uptime < MINUTE) wait = Math.min(YOUNG_TICK_MS, MINUTE - uptime);
    else {
      const step = uptime < DAY ? MINUTE : HOUR;
      wait = step - (uptime % step);
    }
    next = next === undefined ? wait : Math.min(next, wait);
  }
  return next === undefined ? undefined : Math.max(50, next);
}
