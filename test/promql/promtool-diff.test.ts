// Differential test: tsalert's PromQL evaluator against the real promtool. Every expression below is
// evaluated by tsalert, its result written as the expectation of a promtool test file, and promtool
// must agree (`promtool test rules` passes). The data and evaluation times avoid what changed between
// promtool 2.42 (installed here) and current Prometheus: evaluation times fall between samples, so
// whether a window includes the sample at its start does not matter; values keep sums and means exact.
// Expressions marked "~" are compared to 1e-9: current Prometheus orders the float operations of rate(),
// sums (compensated) and variances differently from 2.42, which moves the last bit; trigonometry is Go's
// own code (V8's differs in the last bit).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promtoolAvailable, promtoolTestRules } from "../helpers/promtool.js";
import { load, ms } from "./helpers.js";

const INPUT: [string, string][] = [
  ['http_requests_total{job="api", instance="a", code="200"}', "0+10x40"],
  ['http_requests_total{job="api", instance="b", code="200"}', "5+20x10 0+20x29"],
  ['http_requests_total{job="api", instance="a", code="500"}', "0+1x40"],
  ['http_requests_total{job="web", instance="c", code="200"}', "100+2x40"],
  [
    'temperature{room="kitchen", floor="1"}',
    "20 22 21 25 24 26 25 28 27 29 30 31 29 28 27 26 25 24 23 22 21 20 19 18 17",
  ],
  ['temperature{room="hall", floor="1"}', "10-1x20"],
  ['temperature{room="attic", floor="2"}', "5x15 _x5 7x9"],
  ['flapping{job="api"}', "1 2 3 stale _x3 4 5 6 stale"],
  ['request_duration_seconds_bucket{job="api", le="0.1"}', "0+1x40"],
  ['request_duration_seconds_bucket{job="api", le="0.5"}', "0+3x40"],
  ['request_duration_seconds_bucket{job="api", le="1"}', "0+4x40"],
  ['request_duration_seconds_bucket{job="api", le="+Inf"}', "0+5x40"],
  ['request_duration_seconds_bucket{job="web", le="0.25"}', "0+2x40"],
  ['request_duration_seconds_bucket{job="web", le="+Inf"}', "0+8x40"],
  ['service_info{job="api", team="core", version="1.2"}', "1x40"],
  ['service_info{job="web", team="edge", version="0.9"}', "1x40"],
  ['up{job="api", instance="a"}', "1x15 0x25"],
  ['up{job="api", instance="b"}', "1x40"],
  ['up{job="web", instance="c"}', "0x10 1x30"],
  ['disk_free_bytes{mount="/"}', "1000-8x40"],
];

const AT = ["10m30s", "20m30s", "41m", "44m30s"];

