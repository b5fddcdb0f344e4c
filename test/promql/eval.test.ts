// The PromQL evaluator, function by function: the semantics of current Prometheus that the promtool
// differential test cannot check on promtool 2.42 (left-open windows, compensated sums, rate()'s
// operation order, name dropping of atan2), staleness, subqueries and their cache, vector matching
// errors, and the checks that refuse MetricsQL.
import { describe, expect, it } from "vitest";
import { PromqlError, validatePromql } from "../../src/promql/index.js";
import { load } from "./helpers.js";

describe("selectors", () => {
  const d = load(`
up{job="a"} 1 1 0 stale _ 1
up{job="b"} 1 _x3 1
other{job="a"} 7x5
`);

  it("see the latest sample within 5m, and nothing past a staleness marker", () => {
    expect(d.q("up", "2m")).toEqual(['up{job="a"} 0', 'up{job="b"} 1']);
    expect(d.q("up", "3m30s")).toEqual(['up{job="b"} 1']);
    expect(d.q("up", "5m")).toEqual(['up{job="a"} 1', 'up{job="b"} 1']);
  });

  it("include a sample exactly 5m old (the lookback is closed, as promtool 2.x)", () => {
    expect(d.q('up{job="b"}', "5m")).toEqual(['up{job="b"} 1']);
    expect(d.q('up{job="a"}', "10m")).toEqual(['up{job="a"} 1']);
    expect(d.q('up{job="a"}', "10m1ms")).toEqual([]);
  });

  it("exclude the sample at a range's start (left-open, as Prometheus 3)", () => {
    expect(d.q("count_over_time(other[2m])", "3m")).toEqual(['{job="a"} 2']);
    expect(d.q("count_over_time(other[2m])", "2m")).toEqual(['{job="a"} 2']);
    expect(d.q("count_over_time(other[2m])", "2m1ms")).toEqual(['{job="a"} 2']);
    expect(d.q("count_over_time(other[2m1ms])", "2m")).toEqual(['{job="a"} 3']);
  });

  it("skip staleness markers inside a range", () => {
    expect(d.q('count_over_time(up{job="a"}[10m])', "6m")).toEqual(['{job="a"} 4']);
  });

  it("apply offset, negative offset and @ (with start() and end() at the query time)", () => {
    expect(d.q('up{job="a"} offset 3m', "5m")).toEqual(['up{job="a"} 0']);
    expect(d.q('up{job="a"} offset -2m', "0")).toEqual(['up{job="a"} 0']);
    expect(d.q('up{job="a"} @ 120', "10m")).toEqual(['up{job="a"} 0']);
    expect(d.q('up{job="a"} @ end()', "1m")).toEqual(['up{job="a"} 1']);
    expect(d.q('timestamp(up{job="a"} @ start())', "1m30s")).toEqual(['{job="a"} 60']);
  });

  it("select by regexp anchored at both ends, (?i) for the whole pattern", () => {
    expect(d.q('up{job=~"a|b"}', "0")).toHaveLength(2);
    expect(d.q('up{job=~"(?i)A"}', "0")).toEqual(['up{job="a"} 1']);
    expect(d.q('{__name__=~"o.*", job!~"b"}', "0")).toEqual(['other{job="a"} 7']);
    expect(d.q('up{job=~"."}', "0")).toHaveLength(2);
    expect(d.q('up{job=~""}', "0")).toEqual([]);
  });
});

