// Drops are counted exactly; floods are logged once at once, then at most once an interval with the total.
import { describe, expect, it } from "vitest";
import { createDropLog } from "../../src/remotewrite/droplog.js";
import { destinationMetrics } from "../../src/remotewrite/metrics.js";
import { metric } from "./fake.js";
import { captureLogger } from "./log.js";

describe("drop log", () => {
  it("counts every row by reason; a flood is logged at once, then once an interval with the total", async () => {
    const url = "http://droplog.test/api/v1/write";
    const { logger, lines } = captureLogger();
    const d = createDropLog(logger, destinationMetrics(url, { capacity: 1, concurrency: 1 }), 100);
    d.drop(5, "disk_limit", "outbox full");
    d.drop(7, "disk_limit", "outbox full");
    d.drop(11, "disk_limit", "outbox full");
    d.drop(2, "rejected", "server rejected the batch");
    expect(await metric("vmalert_remotewrite_dropped_rows_total", { url, reason: "disk_limit" })).toBe(23);
    expect(await metric("vmalert_remotewrite_dropped_rows_total", { url, reason: "rejected" })).toBe(2);
    expect(d.total).toBe(25);
    expect(lines().map((l) => l.msg)).toEqual([
      "remote write: dropped 5 series: outbox full",
      "remote write: dropped 2 series: server rejected the batch",
    ]);
    await new Promise((r) => setTimeout(r, 250));
    expect(lines().map((l) => l.msg)[2]).toMatch(/^remote write: dropped 18 series in the last \d+s: outbox full$/);
    expect(lines()).toHaveLength(3);
  });
});