const EXPRS: string[] = [
  // selectors, lookback, staleness, offset, @
  "http_requests_total",
  'http_requests_total{code!="200"}',
  'http_requests_total{instance=~"a|c", job!~"web"}',
  "flapping",
  "temperature offset 5m",
  "temperature @ 300",
  "http_requests_total offset -2m",
  'up{job="api"} @ 600 offset 1m',
  // range functions
  "~rate(http_requests_total[5m])",
  "~increase(http_requests_total[10m])",
  "~delta(temperature[5m])",
  "irate(http_requests_total[5m])",
  "idelta(temperature[5m])",
  "~deriv(disk_free_bytes[10m])",
  "~predict_linear(disk_free_bytes[10m], 3600)",
  "resets(http_requests_total[30m])",
  "changes(temperature[15m])",
  "~avg_over_time(temperature[4m])",
  "min_over_time(temperature[10m])",
  "max_over_time(temperature[10m])",
  "sum_over_time(temperature[10m])",
  "count_over_time(flapping[10m])",
  "last_over_time(temperature[10m])",
  "quantile_over_time(0.5, temperature[10m])",
  "~stddev_over_time(temperature[4m])",
  "~stdvar_over_time(temperature[4m])",
  "present_over_time(flapping[3m])",
  'absent_over_time(temperature{room="attic"}[3m])',
  'absent_over_time(nonexistent{job="x"}[5m])',
  "~holt_winters(temperature[10m], 0.5, 0.5)",
  "~rate(http_requests_total[5m] offset 3m)",
  // subqueries
  "~max_over_time(rate(http_requests_total[2m])[10m:1m])",
  "avg_over_time(up[10m:])",
  'min_over_time((up{job="api"} or on() vector(0))[6m:2m])',
  "count_over_time(temperature[20m:3m] offset 1m)",
  // instant functions
  "~abs(delta(temperature[5m]))",
  "ceil(rate(http_requests_total[5m]))",
  "floor(rate(http_requests_total[5m]))",
  "round(rate(http_requests_total[5m]), 0.05)",
  "sqrt(temperature)",
  "exp(up)",
  "ln(temperature)",
  "log2(temperature)",
  "log10(temperature)",
  "ln(http_requests_total)",
  "log2(http_requests_total)",
  "log10(http_requests_total / 7)",
  "ln(disk_free_bytes / 3)",
  "sgn(delta(temperature[5m]))",
  "clamp(temperature, 15, 25)",
  "clamp_max(temperature, 22)",
  "clamp_min(temperature, 22)",
  "timestamp(temperature)",
  "timestamp(flapping offset 1m)",
  "time()",
  "vector(time())",
  'scalar(up{instance="b"})',
  "minute()",
  "hour(vector(7200))",
  "day_of_week()",
  "days_in_month(vector(5184000))",
  "year()",
  "month(timestamp(up))",
  "sort(temperature)",
  "sort_desc(temperature)",
  'label_replace(up, "host", "$1-x", "instance", "(.*)")',
  'label_replace(up, "job", "", "job", "api")',
  'label_replace(up, "first", "$1", "instance", "(a)(b)?")',
  'label_join(up, "id", "/", "job", "instance")',
  'absent(up{job="nope", env="prod"})',
  "absent(up)",
  'absent(nonexistent{job="a", job="b", team="x"})',
  "~histogram_quantile(0.9, rate(request_duration_seconds_bucket[5m]))",
  "~histogram_quantile(0.5, sum by (le) (rate(request_duration_seconds_bucket[5m])))",
  "histogram_quantile(0.99, request_duration_seconds_bucket)",
  "~sin(up) + cos(up) + tan(up)",
  "deg(vector(pi()))",
  "rad(vector(180))",
  // aggregations
  "sum(http_requests_total)",
  "~sum by (job) (rate(http_requests_total[5m]))",
  "sum without (instance) (http_requests_total)",
  "~avg by (floor) (temperature)",
  "count(up == 1)",
  "min(temperature)",
  "max by (floor) (temperature)",
  "group by (job) (http_requests_total)",
  "~stddev(temperature)",
  "~stdvar(temperature)",
  "topk(2, http_requests_total)",
  "bottomk(1, temperature) by (floor)",
  "quantile(0.25, temperature)",
  'count_values("value", up)',
  'count_values by (job) ("v", up)',
  "sum(up) by (job) > 0",
  // binary operators and matching
  "http_requests_total * 2",
  "2 * http_requests_total",
  "-http_requests_total",
  "http_requests_total > 100",
  "100 < http_requests_total",
  "http_requests_total > bool 100",
  "temperature % 7",
  "temperature ^ 2",
  "vector(1) atan2 vector(2)",
  "1 + 2 * 3",
  "2 ^ 3 ^ 2",
  "5 > bool 3",
  'http_requests_total{code="500"} / ignoring(code) http_requests_total{code="200"}',
  "sum by (job, instance) (http_requests_total) / on(job, instance) up",
  "~rate(http_requests_total[5m]) * on(job) group_left(team, version) service_info",
  "service_info * on(job) group_right(team) sum by (job) (http_requests_total)",
  "up == on(job, instance) group_left() (up > 0)",
  "up and on(job) service_info",
  "up or temperature",
  'up unless on(instance) up{instance="a"}',
  "temperature > on(floor) group_left() avg by (floor) (temperature)",
  'http_requests_total{code="200"} == bool ignoring(code) http_requests_total{code="200"}',
  "up - on(job) group_left sum by (job) (up)",
];

