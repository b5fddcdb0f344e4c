import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { githubAnnotation } from "../../src/cli/check.js";
import { FLAGS } from "../../src/cli/flags.js";
import type { CliIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

const fixtures = new URL("../fixtures/", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "tsalert-main-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function runMain(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIO = { out: (t) => (out += t), err: (t) => (err += t) };
  const code = await main(argv, io);
  return { code, out, err };
}

describe("tsalert main", () => {
  it("-version prints the package version", async () => {
    const r = await runMain(["-version"]);
    expect(r).toEqual({ code: 0, out: "tsalert 0.1.0\n", err: "" });
  });

  it("-help lists every flag with its default", async () => {
    const r = await runMain(["-help"]);
    expect(r.code).toBe(0);
    for (const f of FLAGS) expect(r.out).toContain(`  -${f.name}`);
    expect(r.out).toContain("(default 1m)");
    expect(r.out).toContain("(default :8880)");
  });

  it("an unknown flag, a bad value or a missing value exits 2 naming the flag", async () => {
    for (const [argv, msg] of [
      [["-nope"], "flag provided but not defined: -nope"],
      [["-evaluationInterval=7d"], 'invalid value "7d" for flag -evaluationInterval'],
      [["-rule"], "flag needs an argument: -rule"],
      [["-loggerLevel=LOUD"], 'invalid value "LOUD" for flag -loggerLevel'],
      [["-rule.defaultRuleType=influx"], 'invalid value "influx" for flag -rule.defaultRuleType'],
      [["-external.label=novalue"], 'invalid value "novalue" for flag -external.label'],
      [["-dryRun", "stray"], "unprocessed command-line args: stray"],
    ] as const) {
      const r = await runMain([...argv]);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err).toContain(msg);
    }
  });

  it("-dryRun prints the summary and exits 0 for good files", async () => {
    const r = await runMain(["-dryRun", `-rule=${fixtures}groups-good.rules`, `-rule=${fixtures}*-compat-good.rules`]);
    expect(r).toEqual({ code: 0, out: "4 groups, 6 rules in 2 files\n", err: "" });
  });

  it("-dryRun warns about a dependency cycle, naming every rule on it by file:line, and still exits 0", async () => {
    const f = join(tmp, "cycle.rules");
    writeFileSync(
      f,
      "groups:\n  - name: g1\n    rules:\n      - record: a\n        expr: b + 1\n  - name: g2\n    rules:\n      - record: b\n        expr: a + 1\n",
    );
    const r = await runMain(["-dryRun", `-rule=${f}`]);
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `${f}:4:9: warning: dependency cycle: record "b" (group "g2", ${f}:8) reads record "a" (group "g1", ${f}:4); record "a" (group "g1", ${f}:4) reads record "b" (group "g2", ${f}:8); each evaluation reads the previous iteration's output of the one before it\n`,
    );
  });

  it("-dryRun accepts templates that are only expensive when run, as vmalert does", async () => {
    const r = await runMain(["-dryRun", `-rule=${fixtures}hostile-templates-good.rules`]);
    expect(r).toMatchObject({ code: 0, out: "1 group, 4 rules in 1 file\n" });
  });

  it("-dryRun prints every problem of every file and exits 1", async () => {
    const r = await runMain(["-dryRun", `-rule=${fixtures}vmalert-compat-bad.rules,${fixtures}tabs-bad.rules`]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err.split("\n")).toEqual([
      `${fixtures}vmalert-compat-bad.rules:6:9: group "compat": rule "Twice" is a duplicate in group (same name, expr and labels)`,
      `${fixtures}vmalert-compat-bad.rules:8:11: group "compat": group name "compat" duplicate in file`,
      `${fixtures}tabs-bad.rules:2:1: YAML: Tabs are not allowed as indentation`,
      "tsalert: 3 errors in 2 files",
      "",
    ]);
  });

  it("-dryRun without rules or with zero groups fails", async () => {
    expect((await runMain(["-dryRun"])).code).toBe(1);
    const f = join(tmp, "nogroups.rules");
    writeFileSync(f, "groups: []\n");
    const r = await runMain(["-dryRun", `-rule=${f}`]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("no groups found");
  });

  it("the run mode refuses to start without -rule or -datasource.url, naming the flag", async () => {
    const noRules = await runMain(["-loggerOutput=stdout", "-loggerFormat=json"]);
    expect(noRules.code).toBe(2);
    const f = join(tmp, "one.rules");
    writeFileSync(f, "groups:\n  - name: g\n    rules:\n      - record: r\n        expr: vector(1)\n");
    const noDatasource = await runMain([`-rule=${f}`, "-remoteWrite.url=http://127.0.0.1:1"]);
    expect(noDatasource.code).toBe(2);
  });
});

