import { describe, expect, it } from "vitest";
import { labelMap, recordRule, series } from "./fakes.js";
import { harness, never, recording } from "./harness.js";

const T0 = Date.UTC(2026, 7, 20, 8, 0, 0);

describe("recording rules", () => {
  it("names the result, applies literal labels with exported_ and empty-removes, sorted", async () => {
    const h = harness();
    h.deps.q.set("sum(x)", [series({ __name__: "x", job: "series", drop: "me", keep: "k" }, 5, T0 / 1000)]);
    const cfg = recordRule({
      record: "job:x:sum",
      expr: "sum(x)",
      labels: { job: "rule", drop: "", keep: "k", tpl: "{{ $value }}" },
    });
    const r = recording(h, cfg);
    const out = await r.exec(T0, never);
    expect(out.series).toHaveLength(1);
    const s = out.series[0];
    expect(labelMap(s)).toEqual({
      __name__: "job:x:sum",
      exported_job: "series",
      job: "rule",
      keep: "k",
      tpl: "{{ $value }}",
    });
    expect(s.labels.map((l) => l.name)).toEqual([...s.labels.map((l) => l.name)].sort());
    expect(s.samples).toEqual([{ value: 5, timestamp: T0 }]);
  });

  it("a scalar result becomes one series", async () => {
    const h = harness();
    h.deps.q.set("1", [series({}, 1, T0 / 1000)]);
    const out = await recording(h, recordRule({ record: "one", expr: "1" })).exec(T0, never);
    expect(out.series.map(labelMap)).toEqual([{ __name__: "one" }]);
  });

  it("duplicate resulting label sets are an error and nothing is written", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ __name__: "a", job: "j" }), series({ __name__: "b", job: "j" })]);
    const r = recording(h, recordRule({ record: "r", expr: "x" }));
    const out = await r.exec(T0, never);
    expect(out.series).toEqual([]);
    expect(r.api(false).lastError).toMatch(/result contains metrics with the same labelset/);
    expect(r.api(false).health).toBe("err");
  });

  it("limit is an error", async () => {
    const h = harness({}, { limit: 1 });
    h.deps.q.set("x", [series({ i: "1" }), series({ i: "2" })]);
    const r = recording(h, recordRule({ record: "r", expr: "x" }));
    expect((await r.exec(T0, never)).series).toEqual([]);
    expect(r.api(false).lastError).toBe("exec exceeded limit of 1 with 2 series");
  });

  it("vanished series get a stale marker; errors keep the previous set", async () => {
    const h = harness();
    h.deps.q.set("x", [series({ i: "1" }, 1, T0 / 1000), series({ i: "2" }, 2, T0 / 1000)]);
    const r = recording(h, recordRule({ record: "r", expr: "x" }));
    await r.exec(T0, never);
    h.deps.q.set("x", new Error("down"));
    await r.exec(T0 + 60_000, never);
    h.deps.q.set("x", [series({ i: "1" }, 1, T0 / 1000 + 120)]);
    const out = await r.exec(T0 + 120_000, never);
    expect(out.series.map((s) => [labelMap(s).i, s.samples[0].stale === true, s.samples[0].timestamp])).toEqual([
      ["1", false, T0 + 120_000],
      ["2", true, T0 + 120_000],
    ]);
    const next = await r.exec(T0 + 180_000, never);
    expect(next.series.filter((s) => s.samples[0].stale)).toEqual([]);
  });

  it("recording rule API shape", async () => {
    const h = harness();
    const r = recording(h, recordRule({ record: "r", expr: "x" }));
    const api = r.api(true);
    expect(api).toMatchObject({
      state: "",
      type: "recording",
      health: "ok",
      lastEvaluation: "0001-01-01T00:00:00Z",
      max_updates_entries: 20,
    });
    expect(api).not.toHaveProperty("updates");
  });
});
