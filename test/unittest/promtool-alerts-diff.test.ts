// Differential test of whole rule groups: alerting and recording rules run through tsalert's engine on
// the in-process evaluator; the alerts firing at each checked time become the expectations of a promtool
// test file, which the real promtool must pass. This covers what the expression differential cannot:
// `for`, `keep_firing_for`, resolution, label and annotation templates, rule labels replacing series
// labels, recording rules read by later rules, and ALERTS.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileTemplate } from "../../src/template/index.js";
import { loadTestRules } from "../../src/unittest/runfile.js";
import { orderGroups, StepRunner } from "../../src/unittest/steps.js";
import { promqlTarget } from "../../src/unittest/targets.js";
import { parseTestFile } from "../../src/unittest/testfile.js";
import { promtoolAvailable, promtoolTestRules } from "../helpers/promtool.js";

const RULES = `groups:
  - name: record
    rules:
      - record: job:requests:rate2m
        expr: sum by (job) (rate(requests_total[2m]))
      - record: job:errors:ratio
        expr: sum by (job) (rate(errors_total[2m])) / job:requests:rate2m
  - name: alerts
    rules:
      - alert: HighErrorRatio
        expr: job:errors:ratio > 0.1
        for: 3m
        labels:
          severity: page
          summary_job: "{{ $labels.job }}"
        annotations:
          summary: "{{ $labels.job }} errors at {{ $value | humanizePercentage }}"
          value: "{{ $value | humanize }}"
          printf: '{{ printf "%.3f" $value }}'
      - alert: InstanceDown
        expr: up == 0
        for: 2m
        keep_firing_for: 3m
        labels:
          job: "{{ $labels.job }}-overridden"
          team: core
        annotations:
          team_seen: "{{ $labels.team }}"
          since: "{{ $labels.instance }} for {{ 120 | humanizeDuration }}"
      - alert: Always
        expr: vector(1)
      - alert: AlertsCount
        expr: count(ALERTS{alertstate="firing"}) >= 2
        annotations:
          n: "{{ $value }}"
`;

const INPUT: [string, string][] = [
  ['requests_total{job="api", instance="a"}', "0+60x40"],
  ['requests_total{job="web", instance="b"}', "0+30x40"],
  ['errors_total{job="api", instance="a"}', "0x5 0+12x20 240x14"],
  ['errors_total{job="web", instance="b"}', "0+1x40"],
  ['up{job="api", instance="a"}', "1x5 0x6 1x4 0x25"],
  ['up{job="web", instance="b"}', "1x40"],
];

const CHECKS = ["1m", "5m", "7m", "8m", "10m", "12m", "13m", "15m", "16m", "18m", "19m", "25m", "30m", "35m"];
const ALERTS = ["HighErrorRatio", "InstanceDown", "Always", "AlertsCount"];

const describeIf = promtoolAvailable ? describe : describe.skip;

describeIf("rule groups agree with promtool", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tsalert-alerts-diff-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("on alerts and their annotations over 35 minutes", { timeout: 120_000 }, async () => {
    await writeFile(join(dir, "rules.yml"), RULES);
    let yaml = "rule_files: [rules.yml]\nevaluation_interval: 1m\ngroup_eval_order: [record, alerts]\n";
    yaml += "tests:\n  - interval: 1m\n    input_series:\n";
    for (const [s, v] of INPUT) yaml += `      - series: ${JSON.stringify(s)}\n        values: ${JSON.stringify(v)}\n`;
    const file = parseTestFile(join(dir, "t.yml"), yaml);
    const loaded = await loadTestRules(file);
    expect(loaded.error).toBe("");
    const test = file.tests[0];
    const target = promqlTarget(test, file.evaluationInterval);
    const runner = new StepRunner(
      orderGroups(loaded.groups, file.groupEvalOrder),
      {
        querierFactory: target.querierFactory,
        writer: target.writer,
        compileTemplate: (t, o) => compileTemplate(t, o),
        logger: pino({ level: "silent" }),
        settings: {
          resendDelay: 0,
          maxResolveDuration: 0,
          externalLabels: {},
          templateExternalLabels: {},
          externalURL: "",
          externalURLRaw: "",
          disableAlertgroupLabel: true,
          semantics: "prometheus",
          maxStartDelay: 0,
          updateEntriesLimit: 20,
          maxActiveAlerts: 0,
        },
      },
      0,
      60_000,
    );
    yaml += "    alert_rule_test:\n";
    let firing = 0;
    try {
      for (let k = 0; k <= 35; k++) {
        const errors = await runner.step();
        expect(errors).toEqual([]);
        const at = `${k}m`;
        if (!CHECKS.includes(at)) continue;
        for (const name of ALERTS) {
          const got = runner.alerts(name).filter((a) => a.state === "firing");
          firing += got.length;
          yaml += `      - eval_time: ${at}\n        alertname: ${name}\n        exp_alerts:${got.length ? "" : " []"}\n`;
          for (const a of got) {
            const labels = Object.fromEntries(Object.entries(a.labels).filter(([k]) => k !== "alertname"));
            yaml += `          - exp_labels: ${JSON.stringify(labels)}\n            exp_annotations: ${JSON.stringify(a.annotations)}\n`;
          }
        }
      }
    } finally {
      await runner.stop();
    }
    expect(firing).toBeGreaterThan(20);
    await writeFile(join(dir, "t.yml"), yaml);
    const { code, out } = await promtoolTestRules(["t.yml"], dir);
    expect(out, `${out}\n--- test file ---\n${yaml}`).toContain("SUCCESS");
    expect(code).toBe(0);
  });
});
