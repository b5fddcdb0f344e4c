import { describe, expect, it } from "vitest";
import { registry } from "../../src/metrics.js";
import { sleep } from "../../src/rule/clock.js";
import { Engine } from "../../src/rule/engine.js";
import { alertRule, group, makeDeps, recordRule, series } from "./fakes.js";

const MIN = 60_000;

async function seriesOf(name: string, match: Record<string, string>): Promise<number[]> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return [];
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(match).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x))
    .map((v) => v.value);
}

describe("engine lifecycle", () => {
  it("a reload during an evaluation cancels it, applies the update and keeps alert state", async () => {
    const deps = makeDeps();
    let hang = false;
    let aborted = 0;
    deps.q.set("x", async (_expr, opts) => {
      if (hang) {
        try {
          await sleep(deps.clock, 10 * MIN, opts.signal);
        } catch (err) {
          aborted++;
          throw err;
        }
      }
      return [series({ job: "a" })];
    });
    const a = alertRule({ alert: "A", expr: "x", for: 3 * MIN });
    const e = new Engine(deps);
    await e.start([group({ name: "g", rules: [a] })]);
    await deps.clock.advance(MIN);
    const activeAt = e.groups()[0].rules[0].alerts?.[0].activeAt;
    hang = true;
    await deps.clock.advance(MIN);
    await e.update([group({ name: "g", rules: [{ ...a, annotations: { s: "new" } }] })]);
    expect(aborted).toBe(1);
    hang = false;
    await deps.clock.advance(MIN);
    const r = e.groups()[0].rules[0];
    expect(r.alerts?.[0].activeAt).toBe(activeAt);
    expect(r.alerts?.[0].annotations).toEqual({ s: "new" });
    expect(r.lastError).toBe("");
    await e.stop();
  });

  it("removing a group stops it and removes its metric series", async () => {
    const deps = makeDeps();
    deps.q.set("x", [series({ job: "a" })]);
    const e = new Engine(deps);
    await e.start([
      group({ name: "keep-me", file: "m.rules", rules: [alertRule({ alert: "K", expr: "x" })] }),
      group({ name: "drop-me", file: "m.rules", rules: [alertRule({ alert: "D", expr: "x" })] }),
    ]);
    await deps.clock.advance(2 * MIN);
    expect(await seriesOf("vmalert_iteration_total", { group: "drop-me", file: "m.rules" })).toEqual([2]);
    expect(await seriesOf("vmalert_alerts_firing", { alertname: "D", group: "drop-me" })).toEqual([1]);
    await e.update([group({ name: "keep-me", file: "m.rules", rules: [alertRule({ alert: "K", expr: "x" })] })]);
    expect(await seriesOf("vmalert_iteration_total", { group: "drop-me", file: "m.rules" })).toEqual([]);
    expect(await seriesOf("vmalert_alerts_firing", { alertname: "D", group: "drop-me" })).toEqual([]);
    expect(await seriesOf("vmalert_alerts_firing", { alertname: "K", group: "keep-me" })).toEqual([1]);
    const calls = deps.q.calls.length;
    await deps.clock.advance(2 * MIN);
    expect(deps.q.calls.length).toBe(calls + 2);
    await e.stop();
    expect(await seriesOf("vmalert_alerts_firing", { alertname: "K", group: "keep-me" })).toEqual([]);
  });

  it("-rule.maxActiveAlerts caps alerts across groups and counts the refused ones", async () => {
    const deps = makeDeps({ maxActiveAlerts: 5 });
    deps.q.set("small", [series({ i: "1" }), series({ i: "2" })]);
    deps.q.set(
      "storm",
      Array.from({ length: 10 }, (_, i) => series({ i: String(i) })),
    );
    const before = (await seriesOf("tsalert_alerts_dropped_total", {}))[0] ?? 0;
    const e = new Engine(deps);
    await e.start([
      group({ name: "a-small", rules: [alertRule({ alert: "S", expr: "small" })] }),
      group({ name: "b-storm", rules: [alertRule({ alert: "B", expr: "storm" })] }),
    ]);
    await deps.clock.advance(2 * MIN);
    const groups = e.groups();
    const small = groups.find((g) => g.name === "a-small")?.rules[0];
    const storm = groups.find((g) => g.name === "b-storm")?.rules[0];
    expect(small?.alerts).toHaveLength(2);
    expect(small?.health).toBe("ok");
    expect(storm?.alerts ?? []).toHaveLength(0);
    expect(storm?.lastError).toMatch(/maxActiveAlerts=5/);
    const after = (await seriesOf("tsalert_alerts_dropped_total", {}))[0] ?? 0;
    expect(after - before).toBeGreaterThanOrEqual(10);
    expect(deps.am.alerts().every((a) => a.labels.alertname === "S")).toBe(true);
    await e.stop();
  });

  it("a reader starts after its producers' results are flushed; results nobody reads are flushed once, before the iteration ends", async () => {
    const deps = makeDeps();
    const log: string[] = [];
    deps.q.log = log;
    deps.w.log = log;
    for (const x of ["a", "b", "ra"]) deps.q.set(x, [series({ i: "1" })]);
    const e = new Engine(deps);
    await e.start([
      group({
        name: "graph",
        concurrency: 2,
        rules: [
          recordRule({ record: "ra", expr: "a" }),
          recordRule({ record: "rb", expr: "b" }),
          recordRule({ record: "rc", expr: "ra" }),
        ],
      }),
    ]);
    await deps.clock.advance(MIN);
    expect(log).toEqual([
      "query a",
      "query b",
      "push ra",
      "push rb",
      "flush start",
      "flush done",
      "query ra",
      "push rc",
      "flush start",
      "flush done",
    ]);
    await e.stop();
  });

  it("with concurrency: 1 the rules run one at a time in file order, flushing only before a reader", async () => {
    const deps = makeDeps();
    const log: string[] = [];
    deps.q.log = log;
    deps.w.log = log;
    for (const x of ["a", "b", "ra"]) deps.q.set(x, [series({ i: "1" })]);
    const e = new Engine(deps);
    await e.start([
      group({
        name: "one",
        concurrency: 1,
        rules: [
          recordRule({ record: "ra", expr: "a" }),
          recordRule({ record: "rb", expr: "b" }),
          recordRule({ record: "rc", expr: "ra" }),
        ],
      }),
    ]);
    await deps.clock.advance(MIN);
    // ra's flush (rc reads it) overlaps b's query: one rule at a time, not one step at a time.
    expect(log).toEqual([
      "query a",
      "push ra",
      "query b",
      "flush start",
      "flush done",
      "push rb",
      "query ra",
      "push rc",
      "flush start",
      "flush done",
    ]);
    await e.stop();
  });

  it("a writer that never confirms does not stall the group beyond its interval", async () => {
    const deps = makeDeps();
    deps.w.gate = new Promise(() => {});
    for (const x of ["a", "b", "c"]) deps.q.set(x, [series({ i: "1" })]);
    const e = new Engine(deps);
    await e.start([
      group({ name: "stuck", rules: ["a", "b", "c"].map((x) => recordRule({ record: `r${x}`, expr: x })) }),
    ]);
    await deps.clock.advance(4 * MIN);
    const exprs = deps.q.calls.map((c) => c.expr);
    expect(exprs.slice(0, 3)).toEqual(["a", "b", "c"]);
    expect(exprs.length).toBeGreaterThanOrEqual(6);
    await e.stop();
  });

  it("state saves are coalesced across groups evaluating together", async () => {
    let saves = 0;
    const stateFile = {
      load: async () => null,
      save: async () => {
        saves++;
      },
    };
    const deps = makeDeps({}, { stateFile });
    deps.q.set("x", [series({ job: "a" })]);
    const groups = Array.from({ length: 20 }, (_, i) =>
      group({ name: `g${i}`, evalOffset: 0, rules: [alertRule({ alert: "A", expr: "x" })] }),
    );
    const e = new Engine(deps);
    await e.start(groups);
    await deps.clock.advance(3 * MIN);
    expect(deps.q.calls).toHaveLength(80);
    expect(saves).toBe(3);
    await e.stop();
    expect(saves).toBe(4);
  });
});

