import { describe, expect, it } from "vitest";
import { metricNames, parse, selectors } from "../../src/metricsql/index.js";

describe("selectors", () => {
  it("lists every selector in source order with its matchers", () => {
    const text = 'sum(rate(http_requests_total{job="api",code=~"5.."}[5m])) by (job) / on(job) up{job!="x"}';
    const s = selectors(parse(text));
    expect(s.map((x) => x.metric)).toEqual(["http_requests_total", "up"]);
    expect(s[0]?.matchers).toEqual([
      [
        { label: "job", op: "=", value: "api" },
        { label: "code", op: "=~", value: "5.." },
      ],
    ]);
    expect(s[1]?.node.pos).toEqual({ start: text.indexOf("up{"), end: text.length });
  });

  it("takes the metric name from __name__ matchers", () => {
    const [s] = selectors(parse('{__name__="node_load1", instance="a"}'));
    expect(s?.metric).toBe("node_load1");
    expect(s?.matchers).toEqual([[{ label: "instance", op: "=", value: "a" }]]);
    const [r] = selectors(parse('{__name__=~"node_.*"}'));
    expect(r?.metric).toBeUndefined();
  });

  it("keeps or-alternatives apart", () => {
    const [s] = selectors(parse('x{a="1" or b="2"}'));
    expect(s?.matchers).toEqual([[{ label: "a", op: "=", value: "1" }], [{ label: "b", op: "=", value: "2" }]]);
  });

  it("sees through WITH templates, subqueries, offsets and @", () => {
    const e = parse(
      'WITH (cf = {env="prod"}, f(m) = rate(m[5m])) f(req{cf}) + max_over_time(lat{cf}[1h:] offset 1d) @ end()',
    );
    expect(metricNames(e)).toEqual(["lat", "req"]);
    for (const s of selectors(e)) expect(s.matchers).toEqual([[{ label: "env", op: "=", value: "prod" }]]);
  });

  it("returns nothing for constant expressions", () => {
    expect(selectors(parse('time() - 1h + "a"'))).toEqual([]);
  });
});