describe("rate, increase, delta", () => {
  it("extrapolate to the window edges, stopping where a counter would reach zero", () => {
    // Samples 0..10 every minute; at 10m30s the window (5m30s, 10m30s] holds 6m..10m.
    const d = load("c 0+60x10");
    expect(d.q("increase(c[5m])", "10m30s")).toEqual(["{} 300"]);
    expect(d.q("rate(c[5m])", "10m30s")).toEqual(["{} 1"]);
    // Near the series start the zero point limits the extrapolation: 0..120 over 2m reads as 3m.
    expect(d.q("increase(c[4m])", "2m30s")).toEqual(["{} 150"]);
  });

  it("correct counter resets, and delta() does not; a window starting long before the series extrapolates half a step", () => {
    // Change 5 + 30 (the reset), sampled over 4m, extrapolated by 30s at the start: × 1.125.
    const d = load("c 10 20 30 5 15");
    expect(d.q("increase(c[10m])", "4m")).toEqual(["{} 39.375"]);
    expect(d.q("resets(c[10m])", "4m")).toEqual(["{} 1"]);
    expect(d.q("delta(c[10m])", "4m")).toEqual(["{} 5.625"]);
  });

  it("apply the factor as current Prometheus does (one rounding of extrapolation / range)", () => {
    // promtool 2.42 computes (v × interval / sampled) / range and prints 0.16666666666666666 here.
    const d = load("c 0+10x40");
    expect(d.q("rate(c[5m])", "41m")).toEqual(["{} 0.16666666666666669"]);
  });

  it("irate and idelta use the last two points; irate treats a drop as a reset", () => {
    const d = load("c 0 10 30 5\ng 5 3");
    expect(d.q("irate(c[5m])", "3m")).toEqual(["{} 0.08333333333333333"]);
    expect(d.q("irate(c[5m])", "2m")).toEqual(["{} 0.3333333333333333"]);
    expect(d.q("idelta(g[5m])", "1m")).toEqual(["{} -2"]);
  });

  it("give nothing for fewer than two points", () => {
    const d = load("c 5");
    expect(d.q("rate(c[5m])", "1m")).toEqual([]);
    expect(d.q("irate(c[5m])", "1m")).toEqual([]);
  });
});

describe("over-time functions", () => {
  const d = load("g 1 5 2 8 3\nbig 1e100 1 -1e100");

  it("aggregate the window", () => {
    expect(d.q("avg_over_time(g[10m])", "4m")).toEqual(["{} 3.8"]);
    expect(d.q("min_over_time(g[10m])", "4m")).toEqual(["{} 1"]);
    expect(d.q("max_over_time(g[10m])", "4m")).toEqual(["{} 8"]);
    expect(d.q("quantile_over_time(0.5, g[10m])", "4m")).toEqual(["{} 3"]);
    // Prometheus' compensated Welford algorithm rounds this one up in the last bit.
    expect(d.q("stdvar_over_time(g[10m])", "4m")).toEqual(["{} 6.160000000000001"]);
    expect(d.q("changes(g[10m])", "4m")).toEqual(["{} 4"]);
    expect(d.q("last_over_time(g[10m])", "4m")).toEqual(["g 3"]);
    expect(d.q("present_over_time(g[10m])", "4m")).toEqual(["{} 1"]);
  });

  it("sum with compensation (Kahan-Neumaier), as current Prometheus does", () => {
    expect(d.q("sum_over_time(big[10m])", "2m")).toEqual(["{} 1"]);
  });

  it("absent_over_time reports the selector's equality labels", () => {
    expect(d.q('absent_over_time(nope{job="x", env=~"p.*"}[5m])', "1m")).toEqual(['{job="x"} 1']);
    expect(d.q("absent_over_time(g[5m])", "1m")).toEqual([]);
  });

  it("predict_linear, deriv and holt_winters fit the points", () => {
    const lin = load("x 0+2x10");
    expect(lin.q("deriv(x[5m])", "10m")).toEqual(["{} 0.03333333333333333"]);
    expect(lin.q("predict_linear(x[5m], 60)", "10m")).toEqual(["{} 22"]);
    expect(lin.q("holt_winters(x[5m], 0.5, 0.5)", "10m")).toEqual(["{} 20"]);
    expect(() => lin.q("holt_winters(x[5m], 1, 0.5)", "10m")).toThrow(/invalid smoothing factor/);
  });
});

describe("subqueries", () => {
  it("evaluate on steps aligned to multiples of the step, the default step being the evaluation interval", () => {
    const d = load("c 0+1x30");
    // (7m30s, 10m30s] holds the steps 8m, 9m, 10m.
    expect(d.q("count_over_time(c[3m:1m])", "10m30s")).toEqual(["{} 3"]);
    expect(d.q("count_over_time(c[3m:])", "10m30s")).toEqual(["{} 3"]);
    // 2m steps: 8m and 10m.
    expect(d.q("count_over_time(c[3m:2m])", "10m30s")).toEqual(["{} 2"]);
    expect(d.q("max_over_time(c[3m:1m] offset 2m)", "10m30s")).toEqual(["{} 8"]);
  });

  it("keep earlier steps across evaluations, but recompute them after a write at or before their time", () => {
    const d = load("x 1x10");
    expect(d.q("max_over_time(x[5m:1m])", "5m")).toEqual(["{} 1"]);
    d.store.add({ __name__: "x" }, 4 * 60_000, 9);
    expect(d.q("max_over_time(x[5m:1m])", "5m")).toEqual(["{} 9"]);
    expect(d.q("max_over_time(x[5m:1m])", "6m")).toEqual(["{} 9"]);
  });

  it("run rate() over a subquery with the subquery's window as its range", () => {
    const d = load("c 0+60x20");
    expect(d.q("rate(c[5m:1m])", "10m")).toEqual(["{} 1"]);
  });
});