describe("eval_offset and eval_delay in the loop", () => {
  it("eval_offset groups query at grid + offset with no delay", async () => {
    const deps = makeDeps();
    deps.q.set("x", []);
    const e = new Engine(deps);
    await e.start([
      group(
        { name: "off", interval: 5 * MIN, evalOffset: 2 * MIN, rules: [recordRule({ record: "r", expr: "x" })] },
        { evalDelay: 30_000 },
      ),
    ]);
    await deps.clock.advance(11 * MIN);
    const times = deps.q.calls.map((c) => c.time);
    expect(times.length).toBe(2);
    for (const t of times) expect(t % (5 * MIN)).toBe(2 * MIN);
    await e.stop();
  });

  it("group eval_delay overrides -rule.evalDelay, then aligns", async () => {
    const deps = makeDeps();
    deps.q.set("x", []);
    deps.q.set("y", []);
    const e = new Engine(deps);
    const flags = { evalDelay: 30_000 };
    await e.start([
      group({ name: "d0", evalDelay: 0, rules: [recordRule({ record: "r", expr: "x" })] }, flags),
      group(
        { name: "d90", evalDelay: 90_000, evalAlignment: false, rules: [recordRule({ record: "r", expr: "y" })] },
        flags,
      ),
    ]);
    await deps.clock.advance(MIN);
    const byExpr = new Map(deps.q.calls.map((c) => [c.expr, c.time]));
    const evalX = e.groups().find((g) => g.name === "d0")?.lastEvaluation ?? "";
    const evalY = e.groups().find((g) => g.name === "d90")?.lastEvaluation ?? "";
    expect(byExpr.get("x")).toBe(Math.floor(new Date(evalX).getTime() / MIN) * MIN);
    expect(byExpr.get("y")).toBe(new Date(evalY).getTime() - 90_000);
    await e.stop();
  });
});

