// The promtool dialect end to end, in process (no database is started): its rules for external labels,
// time zero, empty input, multi-line series, MetricsQL refused with file:line, and rule errors.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unittest } from "../../src/unittest/cli.js";

const dir = join(import.meta.dirname, "../fixtures/unittest");

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const add = (t: string) => {
    out += t;
  };
  // A vmalert-tool file would need the database: -vm.binary makes any attempt to start one fail loudly.
  const code = await unittest(["-loggerLevel=FATAL", "-vm.binary=/nonexistent/victoria-metrics", ...args], {
    out: add,
    err: add,
  });
  return { code, out };
}

describe("tsalert unittest, promtool dialect", () => {
  it("passes: external labels only in templates, the epoch as time zero, an empty input, a multi-line series", async () => {
    const { code, out } = await cli([join(dir, "promtool-pass.yml")]);
    expect(out, out).toContain("promtool-pass.yml (promtool dialect: PromQL, Prometheus semantics)\n  SUCCESS");
    expect(code).toBe(0);
  });

  it("would attach no external label: an expectation with site= fails and shows the alert without it", async () => {
    const text = `rule_files: [${join(dir, "promtool-rules.yml")}]
tests:
  - external_labels: {site: ulsfo}
    input_series:
      - {series: 'up{job="api", instance="a"}', values: "0x5"}
    alert_rule_test:
      - eval_time: 3m
        alertname: InstanceDown
        exp_alerts:
          - exp_labels: {severity: page, job: api, instance: a, site: ulsfo}
            exp_annotations: {summary: "a down in ulsfo"}
`;
    const { writeFile, mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const tmp = await mkdtemp(join(tmpdir(), "tsalert-promtool-"));
    try {
      await writeFile(join(tmp, "t.yml"), text);
      const { code, out } = await cli([join(tmp, "t.yml")]);
      expect(code).toBe(1);
      expect(out).toContain(
        '- labels: {alertname="InstanceDown", instance="a", job="api", severity="page", site="ulsfo"}',
      );
      expect(out).toContain('+ labels: {alertname="InstanceDown", instance="a", job="api", severity="page"}');
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it("refuses a rule file using MetricsQL, naming file:line and the construct", async () => {
    const { code, out } = await cli([join(dir, "promtool-metricsql.yml")]);
    expect(code).toBe(1);
    expect(out).toMatch(
      /promtool-metricsql-rule\.yml:5:20: group "g" rule "r": bad PromQL expr: expected type range vector in call to function "rate", got instant vector/,
    );
  });

  it("reports a MetricsQL expression test as an error of that expression", async () => {
    const { code, out } = await cli([join(dir, "promtool-expr-metricsql.yml")]);
    expect(code).toBe(1);
    expect(out).toMatch(
      /expr: "sum\(requests_total\) limit 1", time: 1m \(.*promtool-expr-metricsql\.yml:6\), err: "limit" after an aggregation is MetricsQL/,
    );
  });

  it("refuses a test that would need more than a million evaluations", async () => {
    const { writeFile, mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const tmp = await mkdtemp(join(tmpdir(), "tsalert-promtool-"));
    try {
      await writeFile(
        join(tmp, "long.yml"),
        "evaluation_interval: 1ms\ntests:\n  - promql_expr_test:\n      - {expr: time(), eval_time: 1h, exp_samples: [{value: 3600}]}\n",
      );
      const { code, out } = await cli([join(tmp, "long.yml")]);
      expect(code).toBe(1);
      expect(out).toContain(
        "the last eval_time (1h) needs 3600000 evaluations at evaluation_interval 1ms, more than 1000000",
      );
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it("fails a test whose rule stops evaluating, and ends it there (as promtool)", async () => {
    const { code, out } = await cli([join(dir, "promtool-rule-error.yml")]);
    expect(code).toBe(1);
    expect(out).toMatch(
      /group "g" rule "ratio", time: 1m, err: .*found duplicate series for the match group \{job="a"\}/,
    );
    // The expression test after the failure does not run.
    expect(out).not.toContain('expr: "ratio"');
  });
});
