// Fixture mode: query_results instead of input_series; no database is started (backend() throws).
import { join } from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { compileGoRegexp } from "../../src/goregexp.js";
import { parseUnittestArgs, UsageError } from "../../src/unittest/cli.js";
import { runTestFile } from "../../src/unittest/runfile.js";
import { parseTestFile, readTestFile } from "../../src/unittest/testfile.js";

const dir = join(import.meta.dirname, "../fixtures/unittest");
const opts = {
  logger: pino({ level: "silent" }),
  externalLabels: {},
  disableAlertgroupLabel: false,
  backend: () => Promise.reject(new Error("fixture mode must not start a database")),
};

describe("fixture mode", () => {
  it("passes: pending before for, firing with rendered annotations, resolved when the result empties", async () => {
    const res = await runTestFile(await readTestFile(join(dir, "fixture-pass.yml")), opts);
    expect(res.output).toContain("SUCCESS");
    expect(res.ok).toBe(true);
  });

  it("fails with a diff of expected and got annotations", async () => {
    const res = await runTestFile(await readTestFile(join(dir, "fixture-fail.yml")), opts);
    expect(res.ok).toBe(false);
    expect(res.output).toContain('- labels: {alertgroup="api", alertname="HighErrorRate", job="api", severity="page"}');
    expect(res.output).toContain('annotations: {summary="api errors at 10%"}');
    expect(res.output).toContain('annotations: {summary="api errors at 25%"}');
    expect(res.output).toMatch(/fixture-fail\.yml:12/);
  });

  it("a firing check one step before `for` elapses fails", async () => {
    const text = `rule_files: [${join(dir, "rules.yml")}]
tests:
  - query_results:
      - {eval_time: 0, expr: 'job:errors:rate5m > 0.05', result: [{labels: '{job="api"}', value: 1}]}
    alert_rule_test:
      - eval_time: 1m
        groupname: api
        alertname: HighErrorRate
        exp_alerts: [{exp_labels: {job: api, severity: page}, exp_annotations: {summary: "api errors at 100%"}}]
`;
    const res = await runTestFile(parseTestFile(join(dir, "inline.yml"), text), opts);
    expect(res.ok).toBe(false);
    expect(res.output).toContain("got (0):");
  });

  it("refuses expression tests (they need a database)", async () => {
    const text = `tests:
  - query_results: []
    metricsql_expr_test: [{expr: up, eval_time: 0}]
`;
    const res = await runTestFile(parseTestFile("inline.yml", text), opts);
    expect(res.ok).toBe(false);
    expect(res.output).toMatch(/inline\.yml:3: expression tests need input_series/);
  });

  it("requires groupname in vmalert-tool's format unless -disableAlertgroupLabel", async () => {
    const text = `rule_files: [${join(dir, "rules.yml")}]
tests:
  - query_results: []
    metricsql_expr_test: []
    alert_rule_test: [{eval_time: 0, alertname: HighErrorRate}]
`;
    const file = parseTestFile("g.yml", text, "vmalert-tool");
    const res = await runTestFile(file, opts);
    expect(res.output).toContain("groupname is required");
    const res2 = await runTestFile(file, { ...opts, disableAlertgroupLabel: true });
    expect(res2.ok).toBe(true);
  });

  it("--run is a Go regexp (RE2): unanchored, Go syntax, refused with Go's message, linear", () => {
    const run = (v: string) => parseUnittestArgs(["--run", v, "t.yml"]).run!;
    expect(run("fires").matchString("it fires after for")).toBe(true);
    expect(run("(?i)^IT").matchString("it fires")).toBe(true);
    expect(run("(a+)+$").matchString(`${"a".repeat(50_000)}!`)).toBe(false);
    expect(() => run("(a)\\1")).toThrow(
      "invalid value for flag --run: error parsing regexp: invalid escape sequence: `\\1`",
    );
    expect(() => run("a(?=b)")).toThrow(UsageError);
  });

  it("--run keeps only the tests whose name matches", async () => {
    const file = await readTestFile(join(dir, "fixture-fail.yml"));
    expect((await runTestFile(file, { ...opts, run: compileGoRegexp("^nothing") })).ok).toBe(true);
    expect((await runTestFile(file, { ...opts, run: compileGoRegexp("wrong") })).ok).toBe(false);
  });

  it("keep_firing_for and label templates behave as in the live engine (same rule code)", async () => {
    const rules = join(dir, "keep.yml");
    const text = `rule_files: [${rules}]
tests:
  - query_results:
      - {eval_time: 0, expr: 'errors > 0', result: [{labels: '{job="api"}', value: 3}]}
      - {eval_time: 2m, expr: 'errors > 0', result: []}
    alert_rule_test:
      - eval_time: 3m
        groupname: k
        alertname: Errors
        exp_alerts: [{exp_labels: {job: api, tier: api-tier}}]
      - eval_time: 4m
        groupname: k
        alertname: Errors
        exp_alerts: []
`;
    const res = await runTestFile(parseTestFile(join(dir, "keep-test.yml"), text), opts);
    expect(res.output).toContain("SUCCESS");
  });
});
