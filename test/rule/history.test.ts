// A rule's evaluation history: kept as numbers and references, shown in the API's shape.
import { afterEach, describe, expect, it } from "vitest";
import { History } from "../../src/rule/history.js";

const tz = process.env.TZ;
afterEach(() => {
  process.env.TZ = tz;
});

describe("History", () => {
  it("keeps the last N entries, newest first, and makes the texts only when they are read", () => {
    process.env.TZ = "UTC";
    let made = 0;
    const h = new History(2);
    for (let i = 0; i < 3; i++) {
      h.add({
        start: 1_700_000_000_000 + i * 1000,
        at: 1_700_000_000_000 + i * 1000 - 30_000,
        durationMs: 1.5,
        error: i === 1 ? "x".repeat(100_000) : null,
        samples: i,
        seriesFetched: i === 2 ? null : 7,
        curl: {
          curl: (at) => {
            made++;
            return `curl -X POST 'http://vm/api/v1/query?query=up&time=${at}'`;
          },
        },
        state: "firing",
      });
    }
    expect(made).toBe(0);
    expect(h.last()?.samples).toBe(2);
    const shown = h.entries();
    expect(made).toBe(2);
    expect(shown.map((e) => e.samples)).toEqual([2, 1]);
    expect(shown[0]).toEqual({
      time: "2023-11-14T22:13:22Z",
      at: "2023-11-14T22:12:52Z",
      duration: 1_500_000,
      error: null,
      samples: 2,
      series_fetched: null,
      curl: "curl -X POST 'http://vm/api/v1/query?query=up&time=1699999972000'",
      state: "firing",
    });
    // A long error is cut when it is kept, not when it is shown.
    expect((shown[1]?.error ?? "").length).toBeLessThan(100_000);
  });
});
