import { describe, expect, it } from "vitest";
import { parseRFC3339, ReplayOptionsError, replayOptions } from "../../src/replay/options.js";
import { replayTimestamps } from "../../src/replay/replay.js";

const now = Date.UTC(2026, 10, 25, 10, 0, 0);
const base = {
  timeFrom: "2026-11-25T09:00:00Z",
  timeTo: "2026-11-25T09:30:00Z",
  rulesDelay: 1000,
  maxDatapointsPerQuery: 1000,
  ruleRetryAttempts: 5,
  disableProgressBar: false,
  continueWithExecutionErr: false,
};

describe("replay options", () => {
  it("accepts a past range", () => {
    const o = replayOptions(base, now);
    expect(o.from).toBe(Date.UTC(2026, 10, 25, 9, 0, 0));
    expect(o.to).toBe(Date.UTC(2026, 10, 25, 9, 30, 0));
  });

  it("defaults timeTo to now", () => {
    expect(replayOptions({ ...base, timeTo: "" }, now).to).toBe(now);
  });

  it("rejects an empty or reversed range", () => {
    expect(() => replayOptions({ ...base, timeTo: base.timeFrom }, now)).toThrow(/later than -replay.timeFrom/);
    expect(() => replayOptions({ ...base, timeTo: "2026-11-25T08:00:00Z" }, now)).toThrow(ReplayOptionsError);
  });

  it("rejects a range in the future", () => {
    expect(() => replayOptions({ ...base, timeFrom: "2026-11-25T11:00:00Z", timeTo: "" }, now)).toThrow(
      /in the future/,
    );
    expect(() => replayOptions({ ...base, timeTo: "2026-11-25T10:00:01Z" }, now)).toThrow(/timeTo .* in the future/);
  });

  it("rejects bad numbers and times", () => {
    expect(() => replayOptions({ ...base, maxDatapointsPerQuery: 0 }, now)).toThrow(/maxDatapointsPerQuery/);
    expect(() => replayOptions({ ...base, ruleRetryAttempts: 0 }, now)).toThrow(/ruleRetryAttempts/);
    expect(() => parseRFC3339("-replay.timeFrom", "yesterday")).toThrow(/RFC3339/);
    expect(parseRFC3339("x", "2026-01-02T03:04:05.5+01:00")).toBe(Date.UTC(2026, 0, 2, 2, 4, 5, 500));
  });
});

describe("replayTimestamps", () => {
  it("starts on the group's alignment grid and keeps both ends", () => {
    const from = Date.UTC(2026, 0, 1, 0, 0, 7);
    const to = Date.UTC(2026, 0, 1, 0, 1, 0);
    expect(replayTimestamps(from, to, 10_000)).toEqual({ first: Date.UTC(2026, 0, 1, 0, 0, 10), count: 6 });
    expect(replayTimestamps(to, to, 10_000)).toEqual({ first: to, count: 1 });
    expect(replayTimestamps(from, from + 1000, 10_000).count).toBe(0);
  });
});
