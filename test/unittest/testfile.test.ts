import { describe, expect, it } from "vitest";
import { parseTestFile, TestFileError } from "../../src/unittest/testfile.js";

describe("parseTestFile", () => {
  it("reads vmalert-tool's format with defaults", () => {
    const f = parseTestFile(
      "/x/t.yaml",
      `rule_files: [rules.yaml]
group_eval_order: [b, a]
tests:
  - input_series:
      - {series: 'up{job="a"}', values: "0x2"}
    alert_rule_test:
      - {eval_time: 5m, groupname: g, alertname: A}
    metricsql_expr_test:
      - {expr: up, eval_time: 1m, exp_samples: [{labels: 'up{job="a"}', value: 0}]}
`,
    );
    expect(f.format).toBe("vmalert-tool");
    expect(f.ruleFiles).toEqual(["/x/rules.yaml"]);
    expect(f.evaluationInterval).toBe(60_000);
    expect(f.groupEvalOrder).toEqual(["b", "a"]);
    const t = f.tests[0];
    expect(t.interval).toBe(60_000);
    expect(t.startTime).toBe(0);
    expect(t.inputSeries[0].points).toEqual([0, 0, 0]);
    expect(t.alertTests[0]).toMatchObject({ evalTime: 300_000, groupname: "g", alertname: "A", expAlerts: [] });
    expect(t.exprTests[0].expSamples).toEqual([{ labels: { __name__: "up", job: "a" }, value: 0 }]);
  });

  it("reads a leading 0 as octal in promtool's dialect, as its series parser does", () => {
    const text = "tests:\n  - input_series:\n      - {series: a, values: '010 09 010+010x1'}\n";
    expect(parseTestFile("p.yml", text, "promtool").tests[0].inputSeries[0].points).toEqual([8, 9, 8, 16]);
    expect(parseTestFile("v.yml", text, "vmalert-tool").tests[0].inputSeries[0].points).toEqual([10, 9, 10, 20]);
  });

  it("keeps values as the expanding notation (0x10 is not hex)", () => {
    const f = parseTestFile("t.yml", "tests:\n  - input_series:\n      - series: up\n        values: 0x10\n");
    expect(f.tests[0].inputSeries[0].points).toHaveLength(11);
  });

  it("detects promtool's format", () => {
    const f = parseTestFile("t.yml", "tests:\n  - promql_expr_test:\n      - {expr: up, eval_time: 0}\n");
    expect(f.format).toBe("promtool");
    expect(f.tests[0].exprTests).toHaveLength(1);
  });

  it("names file:line for bad input notation", () => {
    const text = `tests:
  - input_series:
      - series: a
        values: "1 2"
      - series: b
        values: "1 4y2"
`;
    expect(() => parseTestFile("bad.yml", text)).toThrow(TestFileError);
    expect(() => parseTestFile("bad.yml", text)).toThrow(/^bad\.yml:6: values: bad value "4y2"/);
  });

  it("names file:line for a bad series selector", () => {
    expect(() =>
      parseTestFile("s.yml", "tests:\n  - input_series:\n      - series: 'up{job='\n        values: 1\n"),
    ).toThrow(/^s\.yml:3: series: bad series/);
  });

  it("bounds the points of all input series of a test", () => {
    const series = Array.from({ length: 5 }, (_, i) => `      - {series: s${i}, values: "0x4999999"}`).join("\n");
    expect(() => parseTestFile("big.yml", `tests:\n  - input_series:\n${series}\n`)).toThrow(
      /^big\.yml:7: input_series: the test's series expand beyond 20000000 points in all/,
    );
  });

  it("rejects unknown fields (strict like both tools)", () => {
    expect(() =>
      parseTestFile(
        "u.yml",
        "tests:\n  - interval: 1m\n    metricsql_expr_test: []\n    promql_expr_test: []\n",
        "vmalert-tool",
      ),
    ).toThrow(/u\.yml:4: .*field promql_expr_test not found/);
    expect(() => parseTestFile("u.yml", "evaluation_interval: 1m\nbogus: 1\n")).toThrow(/u\.yml:2: .*field bogus/);
  });

  it("rejects a group listed twice in group_eval_order", () => {
    expect(() => parseTestFile("o.yml", "group_eval_order: [a, b, a]\n")).toThrow(/o\.yml:1: .*listed twice/);
  });

  it("rejects native histogram expectations with a reason", () => {
    expect(() =>
      parseTestFile(
        "h.yml",
        "tests:\n  - promql_expr_test:\n      - expr: h\n        exp_samples:\n          - histogram: '{{}}'\n",
      ),
    ).toThrow(/h\.yml:5: native histogram/);
  });

  it("reads start_timestamp (RFC3339 or seconds)", () => {
    const f = parseTestFile(
      "s.yml",
      "tests:\n  - start_timestamp: '2024-01-01T00:00:00Z'\n  - start_timestamp: 1700000000\n",
      "promtool",
    );
    expect(f.tests[0].startTime).toBe(Date.UTC(2024, 0, 1));
    expect(f.tests[1].startTime).toBe(1_700_000_000_000);
  });

  it("refuses query_results together with input_series", () => {
    expect(() =>
      parseTestFile(
        "q.yml",
        "tests:\n  - input_series: [{series: a, values: '1'}]\n    query_results: [{expr: a, result: []}]\n",
      ),
    ).toThrow(/q\.yml:3: query_results .* exclude/);
  });
});
