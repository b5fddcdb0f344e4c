import { describe, expect, it } from "vitest";
import { parseRuleDuration } from "../../src/config/duration.js";

describe("parseRuleDuration (rule files)", () => {
  it.each([
    ["30s", 30_000],
    ["1m30s", 90_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["500ms", 500],
    ["2d", 172_800_000],
    ["1w", 604_800_000],
    ["1y", 31_536_000_000],
    ["90", 90_000],
    ["1.5", 1_500],
    ["-6m", -360_000],
    ["5M".toLowerCase(), 300_000],
    ["1H", 3_600_000],
  ])("%s = %d ms", (text, ms) => {
    expect(parseRuleDuration(text)).toBe(ms);
  });

  it("takes YAML numbers as seconds", () => {
    expect(parseRuleDuration(60)).toBe(60_000);
    expect(parseRuleDuration(0.25)).toBe(250);
  });

  it.each(["", "abc", "5M", "1m-", "m", "1.2.3s", "1 m"])("rejects %j", (text) => {
    expect(parseRuleDuration(text)).toBeNull();
  });

  it("rejects non-scalars", () => {
    expect(parseRuleDuration(null)).toBeNull();
    expect(parseRuleDuration({})).toBeNull();
    expect(parseRuleDuration(Number.NaN)).toBeNull();
  });
});
