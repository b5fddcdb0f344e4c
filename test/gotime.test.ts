import { afterEach, describe, expect, it } from "vitest";
import { fmtDuration, rfc3339Nano } from "../src/gotime.js";
import { alertsBodies } from "../src/notifier/alertmanager.js";

const AT = Date.UTC(2026, 7, 20, 8, 20, 0, 120);

describe("rfc3339Nano", () => {
  const savedTZ = process.env.TZ;
  afterEach(() => {
    if (savedTZ === undefined) delete process.env.TZ;
    else process.env.TZ = savedTZ;
  });

  it("prints Go's RFC3339Nano: fraction without trailing zeros, Go's zero time for a time never set", () => {
    expect(rfc3339Nano(AT, "UTC")).toBe("2026-08-20T08:20:00.12Z");
    expect(rfc3339Nano(Date.UTC(2026, 7, 20, 8, 20, 0), "UTC")).toBe("2026-08-20T08:20:00Z");
    expect(rfc3339Nano(0)).toBe("0001-01-01T00:00:00Z");
    expect(rfc3339Nano(0, "UTC")).toBe("0001-01-01T00:00:00Z");
  });

  it("the API's times are in the host's zone, as vmalert shows them", () => {
    process.env.TZ = "Asia/Kolkata";
    expect(rfc3339Nano(AT)).toBe("2026-08-20T13:50:00.12+05:30");
    process.env.TZ = "America/New_York";
    expect(rfc3339Nano(AT)).toBe("2026-08-20T04:20:00.12-04:00");
  });

  it("what Alertmanager gets is UTC whatever the host's zone", () => {
    process.env.TZ = "Asia/Kolkata";
    expect(rfc3339Nano(AT, "UTC")).toBe("2026-08-20T08:20:00.12Z");
    const [{ body }] = [
      ...alertsBodies([
        {
          labels: { alertname: "A" },
          annotations: {},
          startsAt: new Date(AT),
          endsAt: new Date(AT + 60_000),
          generatorURL: "",
        },
      ]),
    ] as { body: string }[];
    const [sent] = JSON.parse(body) as { startsAt: string; endsAt: string }[];
    expect(sent.startsAt).toBe("2026-08-20T08:20:00.12Z");
    expect(sent.endsAt).toBe("2026-08-20T08:21:00.12Z");
  });
});

describe("fmtDuration", () => {
  it("prints Prometheus' duration notation", () => {
    expect(fmtDuration(0)).toBe("0s");
    expect(fmtDuration(300)).toBe("300ms");
    expect(fmtDuration(5_000)).toBe("5s");
    expect(fmtDuration(90_000)).toBe("1m30s");
    expect(fmtDuration(1_500)).toBe("1s500ms");
    expect(fmtDuration(26 * 3_600_000 + 3_000)).toBe("1d2h3s");
  });
});