describe("aggregations", () => {
  const d = load(`
m{job="a", i="1"} 1
m{job="a", i="2"} 4
m{job="b", i="3"} 2
m{job="b", i="4"} 2
n{job="a"} NaN
`);

  it("group by and without (without also drops the name)", () => {
    expect(d.q("sum by (job) (m)", 0)).toEqual(['{job="a"} 5', '{job="b"} 4']);
    expect(d.q("sum without (i) (m)", 0)).toEqual(['{job="a"} 5', '{job="b"} 4']);
    expect(d.q("avg(m)", 0)).toEqual(["{} 2.25"]);
    expect(d.q("count(m)", 0)).toEqual(["{} 4"]);
    expect(d.q("group by (job) (m)", 0)).toEqual(['{job="a"} 1', '{job="b"} 1']);
    expect(d.q("stddev by (job) (m)", 0)).toEqual(['{job="a"} 1.5', '{job="b"} 0']);
    expect(d.q("quantile(0.5, m)", 0)).toEqual(["{} 2"]);
  });

  it("topk and bottomk keep the series; ties go to the first in label order", () => {
    expect(d.q("topk(1, m)", 0)).toEqual(['m{i="2",job="a"} 4']);
    expect(d.q("bottomk(1, m) by (job)", 0)).toEqual(['m{i="1",job="a"} 1', 'm{i="3",job="b"} 2']);
    expect(d.q("topk(0, m)", 0)).toEqual([]);
    expect(() => d.q("topk(scalar(n), m)", 0)).toThrow(/Parameter value is NaN/);
  });

  it("min and max skip NaN; count_values formats values as Go does", () => {
    expect(d.q("max(m or n)", 0)).toEqual(["{} 4"]);
    expect(d.q('count_values("v", m)', 0)).toEqual(['{v="1"} 1', '{v="2"} 2', '{v="4"} 1']);
    const big = load("x 1e21\ny 0.0000001");
    expect(big.q('count_values("v", x)', 0)).toEqual(['{v="1000000000000000000000"} 1']);
    expect(big.q('count_values("v", y)', 0)).toEqual(['{v="0.0000001"} 1']);
  });

  it("sum with compensation", () => {
    const big = load('v{i="1"} 1e100\nv{i="2"} 1\nv{i="3"} -1e100');
    expect(big.q("sum(v)", 0)).toEqual(["{} 1"]);
  });
});

describe("binary operators", () => {
  const d = load(`
req{job="a", code="200"} 10
req{job="a", code="500"} 2
req{job="b", code="200"} 5
up{job="a"} 1
up{job="b"} 0
info{job="a", team="x"} 1
`);

  it("drop the name for arithmetic (atan2 included) and bool, keep it for filters", () => {
    expect(d.q("up * 2", 0)).toEqual(['{job="a"} 2', '{job="b"} 0']);
    expect(d.q("up atan2 0", 0)).toEqual(['{job="a"} 1.5707963267948966', '{job="b"} 0']);
    expect(d.q("up > 0", 0)).toEqual(['up{job="a"} 1']);
    expect(d.q("0 < up", 0)).toEqual(['up{job="a"} 1']);
    expect(d.q("up > bool 0", 0)).toEqual(['{job="a"} 1', '{job="b"} 0']);
  });

  it("match one-to-one ignoring the name, and on()/ignoring() labels", () => {
    expect(d.q('req{code="500"} / ignoring(code) req{code="200"}', 0)).toEqual(['{job="a"} 0.2']);
    expect(d.q("sum by (job) (req) * on(job) up", 0)).toEqual(['{job="a"} 12', '{job="b"} 0']);
    expect(d.q("up > on(job) up - 1", 0)).toEqual(['{job="a"} 1', '{job="b"} 0']);
  });

  it("group_left copies labels from the one side", () => {
    expect(d.q("req * on(job) group_left(team) info", 0)).toEqual([
      '{code="200",job="a",team="x"} 10',
      '{code="500",job="a",team="x"} 2',
    ]);
    expect(d.q("info * on(job) group_right req", 0)).toEqual(['{code="200",job="a"} 10', '{code="500",job="a"} 2']);
  });

  it("refuse many-to-many and ambiguous matches with Prometheus' messages", () => {
    expect(() => d.q("up * on(job) req", 0)).toThrow(
      /found duplicate series for the match group \{job="a"\} on the right hand-side/,
    );
    expect(() => d.q("req * on(job) up + on() group_left up", 0)).toThrow(PromqlError);
    expect(() => d.q("req + ignoring(code) req", 0)).toThrow(/many-to-many matching not allowed/);
  });

  it("set operators match on all labels but the name", () => {
    expect(d.q('up and on(job) req{code="500"}', 0)).toEqual(['up{job="a"} 1']);
    expect(d.q('up unless up{job="a"}', 0)).toEqual(['up{job="b"} 0']);
    expect(d.q("up or info", 0)).toHaveLength(3);
  });

  it("compute scalars, with Go's % and ^", () => {
    expect(d.q("-7 % 3", 0)).toEqual(["{} -1"]);
    expect(d.q("2 ^ 3 ^ 2", 0)).toEqual(["{} 512"]);
    expect(d.q("1 ^ NaN", 0)).toEqual(["{} 1"]);
    expect(d.q("-2 ^ 2", 0)).toEqual(["{} -4"]);
  });

  it("refuse a vector with two equal label sets once names are dropped", () => {
    const two = load('a{x="1"} 1\nb{x="1"} 2');
    expect(two.q('{__name__=~"a|b"}', 0)).toHaveLength(2);
    expect(() => two.q('-{__name__=~"a|b"}', 0)).toThrow(/vector cannot contain metrics with the same labelset/);
    expect(() => two.q('abs({__name__=~"a|b"})', 0)).toThrow(/same labelset/);
  });
});

