import { describe, expect, it } from "vitest";
import { float32String, goTruncate, rfc3339Nano } from "../../src/rule/format.js";
import { alertID, Fnv64, goDuration, groupID, ruleID } from "../../src/rule/ids.js";

// Expected values computed independently with Python's integer arithmetic (FNV-1a 64 over UTF-8).
describe("FNV-1a 64", () => {
  it("matches reference values, including multi-byte UTF-8", () => {
    expect(new Fnv64().decimal()).toBe("14695981039346656037");
    expect(new Fnv64().string("a").decimal()).toBe("12638187200555641996");
    expect(new Fnv64().string("héllo→😀").decimal()).toBe("18379022367884718919");
  });

  it("group ID hashes file, 0xFF, name, type, interval and eval_offset", () => {
    expect(groupID({ file: "rules/a.rules", name: "group1", type: "prometheus", interval: 60_000 })).toBe(
      "13722992868191780203",
    );
    expect(
      groupID({ file: "rules/a.rules", name: "group1", type: "prometheus", interval: 30_000, evalOffset: -360_000 }),
    ).toBe("17816424658953693907");
  });

  it("rule ID hashes expr, kind+name and own labels sorted", () => {
    expect(ruleID("alerting", "InstanceDown", "up == 0", { team: "ops", severity: "page" })).toBe(
      "9701661440583435536",
    );
    expect(ruleID("recording", "job:x:sum", "sum(x)", {})).toBe("1012149134705917174");
  });

  it("alert ID skips __name__ and sorts keys", () => {
    expect(alertID({ job: "j", __name__: "up", alertname: "A" })).toBe("12467571253113890198");
  });
});

describe("Go formatting", () => {
  it("Duration.String()", () => {
    expect(goDuration(60_000)).toBe("1m0s");
    expect(goDuration(30_000)).toBe("30s");
    expect(goDuration(3_600_000)).toBe("1h0m0s");
    expect(goDuration(1500)).toBe("1.5s");
    expect(goDuration(500)).toBe("500ms");
    expect(goDuration(-360_000)).toBe("-6m0s");
    expect(goDuration(0)).toBe("0s");
    expect(goDuration(90_061_000)).toBe("25h1m1s");
    expect(goDuration(0.0015)).toBe("1.5µs");
  });

  it("Time.Truncate counts from year 1: 7m differs from epoch alignment", () => {
    const t = Date.UTC(2026, 7, 20, 8, 3, 17);
    expect(goTruncate(t, 60_000)).toBe(Date.UTC(2026, 7, 20, 8, 3, 0));
    const seven = 7 * 60_000;
    const aligned = goTruncate(t, seven);
    expect(aligned).not.toBe(t - (t % seven));
    expect((aligned + 62135596800000) % seven).toBe(0);
    expect(t - aligned).toBeLessThan(seven);
    expect(Math.abs(aligned - (t - (t % seven))) % 60_000).toBe(0);
  });

  it("float32 values without exponent", () => {
    expect(float32String(1)).toBe("1");
    expect(float32String(0.1)).toBe("0.1");
    expect(float32String(123456789)).toBe("123456790");
    expect(float32String(1e-7)).toBe("0.0000001");
    expect(float32String(Math.E)).toBe("2.7182817");
    expect(float32String(1.23456789)).toBe("1.2345679");
    expect(float32String(Number.NaN)).toBe("NaN");
    expect(float32String(Number.POSITIVE_INFINITY)).toBe("+Inf");
    expect(float32String(-2.5)).toBe("-2.5");
  });

  it("RFC3339Nano with trimmed fraction; zero time for never", () => {
    const tz = process.env.TZ;
    expect(rfc3339Nano(0)).toBe("0001-01-01T00:00:00Z");
    if (!tz || tz === "UTC") {
      expect(rfc3339Nano(Date.UTC(2026, 7, 20, 8, 20, 0, 120))).toBe("2026-08-20T08:20:00.12Z");
      expect(rfc3339Nano(Date.UTC(2026, 7, 20, 8, 20, 0))).toBe("2026-08-20T08:20:00Z");
    }
  });
});
