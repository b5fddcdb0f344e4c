import { describe, expect, it } from "vitest";
import { evalTimestamp, startDelay } from "../../src/rule/schedule.js";

const MIN = 60_000;

describe("group timestamps", () => {
  const now = Date.UTC(2026, 7, 20, 8, 3, 17, 250);

  it("eval_delay then alignment to the interval", () => {
    expect(evalTimestamp(now, { interval: MIN, evalDelay: 30_000, evalAlignment: true })).toBe(
      Date.UTC(2026, 7, 20, 8, 2, 0),
    );
    expect(evalTimestamp(now, { interval: MIN, evalDelay: 30_000, evalAlignment: false })).toBe(now - 30_000);
  });

  it("eval_offset groups use the evaluation time as is", () => {
    expect(evalTimestamp(now, { interval: MIN, evalOffset: 10_000, evalDelay: 30_000, evalAlignment: true })).toBe(now);
  });

  it("alignment of 7m uses Go's zero-time truncation", () => {
    const ts = evalTimestamp(now, { interval: 7 * MIN, evalDelay: 0, evalAlignment: true });
    expect((ts + 62135596800000) % (7 * MIN)).toBe(0);
    expect(ts % (7 * MIN)).not.toBe(0);
  });

  it("eval_offset start: the next grid point plus offset", () => {
    const d = startDelay(now, 5 * MIN, 2 * MIN, 0.5, 300_000);
    expect(now + d).toBe(Date.UTC(2026, 7, 20, 8, 7, 0));
    const neg = startDelay(now, 5 * MIN, -MIN, 0.5, 300_000);
    expect(now + neg).toBe(Date.UTC(2026, 7, 20, 8, 4, 0));
  });

  it("hash phase start within min(interval, maxStartDelay)", () => {
    const d = startDelay(now, 10 * MIN, undefined, 0.5, 2 * MIN);
    expect((now + d) % (2 * MIN)).toBe(MIN);
    expect(d).toBeLessThan(2 * MIN);
    expect(startDelay(now, MIN, undefined, 0, 300_000)).toBe(MIN - 17_250);
  });
});
