import { describe, expect, it } from "vitest";
import { FUNCTIONS, MetricsqlSyntaxError, parse } from "../../src/metricsql/index.js";

function argsFor(n: number, leading: boolean): string {
  return Array.from({ length: n }, (_, i) => (leading && i === 0 ? "3" : `x${i}`)).join(", ");
}

describe("function table", () => {
  it("covers the MetricsQL function families", () => {
    const kinds = new Map<string, number>();
    for (const spec of FUNCTIONS.values()) kinds.set(spec.kind, (kinds.get(spec.kind) ?? 0) + 1);
    expect(kinds.get("rollup")).toBeGreaterThanOrEqual(70);
    expect(kinds.get("transform")).toBeGreaterThanOrEqual(90);
    expect(kinds.get("label")).toBeGreaterThanOrEqual(15);
    expect(kinds.get("aggregate")).toBeGreaterThanOrEqual(35);
    for (const name of [
      "rate",
      "lag",
      "histogram_quantile",
      "label_replace",
      "topk",
      "count_values",
      "quantiles_over_time",
    ]) {
      expect(FUNCTIONS.has(name)).toBe(true);
    }
    expect(FUNCTIONS.get("topk")?.leadingParam).toBe(true);
    expect(FUNCTIONS.get("sum")?.leadingParam).toBeUndefined();
  });

  const named = [...FUNCTIONS.entries()].filter(([name]) => name !== "");

  it.each(named)("%s accepts its argument counts and rejects others", (name, spec) => {
    const leading = spec.leadingParam === true;
    expect(() => parse(`${name}(${argsFor(spec.minArgs, leading)})`)).not.toThrow();
    const upper = Number.isFinite(spec.maxArgs) ? spec.maxArgs : spec.minArgs + 3;
    expect(() => parse(`${name}(${argsFor(upper, leading)})`)).not.toThrow();
    if (spec.minArgs > 0) {
      expect(() => parse(`${name}(${argsFor(spec.minArgs - 1, leading)})`)).toThrow(MetricsqlSyntaxError);
      expect(() => parse(`${name}(${argsFor(spec.minArgs - 1, leading)})`)).toThrow(`function "${name}" takes`);
    }
    if (Number.isFinite(spec.maxArgs)) {
      expect(() => parse(`${name}(${argsFor(spec.maxArgs + 1, leading)})`)).toThrow(`function "${name}" takes`);
    }
  });

  it("reads function names case-insensitively", () => {
    expect(parse("Histogram_Quantile(0.9, x)")).toMatchObject({ type: "call", name: "histogram_quantile" });
    expect(parse("TopK(1, x)")).toMatchObject({ type: "aggregate", name: "topk" });
  });
});
