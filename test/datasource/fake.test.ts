import { describe, expect, test } from "vitest";
import { FakeQuerier } from "../../src/datasource/fake.js";

describe("FakeQuerier", () => {
  test("answers from its table, records calls, returns copies", async () => {
    const q = new FakeQuerier({ up: [{ labels: { job: "a" }, value: 1, timestamp: 10 }] });
    q.set("bad", new Error("boom")).set("partial", { data: [], isPartial: true, seriesFetched: 0 });
    const g = q.forGroup({ type: "prometheus", evaluationInterval: 1000, params: {}, headers: [] });
    const r1 = await g.query("up", { time: 5000 });
    expect(r1.data).toEqual([{ labels: { job: "a" }, value: 1, timestamp: 10 }]);
    expect(r1.seriesFetched).toBe(1);
    (r1.data[0] as { labels: Record<string, string> }).labels.job = "changed";
    expect((await g.query("up", { time: 6000 })).data[0]?.labels.job).toBe("a");
    await expect(g.query("bad", { time: 1 })).rejects.toThrow("boom");
    expect((await g.query("partial", { time: 1 })).isPartial).toBe(true);
    expect((await g.query("unknown", { time: 1 })).data).toEqual([]);
    expect(q.calls.map((c) => c.expr)).toEqual(["up", "up", "bad", "partial", "unknown"]);
    expect(q.groups).toHaveLength(1);
  });

  test("a cancelled signal rejects with its reason", async () => {
    const q = new FakeQuerier();
    const ctl = new AbortController();
    ctl.abort(new Error("stopped"));
    await expect(q.query("x", { time: 1, signal: ctl.signal })).rejects.toThrow("stopped");
  });
});
