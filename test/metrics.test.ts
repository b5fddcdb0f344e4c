import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { CounterChild, counter, GaugeChild, gauge, metricsText, registry, VmHistogram } from "../src/metrics.js";

describe("VmHistogram", () => {
  it("prints non-empty vmrange buckets, _sum and _count as vmalert's metrics library does", async () => {
    const reg = new Registry();
    const h = new VmHistogram("x_seconds", "help", ["path"]);
    reg.registerMetric(h as never);
    for (const v of [1, 1, 0.0015, 5e-12, 2e19, Number.NaN, -1]) h.labels("/a").observe(v);
    const text = await metricsText(reg, false);
    expect(text.trim().split("\n")).toEqual([
      'x_seconds_bucket{path="/a",vmrange="0...1.000e-09"} 1',
      'x_seconds_bucket{path="/a",vmrange="1.468e-03...1.668e-03"} 1',
      // A power of ten falls into the bucket below it, as with Prometheus' `le`.
      'x_seconds_bucket{path="/a",vmrange="8.799e-01...1.000e+00"} 2',
      'x_seconds_bucket{path="/a",vmrange="1.000e+18...+Inf"} 1',
      `x_seconds_sum{path="/a"} ${1 + 1 + 0.0015 + 5e-12 + 2e19}`,
      'x_seconds_count{path="/a"} 5',
    ]);
  });

  it("keeps HELP and TYPE lines only with -metrics.exposeMetadata", async () => {
    const reg = new Registry();
    const h = new VmHistogram("y", "what y counts", []);
    reg.registerMetric(h as never);
    h.observe(3);
    expect(await metricsText(reg, false)).not.toMatch(/^# /m);
    const withMeta = await metricsText(reg, true);
    expect(withMeta).toContain("# HELP y what y counts\n");
    expect(withMeta).toContain("# TYPE y histogram\n");
  });
});

describe("CounterChild and GaugeChild", () => {
  it("counts and sets the series of its labels, as a prom-client child does, and starts a counter at 0", async () => {
    const c = counter("tsalert_test_child_total", "test", ["rule"]);
    const g = gauge("tsalert_test_child", "test", ["rule"]);
    const a = new CounterChild(c, { rule: "a" });
    const b = new CounterChild(c, { rule: "b" });
    a.inc(0);
    b.inc();
    b.inc(2);
    new GaugeChild(g, { rule: "a" }).set(7);
    const values = async (name: string) =>
      Object.fromEntries(
        (await registry.getSingleMetric(name)?.get())?.values.map((v) => [v.labels.rule, v.value]) ?? [],
      );
    expect(await values("tsalert_test_child_total")).toEqual({ a: 0, b: 3 });
    expect(await values("tsalert_test_child")).toEqual({ a: 7 });
  });
});
