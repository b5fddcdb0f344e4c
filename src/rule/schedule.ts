// When a group evaluates (reference §3.1/§3.2) and the tsalert `cron` extension.
import { errorMessage } from "../errors.js";
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

// --- cron ---

interface CronField {
  allowed: boolean[];
  star: boolean;
}

export interface CronSchedule {
  source: string;
  seconds: CronField;
  minutes: CronField;
  hours: CronField;
  dom: CronField;
  months: CronField;
  dow: CronField;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

function parseValue(s: string, min: number, names?: string[]): number {
  const lower = s.toLowerCase();
  if (names) {
    const i = names.findIndex((n) => lower.startsWith(n));
    if (i >= 0 && /^[a-z]+$/.test(lower)) return i + min;
  }
  if (!/^\d+$/.test(s)) throw new Error(`bad value "${s}"`);
  return Number(s);
}

function parseField(text: string, min: number, max: number, names?: string[], dow = false): CronField {
  const allowed: boolean[] = new Array(max + 1).fill(false);
  const star = text === "*" || text === "?";
  for (const part of text.split(",")) {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in "${part}"`);
    let lo: number;
    let hi: number;
    if (range === "*" || range === "?") {
      lo = min;
      hi = max;
    } else if (range.includes("-")) {
      const [a, b] = range.split("-");
      lo = parseValue(a, min, names);
      hi = parseValue(b, min, names);
    } else {
      lo = parseValue(range, min, names);
      hi = stepText === undefined ? lo : max;
    }
    if (dow && hi === 7) hi = 7;
    const top = dow ? 7 : max;
    if (lo < min || hi > top || lo > hi) throw new Error(`value out of range in "${part}"`);
    for (let v = lo; v <= hi; v += step) allowed[dow && v === 7 ? 0 : v] = true;
  }
  return { allowed, star };
}

/** Parses a 5-field (minute-based) or 6-field (with seconds) cron expression, as node-cron accepts. */
export function parseCron(expr: string): CronSchedule {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) {
    throw new Error(`cron expression "${expr}" must have 5 or 6 fields`);
  }
  const f = parts.length === 6 ? parts : ["0", ...parts];
  try {
    return {
      source: expr,
      seconds: parseField(f[0], 0, 59),
      minutes: parseField(f[1], 0, 59),
      hours: parseField(f[2], 0, 23),
      dom: parseField(f[3], 1, 31),
      months: parseField(f[4], 1, 12, MONTHS),
      dow: parseField(f[5], 0, 6, DAYS, true),
    };
  } catch (err) {
    throw new Error(`cron expression "${expr}": ${errorMessage(err)}`);
  }
}

function dayMatches(c: CronSchedule, d: Date): boolean {
  const domOk = c.dom.allowed[d.getDate()];
  const dowOk = c.dow.allowed[d.getDay()];
  // Vixie cron: when both day fields are restricted, either may match.
  if (!c.dom.star && !c.dow.star) return domOk || dowOk;
  return domOk && dowOk;
}

/** The first fire time strictly after `after` (ms, local time as node-cron uses), or null within 5 years. */
export function nextCronTime(c: CronSchedule, after: number): number | null {
  const d = new Date(Math.floor(after / 1000) * 1000 + 1000);
  const limit = after + 5 * 366 * 86_400_000;
  while (d.getTime() <= limit) {
    if (!c.months.allowed[d.getMonth() + 1]) {
      d.setMonth(d.getMonth() + 1, 1);
      d.setHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(c, d)) {
      d.setDate(d.getDate() + 1);
      d.setHours(0, 0, 0, 0);
      continue;
    }
    if (!c.hours.allowed[d.getHours()]) {
      d.setHours(d.getHours() + 1, 0, 0, 0);
      continue;
    }
    if (!c.minutes.allowed[d.getMinutes()]) {
      d.setMinutes(d.getMinutes() + 1, 0, 0);
      continue;
    }
    if (!c.seconds.allowed[d.getSeconds()]) {
      d.setSeconds(d.getSeconds() + 1, 0);
      continue;
    }
    return d.getTime();
  }
  return null;
}