describe("instant functions", () => {
  const d = load(`
up{job="a", instance="h1:9100"} 1
bucket{le="0.1"} 1
bucket{le="0.5"} 4
bucket{le="1"} 9
bucket{le="+Inf"} 10
nobound{le="1"} 5
`);

  it("label_replace copies with $1 (Go's expansion), deletes on empty, leaves non-matching series", () => {
    expect(d.q('label_replace(up, "host", "$1", "instance", "(.*):.*")', 0)).toEqual([
      'up{host="h1",instance="h1:9100",job="a"} 1',
    ]);
    expect(d.q('label_replace(up, "job", "", "job", "a")', 0)).toEqual(['up{instance="h1:9100"} 1']);
    expect(d.q('label_replace(up, "x", "$1x", "instance", "(h1).*")', 0)).toEqual(['up{instance="h1:9100",job="a"} 1']);
    expect(d.q('label_replace(up, "x", "y", "instance", "h1")', 0)).toEqual(['up{instance="h1:9100",job="a"} 1']);
    expect(() => d.q('label_replace(up, "x", "y", "instance", "(")', 0)).toThrow(/invalid regular expression/);
  });

  it("label_join joins in order", () => {
    expect(d.q('label_join(up, "id", "/", "job", "instance")', 0)).toEqual([
      'up{id="a/h1:9100",instance="h1:9100",job="a"} 1',
    ]);
  });

  it("histogram_quantile interpolates in the bucket, needs +Inf, drops le and the name", () => {
    expect(d.q("histogram_quantile(0.5, bucket)", 0)).toEqual(["{} 0.6"]);
    expect(d.q("histogram_quantile(0.95, bucket)", 0)).toEqual(["{} 1"]);
    expect(d.q("histogram_quantile(0.05, bucket)", 0)).toEqual(["{} 0.05"]);
    expect(d.q("histogram_quantile(0.5, nobound)", 0)).toEqual(["{} NaN"]);
    expect(d.q("histogram_quantile(2, bucket)", 0)).toEqual(["{} Infinity"]);
  });

  it("reads the clock of the test: time() and calendar functions at the epoch", () => {
    expect(d.q("time()", "6h")).toEqual(["{} 21600"]);
    expect(d.q("timestamp(up)", "3m")).toEqual(['{instance="h1:9100",job="a"} 0']);
    expect(d.q("hour()", "6h")).toEqual(["{} 6"]);
    expect(d.q("day_of_week()", 0)).toEqual(["{} 4"]);
    expect(d.q("year(vector(1704067200))", 0)).toEqual(["{} 2024"]);
    expect(d.q("days_in_month(vector(1707000000))", 0)).toEqual(["{} 29"]);
  });

  it("absent() reports equality labels, dropping a label matched twice; rules read matchers sorted", () => {
    expect(d.q('absent(nope{job="x", env="prod"})', 0)).toEqual(['{env="prod",job="x"} 1']);
    expect(d.q('absent(nope{job="x", job="y"})', 0)).toEqual(["{} 1"]);
    expect(d.q('absent(nope{job="x", job!~"z"})', 0)).toEqual(["{} 1"]);
    // A rule's expression is evaluated as Prometheus prints it: job!~ sorts before job=, so job stays.
    const rules = load("", "1m", { sortedMatchers: true });
    expect(rules.q('absent(nope{job="x", job!~"z"})', 0)).toEqual(['{job="x"} 1']);
  });

  it("round, clamp, scalar and vector", () => {
    expect(d.q("round(vector(2.5))", 0)).toEqual(["{} 3"]);
    expect(d.q("round(vector(-2.5))", 0)).toEqual(["{} -2"]);
    expect(d.q("round(vector(7.33), 0.5)", 0)).toEqual(["{} 7.5"]);
    expect(d.q("clamp(vector(5), 7, 3)", 0)).toEqual([]);
    expect(d.q("scalar(bucket)", 0)).toEqual(["{} NaN"]);
    expect(d.q("ln(vector(10))", 0)).toEqual(["{} 2.302585092994046"]);
    expect(d.q("log10(vector(5))", 0)).toEqual(["{} 0.6989700043360187"]);
  });
});

