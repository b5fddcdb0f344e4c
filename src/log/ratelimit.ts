// -loggerErrorsPerSecondLimit / -loggerWarnsPerSecondLimit, as vmalert's logger applies them: per call
// site, at most N lines of the level per second; the N-th carries "suppressing log message with rate
// limit=N: " in front, the rest of that second is dropped. tsalert then logs how many were dropped.

export type LimitedLevel = "warn" | "error";

/** What to do with one log call. */
export type Verdict = "log" | "last" | "drop";

export interface RateLimits {
  /** Lines per second and call site; 0 = no limit. */
  warn: number;
  error: number;
}

const WINDOW_MS = 1000;

const FLAG: Record<LimitedLevel, string> = {
  warn: "-loggerWarnsPerSecondLimit",
  error: "-loggerErrorsPerSecondLimit",
};

export const SUPPRESS_PREFIX = (limit: number) => `suppressing log message with rate limit=${limit}: `;

export class LogRateLimiter {
  private counts = new Map<string, { level: LimitedLevel; site: string; n: number }>();
  private windowEnd = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number,
    /** Writes the "suppressed N messages" line; must not come back through check(). */
    private readonly report: (level: LimitedLevel, text: string) => void,
  ) {}

  enabled(level: LimitedLevel): boolean {
    return this.limits[level] > 0;
  }

  check(level: LimitedLevel, site: string): Verdict {
    const limit = this.limits[level];
    if (limit <= 0) return "log";
    const now = this.now();
    if (now >= this.windowEnd) this.rollover(now);
    const key = `${level} ${site}`;
    const c = this.counts.get(key) ?? { level, site, n: 0 };
    c.n++;
    this.counts.set(key, c);
    if (c.n < limit) return "log";
    if (c.n === limit) return "last";
    // Reported when the second ends, also when nothing else is logged by then.
    this.timer ??= setTimeout(() => this.rollover(this.now()), Math.max(0, this.windowEnd - now)).unref();
    return "drop";
  }

  private rollover(now: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const counts = this.counts;
    this.counts = new Map();
    this.windowEnd = now + WINDOW_MS;
    for (const c of counts.values()) {
      const limit = this.limits[c.level];
      if (c.n <= limit) continue;
      this.report(
        c.level,
        `suppressed ${c.n - limit} ${c.level === "warn" ? "WARN" : "ERROR"} messages logged at ${c.site} within one second (${FLAG[c.level]}=${limit})`,
      );
    }
  }
}

/** Where a log call was made: `file:line` of the first stack frame outside pino and this logger. */
export function callSite(skip: (frame: string) => boolean): string {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 6;
  Error.captureStackTrace(holder, callSite);
  Error.stackTraceLimit = limit;
  for (const line of (holder.stack ?? "").split("\n").slice(1)) {
    if (skip(line)) continue;
    const m = /\(?([^\s()]+):(\d+):\d+\)?\s*$/.exec(line);
    if (m) return `${shortPath(m[1])}:${m[2]}`;
  }
  return "unknown";
}

/** The last two path segments: enough to find the file, short in the log line. */
function shortPath(p: string): string {
  const parts = p.replace(/^file:\/\//, "").split("/");
  return parts.slice(-2).join("/");
}
