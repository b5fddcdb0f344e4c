// When an interval group evaluates: the first evaluation's delay and each evaluation's query time, as
// vmalert computes them (README "Scheduling": eval_offset, eval_delay, eval_alignment, -group.maxStartDelay).
// Cron groups take their fire times from src/config/cron.ts.
import { goTruncate } from "./format.js";

/** Delay before the first evaluation of a group started at `now` (ms). */
export function startDelay(
  now: number,
  interval: number,
  evalOffset: number | undefined,
  groupFraction: number,
  maxStartDelay: number,
): number {
  if (evalOffset !== undefined) {
    const off = evalOffset < 0 ? evalOffset + interval : evalOffset;
    let p = goTruncate(now, interval) + off;
    if (p < now) p += interval;
    return p - now;
  }
  const i = maxStartDelay > 0 ? Math.min(interval, maxStartDelay) : interval;
  if (i <= 0) return 0;
  const phase = Math.floor(i * groupFraction);
  let sleep = phase - (((now % i) + i) % i);
  if (sleep < 0) sleep += i;
  return sleep;
}

export interface TimestampSettings {
  interval: number;
  evalOffset?: number;
  evalDelay: number;
  evalAlignment: boolean;
}

/** The query timestamp for an evaluation scheduled at evalTS. */
export function evalTimestamp(evalTS: number, s: TimestampSettings): number {
  if (s.evalOffset !== undefined) return evalTS;
  const ts = evalTS - s.evalDelay;
  return s.evalAlignment ? goTruncate(ts, s.interval) : ts;
}
