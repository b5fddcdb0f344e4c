// `cron` groups (README "`cron` groups"): one library, croner, checks a schedule when the file loads and
// computes its fire times while the group runs, so a file that loads is a file whose schedule runs. Fire
// times are computed from a time the caller gives, never from the library's own clock: the engine's clock
// (a fake one in tests) decides what "now" is.
import { Cron } from "croner";

export interface CronSchedule {
  readonly source: string;
  /** The first fire time strictly after `afterMs` (process' local time zone), or null when there is none. */
  next(afterMs: number): number | null;
}

/** Parses a 5-field (minute-based) or 6-field (seconds first) cron expression; throws on a bad one. */
export function parseCron(expr: string): CronSchedule {
  // paused and without a function: the library only computes, it never starts a timer.
  const cron = new Cron(expr, { paused: true, mode: "5-or-6-parts" });
  return {
    source: expr,
    next(afterMs) {
      const d = cron.nextRun(new Date(afterMs));
      return d ? d.getTime() : null;
    },
  };
}

/** A cron group's nominal interval, ms: the gap between its next two fire times after `now`. */
export function cronInterval(c: CronSchedule, now: number): number | null {
  const a = c.next(now);
  if (a === null) return null;
  const b = c.next(a);
  return b === null ? null : b - a;
}
