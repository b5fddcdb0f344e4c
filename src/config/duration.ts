// Durations in rule files (MetricsQL syntax): a bare number is seconds; otherwise <num><unit> parts
// are summed, units ms s m h d w y (y = 365d). Returns milliseconds, or null when not a duration.

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

const BARE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const PART = /^(\d+\.?\d*|\.\d+)(ms|s|m|h|d|w|y)/i;

export function parseRuleDuration(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? Math.round(value * 1000) : null;
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (BARE.test(text)) return Math.round(Number(text) * 1000);
  let s = text;
  let sign = 1;
  if (s.startsWith("-")) {
    sign = -1;
    s = s.slice(1);
  }
  if (s === "") return null;
  let total = 0;
  while (s.length > 0) {
    const m = PART.exec(s);
    // An upper-case M would read as minutes elsewhere but means months to most readers: refuse it.
    if (!m || m[2] === "M") return null;
    total += Number(m[1]) * UNIT_MS[m[2].toLowerCase()];
    s = s.slice(m[0].length);
  }
  return sign * Math.round(total);
}
