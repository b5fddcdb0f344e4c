// vmalert's number and duration formatting functions (humanize*, parseDuration, toTime).
import { FuncError } from "./errors.js";
import { formatFloat } from "./floatfmt.js";
import { timeString } from "./goformat.js";
import { GoDuration, GoTime, type GoValue, typeName } from "./values.js";

const g4 = (v: number) => formatFloat(v, "g", 4);

/** vmalert's toFloat64: numbers and numeric strings. */
export function toFloat64(v: GoValue): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string") return parseGoFloatString(v);
  if (v instanceof GoDuration) return Number(v.ns);
  throw new FuncError(`unexpected value type ${v === null || v === undefined ? "<nil>" : typeName(v)}`);
}

/** strconv.ParseFloat(s, 64) with its error text. */
export function parseGoFloatString(s: string): number {
  const t = s.replace(/_/g, "");
  let v: number | null = null;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && !/__|^_|_$/.test(s)) v = Number(t);
  else if (/^[+-]?(inf|infinity)$/i.test(s)) v = s.startsWith("-") ? -Infinity : Infinity;
  else if (/^nan$/i.test(s)) v = Number.NaN;
  else if (/^[+-]?0x[0-9a-f]+$/i.test(s)) v = Number(BigInt(s.replace(/^[+-]/, ""))) * (s.startsWith("-") ? -1 : 1);
  if (v === null) throw new FuncError(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
  return v;
}

export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    let prefix = "";
    for (const p of ["k", "M", "G", "T", "P", "E", "Z", "Y"]) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v) + prefix;
  }
  let prefix = "";
  for (const p of ["m", "u", "n", "p", "f", "a", "z", "y"]) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v) + prefix;
}

export function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = "";
  for (const p of ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"]) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v) + prefix;
}

export function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return `${g4(v)}s`;
  if (Math.abs(v) >= 1) {
    let sign = "";
    if (v < 0) {
      sign = "-";
      v = -v;
    }
    const whole = Math.trunc(v);
    const seconds = whole % 60;
    const minutes = Math.trunc(whole / 60) % 60;
    const hours = Math.trunc(whole / 3600) % 24;
    const days = Math.trunc(whole / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  let prefix = "";
  for (const p of ["m", "u", "n", "p", "f", "a", "z", "y"]) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}

export function humanizePercentage(v: number): string {
  return `${g4(v * 100)}%`;
}

/** Unix seconds → time truncated to milliseconds, as vmalert's timeFromUnixTimestamp. */
export function unixToTime(v: number): GoTime {
  const ms = Math.trunc(v * 1e3);
  return new GoTime(BigInt(ms) * 1_000_000n);
}

export function humanizeTimestamp(v: number): string {
  if (!Number.isFinite(v)) return g4(v);
  return timeString(unixToTime(v));
}

export function toTime(v: number): GoTime {
  if (!Number.isFinite(v)) throw new FuncError(`cannot convert ${formatFloat(v, "g", -1)} to time.Time`);
  return unixToTime(v);
}

const UNITS: Record<string, number> = {
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 7 * 86400,
  y: 365 * 86400,
  i: 0,
};

/** promutils.ParseDuration: Prometheus/MetricsQL durations ("1h30m", "1.5d", "-5m"), returned in ms. */
export function parseDurationMs(s: string): number {
  const bad = () => new FuncError(`cannot parse duration ${JSON.stringify(s)}`);
  if (s === "") throw bad();
  // Plain numbers are seconds.
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s) * 1000;
  let rest = s;
  let sign = 1;
  if (rest[0] === "-" || rest[0] === "+") {
    sign = rest[0] === "-" ? -1 : 1;
    rest = rest.slice(1);
  }
  let total = 0;
  const re = /^(\d+\.?\d*|\.\d+)(ms|s|m|h|d|w|y)/;
  if (!re.test(rest)) throw bad();
  while (rest.length) {
    const m = re.exec(rest);
    if (!m) throw bad();
    total += Number(m[1]) * UNITS[m[2]] * 1000;
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

export function parseDurationSeconds(s: string): number {
  return parseDurationMs(s) / 1000;
}

export function parseDurationTime(s: string): GoDuration {
  return new GoDuration(BigInt(Math.round(parseDurationMs(s) * 1e6)));
}
