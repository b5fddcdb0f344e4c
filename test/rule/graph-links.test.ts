// The graph as the API and the rule page show it: tsalert-only "depends on" / "used by" fields.
import { describe, expect, it } from "vitest";
import { rulePage } from "../../src/http/ui/rule.js";
import { registry } from "../../src/metrics.js";
import { Engine } from "../../src/rule/engine.js";
import { alertRule, group, makeDeps, recordRule, series } from "./fakes.js";

describe("cross-group order", () => {
  it("a reader group evaluates after its producer group wrote the same evaluation time", async () => {
    const deps = makeDeps();
    const log: string[] = [];
    deps.q.log = log;
    deps.q.set("up", [series({ job: "a" })]);
    deps.q.set("level1 > 1", [series({ job: "a" })]);
    const e = new Engine(deps);
    // The reader is listed first: without the graph it would usually run first.
    await e.start([
      group({ name: "reader", rules: [alertRule({ alert: "High", expr: "level1 > 1" })] }),
      group({ name: "producer", rules: [recordRule({ record: "level1", expr: "up" })] }),
    ]);
    await deps.clock.advance(5 * 60_000);
    expect(log.slice(0, 4)).toEqual(["query up", "query level1 > 1", "query up", "query level1 > 1"]);
    await e.stop();
  });

  it("a reader whose producer hangs runs after its interval, counts it, and does not wait for it again", async () => {
    const deps = makeDeps();
    const hang = () => new Promise<never>(() => {});
    deps.q.set("up", hang);
    deps.q.set("level1 > 1", [series({ job: "a" })]);
    const e = new Engine(deps);
    await e.start([
      group({ name: "producer", rules: [recordRule({ record: "level1", expr: "up" })] }),
      group({ name: "reader", rules: [alertRule({ alert: "High", expr: "level1 > 1" })] }),
    ]);
    await deps.clock.advance(6 * 60_000);
    const readerQueries = deps.q.calls.filter((c) => c.expr === "level1 > 1").length;
    // One iteration waited out the interval; the later ones ran on time.
    expect(readerQueries).toBeGreaterThanOrEqual(4);
    const text = await registry.metrics();
    expect(text).toMatch(/tsalert_group_dependency_wait_timeouts_total\{group="reader",file="test.rules"\} 1\n/);
    await e.stop();
  });
});

describe("-rule.writeVisibilityDelay", () => {
  it("a reader queries that long after its producer's write was confirmed, in its group and in a chained group", async () => {
    const deps = makeDeps({ writeVisibilityDelay: 1500 });
    const at: Record<string, number[]> = { up: [], ra: [], "rb > 0": [] };
    for (const expr of Object.keys(at)) {
      deps.q.set(expr, async () => {
        at[expr].push(deps.clock.monotonic());
        return [series({ job: "a" })];
      });
    }
    const e = new Engine(deps);
    await e.start([
      group({
        name: "g1",
        rules: [recordRule({ record: "ra", expr: "up" }), recordRule({ record: "rb", expr: "ra" })],
      }),
      group({ name: "g2", rules: [alertRule({ alert: "B", expr: "rb > 0" })] }),
    ]);
    await deps.clock.advance(2 * 60_000);
    expect(at.ra[0] - at.up[0]).toBe(1500);
    expect(at["rb > 0"][0] - at.ra[0]).toBe(1500);
    await e.stop();
  });
});

describe("dependency links in the API and the UI", () => {
  it("/api/v1/rules fields depends_on / used_by link rules across groups; rules without links have none", async () => {
    const deps = makeDeps();
    const e = new Engine(deps);
    await e.start([
      group({ name: "g1", rules: [recordRule({ record: "job:up:sum", expr: "sum(up) by (job)" })] }),
      group({
        name: "g2",
        rules: [alertRule({ alert: "JobDown", expr: "job:up:sum == 0" }), alertRule({ alert: "Alone", expr: "x > 1" })],
      }),
    ]);
    const [g1, g2] = e.groups();
    const producer = g1.rules[0];
    const reader = g2.rules[0];
    expect(producer.used_by).toEqual([
      { group_id: g2.id, rule_id: reader.id, group: "g2", name: "JobDown", type: "alerting" },
    ]);
    expect(reader.depends_on).toEqual([
      { group_id: g1.id, rule_id: producer.id, group: "g1", name: "job:up:sum", type: "recording" },
    ]);
    expect(producer.depends_on).toBeUndefined();
    expect(g2.rules[1]).not.toHaveProperty("depends_on");
    expect(g2.rules[1]).not.toHaveProperty("used_by");
    expect(e.rule(g2.id, reader.id)?.depends_on?.[0].rule_id).toBe(producer.id);

    const body = rulePage(
      { base: "", reloadError: "", now: Date.now() },
      e,
      new URLSearchParams({ group_id: g1.id, rule_id: producer.id }),
    );
    expect(body).toContain("<dt>Used by</dt>");
    expect(body).toContain(`href="rule?group_id=${g2.id}&amp;rule_id=${reader.id}">JobDown</a>`);
    expect(body).toMatch(/<dt>Depends on<\/dt><dd><span class="meta">none<\/span>/);
    await e.stop();
  });

  it("a reload relinks unchanged groups to a new producer", async () => {
    const deps = makeDeps();
    const e = new Engine(deps);
    const reader = group({ name: "g2", rules: [alertRule({ alert: "JobDown", expr: "job:up:sum == 0" })] });
    await e.start([reader]);
    expect(e.groups()[0].rules[0].depends_on).toBeUndefined();
    await e.update([group({ name: "g1", rules: [recordRule({ record: "job:up:sum", expr: "sum(up)" })] }), reader]);
    const g2 = e.groups().find((g) => g.name === "g2");
    expect(g2?.rules[0].depends_on?.map((l) => l.name)).toEqual(["job:up:sum"]);
    await e.stop();
  });
});