describe("tsalert lint", () => {
  it("text format: problems and a count, exit 1", async () => {
    const r = await runMain(["lint", `${fixtures}vmalert-compat-bad.rules`]);
    expect(r.code).toBe(1);
    expect(r.out.trim().split("\n").at(-1)).toBe("2 errors in 1 file");
  });

  it("json format is machine-readable", async () => {
    const r = await runMain([
      "lint",
      "--format=json",
      `${fixtures}vmalert-compat-bad.rules`,
      `${fixtures}groups-good.rules`,
    ]);
    expect(r.code).toBe(1);
    const body = JSON.parse(r.out);
    expect(body.ok).toBe(false);
    expect(body.files).toHaveLength(2);
    expect(body.groups).toBe(5);
    expect(body.problems[0]).toMatchObject({
      file: `${fixtures}vmalert-compat-bad.rules`,
      line: 6,
      col: 9,
      severity: "error",
    });
  });

  it("github format writes workflow annotations on the line", async () => {
    const r = await runMain(["lint", "--format", "github", `${fixtures}vmalert-compat-bad.rules`]);
    expect(r.code).toBe(1);
    expect(r.out.split("\n")[0]).toBe(
      `::error file=${fixtures}vmalert-compat-bad.rules,line=6,col=9::group "compat": rule "Twice" is a duplicate in group (same name, expr and labels)`,
    );
    expect(
      githubAnnotation({ file: "a,b:c.yml", line: 0, col: 0, message: "50% bad\nreally", severity: "warning" }),
    ).toBe("::warning file=a%2Cb%3Ac.yml::50%25 bad%0Areally");
  });

  it("takes loader flags and exits 0 on clean files", async () => {
    const f = join(tmp, "tenant.rules");
    writeFileSync(f, "groups:\n- name: t\n  tenant: '7'\n  rules:\n  - record: job:up:copy\n    expr: up\n");
    expect((await runMain(["lint", f])).code).toBe(1);
    const r = await runMain(["lint", "-clusterMode", f]);
    expect(r).toEqual({ code: 0, out: "1 group, 1 rule in 1 file\n", err: "" });
  });

  it("-help prints the usage", async () => {
    const r = await runMain(["lint", "-help"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: tsalert lint/);
  });

  it("usage errors exit 2", async () => {
    expect((await runMain(["lint"])).code).toBe(2);
    expect((await runMain(["lint", "--format=xml", "x"])).code).toBe(2);
    expect((await runMain(["lint", "-nope", "x"])).code).toBe(2);
  });
});

// The reference implementation: the same fixtures get the same verdict from the real vmalert 1.79.5.
const hasVmalert = spawnSync("vmalert", ["-version"]).status === 0;
describe.skipIf(!hasVmalert)("agreement with vmalert 1.79.5 -dryRun", () => {
  for (const name of [
    "vmalert-compat-good.rules",
    "vmalert-compat-bad.rules",
    "tabs-bad.rules",
    "hostile-templates-good.rules",
  ]) {
    it(name, async () => {
      const vm = spawnSync("vmalert", ["-dryRun", `-rule=${fixtures}${name}`], { encoding: "utf8", timeout: 20_000 });
      const ours = await runMain(["-dryRun", `-rule=${fixtures}${name}`]);
      expect(ours.code === 0, vm.stderr).toBe(vm.status === 0);
    });
  }

  it("a -rule pattern matching nothing: vmalert fails only when no group is left; tsalert always fails", async () => {
    const alone = spawnSync("vmalert", ["-dryRun", `-rule=${tmp}/nomatch/*.rules`], { encoding: "utf8" });
    expect(alone.status).not.toBe(0);
    expect((await runMain(["-dryRun", `-rule=${tmp}/nomatch/*.rules`])).code).toBe(1);
    const mixed = [`-rule=${fixtures}vmalert-compat-good.rules`, `-rule=${tmp}/nomatch/*.rules`];
    expect(spawnSync("vmalert", ["-dryRun", ...mixed]).status).toBe(0);
    const ours = await runMain(["-dryRun", ...mixed]);
    expect(ours.code).toBe(1);
    expect(ours.err).toContain("-rule pattern matches no files");
  });
});

describe("-external.alert.source", () => {
  it("is checked as a template when templates are validated", async () => {
    const { alertSourceProblems } = await import("../../src/cli/check.js");
    const template = (t: string) => (t.includes("{{ nope }}") ? { message: 'function "nope" not defined' } : null);
    expect(alertSourceProblems("vmui/?q={{ nope }}", { validators: { template } })).toEqual([
      {
        file: "-external.alert.source",
        line: 0,
        col: 0,
        message: 'invalid template: function "nope" not defined',
        severity: "error",
      },
    ]);
    expect(alertSourceProblems("vmui/?q={{ nope }}", { validators: { template }, validateTemplates: false })).toEqual(
      [],
    );
    expect(alertSourceProblems("vmui/?q={{ $expr }}", { validators: { template } })).toEqual([]);
  });
});

describe("-dryRun with the real expression and template checkers", () => {
  it("reports MetricsQL and template errors at their place in the file", async () => {
    const f = join(tmp, "checkers.rules");
    writeFileSync(
      f,
      [
        "groups:",
        "- name: g",
        "  rules:",
        "  - alert: A",
        "    expr: sum(rate(x[5m]) by (job)",
        "    annotations:",
        '      summary: "{{ $labels.job }} is {{ humanize $value }}"',
        '      bad: "value {{ nosuchfunc $value }}"',
        "  - record: r",
        "    expr: |",
        "      sum(",
        "        rate(x[5m])",
        "      ) by (job) +",
        "",
      ].join("\n"),
    );
    const r = await runMain(["-dryRun", `-rule=${f}`]);
    expect(r.code).toBe(1);
    const lines = r.err.trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(new RegExp(`^${f}:5:27: group "g" rule "A": bad MetricsQL expr: `));
    expect(lines[1]).toMatch(new RegExp(`^${f}:8:\\d+: group "g" rule "A": invalid annotations "bad": .*nosuchfunc`));
    expect(lines[2]).toMatch(new RegExp(`^${f}:13:19: group "g" rule "r": bad MetricsQL expr: `));
    expect(lines[3]).toBe("tsalert: 3 errors in 1 file");
    expect(
      (await runMain(["-dryRun", "-rule.validateExpressions=false", "-rule.validateTemplates=false", `-rule=${f}`]))
        .code,
    ).toBe(0);
  });

  it("fails on a bad -rule.templates file and lets rules use the defines of good ones", async () => {
    const good = join(tmp, "defs.tmpl");
    writeFileSync(good, '{{ define "grafana.link" }}http://grafana{{ end }}');
    const bad = join(tmp, "broken.tmpl");
    writeFileSync(bad, "{{ define }}");
    const rules = join(tmp, "uses-defs.rules");
    writeFileSync(
      rules,
      "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    annotations:\n      link: '{{ template \"grafana.link\" }}'\n",
    );
    expect((await runMain(["-dryRun", `-rule=${rules}`, `-rule.templates=${good}`])).code).toBe(0);
    const r = await runMain(["-dryRun", `-rule=${rules}`, `-rule.templates=${bad}`]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^-rule.templates: /);
  });
});
