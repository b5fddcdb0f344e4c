import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadRules } from "../../src/config/load.js";
import { formatProblem } from "../../src/config/problems.js";
import type { ConfigProblem, Validators } from "../../src/config/types.js";
import { validateTemplate } from "../../src/template/index.js";

const fixtures = new URL("../fixtures/", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "tsalert-loader-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(tmp, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function errors(problems: ConfigProblem[]): string[] {
  return problems.filter((p) => p.severity === "error").map(formatProblem);
}

describe("loadRules on good files", () => {
  it("loads every document of a multi-document file with positions and defaults", async () => {
    const res = await loadRules([`${fixtures}groups-good.rules`]);
    expect(errors(res.problems)).toEqual([]);
    expect(res.groups.map((g) => g.name)).toEqual(["vm-health", "nightly", "second-doc"]);
    const [health, nightly, second] = res.groups;
    expect(health.interval).toBe(30_000);
    expect(health.labels).toEqual({ team: "infra" });
    expect(health.type).toBe("prometheus");
    expect(health.effective.concurrency).toBe(1);
    expect(health.pos).toMatchObject({ line: 3, col: 5 });
    const alert = health.rules[0];
    expect(alert).toMatchObject({ alert: "TooManyRestarts", for: 300_000, keepFiringFor: 60_000 });
    expect(alert.pos).toMatchObject({ line: 8, col: 9 });
    expect(alert.exprPos).toMatchObject({ line: 9, col: 15 });
    const rec = health.rules[1];
    expect(rec.record).toBe("job:up:sum");
    expect(rec.expr).toBe("sum by (job) (\n  up\n)\n");
    // The block scalar's text starts on the line after `|`.
    expect(rec.exprPos).toMatchObject({ line: 18, col: 11 });
    expect(nightly).toMatchObject({ cron: "0 3 * * *", queryOffset: 60_000, limit: 10, interval: undefined });
    expect(second).toMatchObject({
      evalOffset: 10_000,
      headers: ["X-Scope: a"],
      notifierHeaders: ["X-Team: b"],
      params: { nocache: ["1"] },
    });
    expect(res.files).toEqual([`${fixtures}groups-good.rules`]);
  });

  it("accepts YAML merge keys with overrides; merged fields keep the position where they are written", async () => {
    const res = await loadRules([`${fixtures}merge-keys-good.rules`]);
    expect(errors(res.problems)).toEqual([]);
    const [base, critical, page] = res.groups[0].rules;
    expect(base).toMatchObject({ alert: "LatencyHigh", for: 300_000, labels: { severity: "warning", team: "web" } });
    expect(critical).toMatchObject({
      alert: "LatencyCritical",
      expr: "latency_seconds > 5",
      for: 300_000,
      labels: { severity: "critical", team: "web" },
      annotations: { summary: "latency on {{ $labels.instance }}" },
    });
    expect(page).toMatchObject({ alert: "LatencyPage", expr: "latency_seconds > 1", for: 300_000 });
    // The merged expr is written in the anchored rule (line 6), the overriding one on line 15.
    expect(page.exprPos).toMatchObject({ line: 6, col: 15 });
    expect(critical.exprPos).toMatchObject({ line: 15, col: 15 });
  });

  it("reports a bad merged field where it is written", async () => {
    const file = write(
      "merge-bad.rules",
      "groups:\n  - name: g\n    rules:\n      - &base\n        alert: A\n        expr: up == 0\n        for: 5x\n      - <<: *base\n        alert: B\n",
    );
    const res = await loadRules([file]);
    expect(errors(res.problems)).toEqual([
      `${file}:7:14: group "g" rule "A": invalid for "5x": not a duration (use e.g. 30s, 5m, 1h30m, 2d)`,
      `${file}:7:14: group "g" rule "B": invalid for "5x": not a duration (use e.g. 30s, 5m, 1h30m, 2d)`,
    ]);
  });

  it("reads spec.groups of Kubernetes PrometheusRule manifests", async () => {
    const res = await loadRules([`${fixtures}k8s-prometheusrule-good.yaml`]);
    expect(errors(res.problems)).toEqual([]);
    expect(res.groups).toHaveLength(1);
    expect(res.groups[0].rules[0]).toMatchObject({ alert: "KubeDown", for: 900_000 });
    expect(res.groups[0].pos.line).toBe(8);
  });

  it("rejects unknown kinds and unknown spec fields of manifests", async () => {
    const f = write("k8s-bad.yaml", "apiVersion: v1\nkind: ConfigMap\nspec:\n  groups: []\n  other: 1\n");
    const res = await loadRules([f]);
    expect(errors(res.problems)).toEqual([
      `${f}:2:7: "kind" must be one of PrometheusRule, VMRule, got string "ConfigMap"`,
      `${f}:5:3: unknown field "other" in spec`,
    ]);
  });

  it("substitutes %{ENV} placeholders and leaves unknown ones", async () => {
    const f = write(
      "env.rules",
      "groups:\n- name: '%{TSA_GROUP}'\n  rules:\n  - record: r\n    expr: up{x=\"%{NOPE_TSA}\"}\n",
    );
    const res = await loadRules([f], { env: { TSA_GROUP: "from-env" } });
    expect(errors(res.problems)).toEqual([]);
    expect(res.groups[0].name).toBe("from-env");
    expect(res.groups[0].rules[0].expr).toBe('up{x="%{NOPE_TSA}"}');
  });

  it("gives the same checksum for the same group and another one when a rule changes", async () => {
    const a = write("sum-a.rules", "groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n");
    const b = write(
      "sum-b.rules",
      "# comment moves lines\n\ngroups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n",
    );
    const c = write("sum-c.rules", "groups:\n- name: g\n  rules:\n  - record: r\n    expr: up > 0\n");
    const [ra, rb, rc] = await Promise.all([loadRules([a]), loadRules([b]), loadRules([c])]);
    // The file name is part of the group, so compare b and a by content only through a copy.
    expect(ra.groups[0].checksum).not.toBe(rc.groups[0].checksum);
    expect(rb.groups[0].checksum).toMatch(/^[0-9a-f]{40}$/);
    const a2 = write("sum-a.rules", "groups:\n- name: g\n  rules:\n  - record: r\n    expr: up   \n");
    expect((await loadRules([a2])).groups[0].checksum).toBe(ra.groups[0].checksum);
  });

  it("accepts a quoted value continued at its key's indentation, as vmalert does, with a warning", async () => {
    const f = write(
      "cont.rules",
      'groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    annotations:\n      d: "first line\n      second line"\n',
    );
    const res = await loadRules([f]);
    expect(errors(res.problems)).toEqual([]);
    expect(res.groups[0].rules[0].annotations.d).toBe("first line second line");
    expect(res.problems.map((p) => p.severity)).toEqual(["warning"]);
  });
});