describe("-rule.stripFilePath", () => {
  it("shows <groupID>/<basename> in the API, keeps the real file in metrics", async () => {
    const deps = makeDeps({ stripFilePath: true });
    deps.q.set("x", []);
    const e = new Engine(deps);
    await e.start([
      group({ name: "sp", file: "/etc/secret/dir/a.rules", rules: [recordRule({ record: "r", expr: "x" })] }),
    ]);
    await deps.clock.advance(MIN);
    const [g] = e.groups();
    expect(g.file).toBe(`${g.id}/a.rules`);
    expect(g.rules[0].file).toBe(`${g.id}/a.rules`);
    expect(await seriesOf("vmalert_iteration_total", { group: "sp", file: "/etc/secret/dir/a.rules" })).toEqual([1]);
    await e.stop();
  });
});

describe("many rules at once", () => {
  it("rules in flight past ten leave no 'possible EventTarget memory leak' warning (their listeners are removed as they finish)", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on("warning", onWarning);
    try {
      const deps = makeDeps();
      const names = Array.from({ length: 16 }, (_, i) => `m${i}`);
      for (const x of names) deps.q.set(x, [series({ i: "1" })]);
      const e = new Engine(deps);
      await e.start([
        group({ name: "wide", concurrency: 16, rules: names.map((x) => recordRule({ record: `r_${x}`, expr: x })) }),
      ]);
      await deps.clock.advance(MIN);
      await e.stop();
      // Node emits the warning on a later tick.
      await new Promise((r) => setImmediate(r));
      expect(new Set(deps.w.series.map((s) => s.labels.find((l) => l.name === "__name__")?.value)).size).toBe(16);
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.filter((w) => w.includes("MaxListenersExceeded"))).toEqual([]);
  });
});