const describeIf = promtoolAvailable ? describe : describe.skip;

function yamlString(s: string): string {
  return JSON.stringify(s);
}

function yamlFloat(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return ".inf";
  if (v === Number.NEGATIVE_INFINITY) return "-.inf";
  return String(v);
}

function promLabels(l: Record<string, string>): string {
  const name = l.__name__ ?? "";
  const rest = Object.keys(l)
    .filter((k) => k !== "__name__")
    .sort()
    .map((k) => `${k}=${JSON.stringify(l[k])}`)
    .join(", ");
  if (!name && !rest) return "";
  return rest ? `${name}{${rest}}` : name;
}

describeIf("PromQL evaluator agrees with promtool", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tsalert-promql-diff-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`on ${EXPRS.length} expressions at ${AT.length} times each`, { timeout: 120_000 }, async () => {
    const data = load(INPUT.map(([s, v]) => `${s} ${v}`).join("\n"), "1m");
    let yaml = "evaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n";
    for (const [series, values] of INPUT) {
      yaml += `      - series: ${yamlString(series)}\n        values: ${yamlString(values)}\n`;
    }
    yaml += "    promql_expr_test:\n";
    let cases = 0;
    for (const entry of EXPRS) {
      const expr = entry.startsWith("~") ? `round(${entry.slice(1)}, 0.000000001)` : entry;
      for (const at of AT) {
        const rows = data.engine.query(expr, ms(at));
        // promtool compares with reflect.DeepEqual, for which NaN never equals NaN: leave those out.
        if (rows.some((r) => Number.isNaN(r.value))) continue;
        cases++;
        yaml += `      - expr: ${yamlString(expr)}\n        eval_time: ${at}\n        exp_samples:${rows.length ? "" : " []"}\n`;
        for (const r of rows) {
          yaml += `          - labels: ${yamlString(promLabels(r.labels))}\n            value: ${yamlFloat(r.value)}\n`;
        }
      }
    }
    expect(cases).toBeGreaterThan(EXPRS.length * 3);
    await writeFile(join(dir, "diff_test.yml"), yaml);
    const { code, out } = await promtoolTestRules(["diff_test.yml"], dir);
    expect(out, out).toContain("SUCCESS");
    expect(code).toBe(0);
  });

  it("fails the same invalid expressions promtool rejects", { timeout: 60_000 }, async () => {
    const bad = [
      "rate(http_requests_total)",
      "sum(http_requests_total, up)",
      "1 > 2",
      "up and 1",
      "abs(up[5m])",
      "topk(up, up)",
      "http_requests_total / on(job) up",
      "service_info + on(job) group_left up",
    ];
    const data = load(INPUT.map(([s, v]) => `${s} ${v}`).join("\n"), "1m");
    for (const expr of bad) {
      expect(() => data.engine.query(expr, ms("10m30s")), expr).toThrow();
    }
    let yaml = "tests:\n  - interval: 1m\n    input_series:\n";
    for (const [series, values] of INPUT) {
      yaml += `      - series: ${yamlString(series)}\n        values: ${yamlString(values)}\n`;
    }
    yaml += "    promql_expr_test:\n";
    for (const expr of bad)
      yaml += `      - expr: ${yamlString(expr)}\n        eval_time: 10m30s\n        exp_samples: []\n`;
    await writeFile(join(dir, "bad_test.yml"), yaml);
    const { code, out } = await promtoolTestRules(["bad_test.yml"], dir);
    expect(code).toBe(1);
    // Every expression is an error in promtool too (one "err:" line each), not a wrong result.
    expect(out.match(/err: /g)?.length, out).toBe(bad.length);
  });
});