describe("loadRules semantic checks", () => {
  it("reports every problem of the file with its line and column", async () => {
    const f = `${fixtures}semantic-bad.rules`;
    const res = await loadRules([f]);
    const lines = errors(res.problems).map((l) => l.slice(f.length));
    expect(lines).toEqual([
      ':3:15: group "dup": interval must not be negative, got -5m',
      ':5:9: group "dup" rule "Both": only one of `record` or `alert` may be set',
      ':8:9: group "dup" rule "#1": either `record` or `alert` must be set',
      ':9:17: group "dup" rule "bad name": invalid recording rule name "bad name": must be a metric name [a-zA-Z_:][a-zA-Z0-9_:]*',
      ':11:9: group "dup" rule "bad name": for is only valid for alerting rules',
      ':13:15: group "dup" rule "NoExpr": expression can\'t be empty',
      ':17:11: group "dup" rule "NameLabel": label __name__ is not allowed (it would rename the series)',
      ':20:9: group "dup": rule "Same" is a duplicate in group (same name, expr and labels)',
      ':22:11: group "dup": group name "dup" duplicate in file',
      ':23:18: group "dup": the abs value of eval_offset should be smaller than interval; eval_offset 2m, interval 1m',
      ':25:17: group "dup": eval_offset cannot be used with eval_delay',
      ':26:12: group "dup": invalid limit -1: must not be negative',
      ':27:18: group "dup": invalid concurrency -2: must not be negative',
      ':28:11: group "dup": unknown datasource type "influx": want prometheus, graphite, vlogs',
      ':29:5: group "dup": unknown field "unknown_group_key" in group',
      ':30:15: group "dup": missing \':\' in header "no colon here" (want "Name: value")',
      ':34:9: group "dup" rule "Fine": unknown field "unknown_rule_key" in rule',
      ':35:14: group "dup" rule "Fine": invalid for "1fortnight": not a duration (use e.g. 30s, 5m, 1h30m, 2d)',
      ':36:11: group "": group name must be set',
      ':37:5: group "": group tenant is only allowed with -clusterMode',
      ':38:11: group "": invalid cron schedule "every day"',
    ]);
  });

  it("reports the problems of all files at once, pattern problems included", async () => {
    const res = await loadRules([
      `${fixtures}vmalert-compat-bad.rules`,
      `${fixtures}tabs-bad.rules`,
      `${tmp}/none/*.rules`,
    ]);
    const files = new Set(res.problems.map((p) => p.file));
    expect(files).toEqual(
      new Set([`${fixtures}vmalert-compat-bad.rules`, `${fixtures}tabs-bad.rules`, `${tmp}/none/*.rules`]),
    );
    expect(errors(res.problems)).toContain(`${tmp}/none/*.rules: -rule pattern matches no files`);
  });

  it("allows tenant with clusterMode and checks its form", async () => {
    const f = write("tenant.rules", "groups:\n- name: a\n  tenant: '1:2'\n  rules: []\n- name: b\n  tenant: 'x'\n");
    const res = await loadRules([f], { clusterMode: true });
    expect(errors(res.problems)).toEqual([
      `${f}:6:11: group "b": invalid tenant "x": want accountID or accountID:projectID`,
    ]);
    expect(res.groups[0].tenant).toBe("1:2");
  });

  it("rejects cron together with interval", async () => {
    const f = write("cron.rules", "groups:\n- name: a\n  cron: '*/5 * * * *'\n  interval: 1m\n");
    expect(errors((await loadRules([f])).problems)).toEqual([
      `${f}:3:9: group "a": cron and interval are exclusive: set one of them`,
    ]);
  });

  it("does not count an alert and a record of the same name as duplicates", async () => {
    const f = write(
      "same-name.rules",
      "groups:\n- name: a\n  rules:\n  - alert: x\n    expr: up\n  - record: x\n    expr: up\n",
    );
    expect(errors((await loadRules([f])).problems)).toEqual([]);
  });

  it("treats labels as part of a rule's identity", async () => {
    const f = write(
      "labels-id.rules",
      "groups:\n- name: a\n  rules:\n  - alert: x\n    expr: up\n    labels: {a: '1'}\n  - alert: x\n    expr: up\n    labels: {a: '2'}\n",
    );
    expect(errors((await loadRules([f])).problems)).toEqual([]);
  });
});