describe("PromQL, not MetricsQL", () => {
  const refused: [string, RegExp][] = [
    ["rate(x)", /expected type range vector in call to function "rate", got instant vector/],
    ["sum(rate(x[5m])[10m])", /implicit subquery/],
    ["range_median(x)", /unknown function with name "range_median"/],
    ["median(x)", /unknown function with name "median"/],
    ["x keep_metric_names", /./],
    ["abs(x) keep_metric_names", /"keep_metric_names" is MetricsQL/],
    ["sum(x) limit 5", /"limit" after an aggregation is MetricsQL/],
    ['x{a="1" or b="2"}', /"or" inside a selector's braces is MetricsQL/],
    ["x default 0", /the "default" operator is MetricsQL/],
    ["x if y", /the "if" operator is MetricsQL/],
    ["WITH (a = x) a + 1", /WITH templates are MetricsQL/],
    ["x[5i]", /the duration "5i" is MetricsQL/],
    ["x > 5k", /number suffix in "5k" is MetricsQL/],
    ["(a + b) offset 5m", /offset or @ on an expression other than a selector/],
    ["x @ time()", /an @ modifier other than a number/],
    ["1 > 2", /comparisons between scalars must use BOOL modifier/],
    ["x and 1", /set operator "and" not allowed in binary scalar expression/],
    ["1 + on(a) x", /vector matching only allowed between instant vectors/],
    ["topk(x, y)", /expected type scalar in aggregation parameter, got instant vector/],
    ["sum(x, y)", /wrong number of arguments for aggregate expression provided, expected 1, got 2/],
    ["clamp_max(x, y)", /expected type scalar in call to function "clamp_max", got instant vector/],
    ['{job=""}', /vector selector must contain at least one non-empty matcher/],
    ['x{__name__="y"}', /metric name must not be set twice/],
    ["round(x, 1, 2)", /"round" takes 1 to 2 arguments, got 3/],
    ["label_join(x)", /"label_join" takes at least/],
    ["-x[5m]", /unary expression only allowed on expressions of type scalar or instant vector/],
  ];
  for (const [expr, msg] of refused) {
    it(`refuses ${expr}`, () => {
      const v = validatePromql(expr);
      expect(v, expr).not.toBeNull();
      expect(v?.message).toMatch(msg);
    });
  }

  it("accepts what PromQL has, with a position for what it refuses", () => {
    for (const ok of [
      "sum by (job) (rate(x[5m])) > bool 0.5",
      "x offset -5m @ 100",
      "max_over_time(deriv(x[5m])[1h:5m] offset 1h)",
      'label_replace(x, "a", "$1", "b", "(.*)")',
      'count_values("v", x) without (i)',
      "histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))",
      "x @ end() offset 5m",
      "vector(1) atan2 vector(2)",
    ]) {
      expect(validatePromql(ok), ok).toBeNull();
    }
    expect(validatePromql("sum(x)\n  + rate(y)")).toMatchObject({ line: 2, col: 10 });
  });
});

describe("work bounds", () => {
  it("stop an expression that would take too many steps or samples, with an error instead of a stall", () => {
    const d = load("x 1x10");
    expect(() => d.q("count_over_time(x[1000d:1ms])", "10m")).toThrow(/too many samples or subquery steps/);
  });
});