describe("validator hooks", () => {
  const validators: Validators = {
    expr(expr) {
      const at = expr.indexOf("BAD");
      if (at < 0) return null;
      const before = expr.slice(0, at).split("\n");
      return { message: "unexpected BAD", line: before.length, col: before[before.length - 1].length + 1 };
    },
    template(text) {
      const at = text.indexOf("{{ nope }}");
      return at < 0 ? null : { message: 'function "nope" not defined', line: 1, col: at + 1 };
    },
  };

  it("maps expression positions to the file for plain, quoted and block scalars", async () => {
    const f = write(
      "expr-pos.rules",
      [
        "groups:",
        "- name: g",
        "  rules:",
        "  - record: plain",
        "    expr: sum(BAD)",
        "  - record: quoted",
        '    expr: "up + BAD"',
        "  - record: literal",
        "    expr: |",
        "      sum(",
        "        BAD",
        "      )",
        "  - record: folded",
        "    expr: >-",
        "      a +",
        "      b + BAD",
        "",
      ].join("\n"),
    );
    const res = await loadRules([f], { validators });
    expect(res.problems.map((p) => [p.line, p.col])).toEqual([
      [5, 15],
      [7, 17],
      [11, 9],
      [16, 11],
    ]);
    expect(res.problems[0].message).toBe('group "g" rule "plain": bad MetricsQL expr: unexpected BAD');
  });

  it("hands every annotation and label text to the template validator, with or without }}", async () => {
    const f = write(
      "tpl.rules",
      "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    annotations:\n      s: 'x {{ nope }}'\n      t: 'nope }}'\n",
    );
    const seen: string[] = [];
    const res = await loadRules([f], {
      validators: {
        ...validators,
        template: (t) => {
          seen.push(t);
          return validators.template?.(t, "annotation") ?? null;
        },
      },
    });
    expect(seen).toEqual(["x {{ nope }}", "nope }}"]);
    expect(errors(res.problems)).toEqual([
      `${f}:7:13: group "g" rule "A": invalid annotations "s": function "nope" not defined`,
    ]);
  });

  it("rejects a text Go's template parser rejects, also when it has no }}", async () => {
    const f = write(
      "tpl-unclosed.rules",
      'groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    labels:\n      x: "{{ open"\n    annotations:\n      summary: "{{ $labels.instance } is down"\n      plain: "no template }} here"\n',
    );
    const res = await loadRules([f], { validators: { template: (t) => validateTemplate(t) } });
    expect(errors(res.problems)).toEqual([
      `${f}:7:14: group "g" rule "A": invalid labels "x": template: :1: function "open" not defined`,
      `${f}:9:37: group "g" rule "A": invalid annotations "summary": template: :1: unexpected "}" in operand`,
    ]);
  });

  it("skips the hooks when validation is switched off", async () => {
    const f = write("off.rules", "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: BAD\n");
    const res = await loadRules([f], { validators, validateExpressions: false });
    expect(res.problems).toEqual([]);
  });
});

describe("scalars in text fields", () => {
  it("keep their source text as vmalert's decoder does", async () => {
    const f = write(
      "scalars.rules",
      "groups:\n- name: 1e3\n  labels: {v: 1.0}\n  rules:\n  - record: r\n    expr: 1.50\n    labels: {on: true, n: 007, e: }\n",
    );
    const res = await loadRules([f]);
    expect(errors(res.problems)).toEqual([]);
    const g = res.groups[0];
    expect(g.name).toBe("1e3");
    expect(g.labels).toEqual({ v: "1.0" });
    expect(g.rules[0].expr).toBe("1.50");
    expect(g.rules[0].labels).toEqual({ on: "true", n: "007", e: "" });
  });
});
