// Differential check against the real vmalert 1.79.5: rule IDs, alert IDs, alert labels and values for
// the same rules and data (1.79.5 and newest agree on these when no rule label clashes with a series
// label; group IDs differ by design: newest also hashes the interval).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQuerierFactory } from "../../src/datasource/index.js";
import { AlertingRule } from "../../src/rule/alerting.js";
import { alertID, ruleID } from "../../src/rule/ids.js";
import { startVmalert } from "../helpers/rule.js";
import { type RunningServer, startVictoriaMetrics, waitFor } from "../helpers/servers.js";
import { alertRule } from "./fakes.js";
import { harness, never } from "./harness.js";

let vm: RunningServer;
let dir: string;

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  dir = await mkdtemp(join(tmpdir(), "tsalert-diff-"));
  const now = Date.now();
  const lines = ["a", "b", "c"].map((i, n) =>
    JSON.stringify({
      metric: { __name__: "tsalert_diff_up", instance: `host-${i}`, job: "node" },
      values: [n + 0.5],
      timestamps: [now - 5000],
    }),
  );
  await fetch(`${vm.url}/api/v1/import`, { method: "POST", body: lines.join("\n") });
  await waitFor(
    async () => {
      const r = await fetch(`${vm.url}/api/v1/export?match[]=tsalert_diff_up`);
      return (await r.text()).split("\n").filter(Boolean).length === 3;
    },
    10_000,
    "imported series",
  );
}, 30_000);

afterAll(async () => {
  await vm?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface VmAlert {
  id: string;
  rule_id: string;
  labels: Record<string, string>;
  value: string;
  state: string;
}

describe("IDs and alerts match vmalert 1.79.5", () => {
  it("same rule IDs, alert IDs, labels and values", async () => {
    const file = join(dir, "diff.rules");
    await writeFile(
      file,
      [
        "groups:",
        "  - name: diff",
        "    interval: 1s",
        "    rules:",
        "      - alert: DiffUp",
        "        expr: tsalert_diff_up > 0",
        '        labels: { severity: page, team: "ops ü" }',
        "      - alert: DiffUp",
        "        expr: tsalert_diff_up > 1",
        "",
      ].join("\n"),
    );
    const vma = await startVmalert(file, vm.url);
    let alerts: VmAlert[] = [];
    try {
      await waitFor(
        async () => {
          const body = (await (await fetch(`${vma.url}/api/v1/alerts`)).json()) as { data: { alerts: VmAlert[] } };
          alerts = body.data.alerts;
          return alerts.length === 5;
        },
        20_000,
        "vmalert alerts",
      );
    } finally {
      await vma.stop();
    }
    const rule1 = ruleID("alerting", "DiffUp", "tsalert_diff_up > 0", { severity: "page", team: "ops ü" });
    const rule2 = ruleID("alerting", "DiffUp", "tsalert_diff_up > 1", {});
    expect(new Set(alerts.map((a) => a.rule_id))).toEqual(new Set([rule1, rule2]));
    for (const a of alerts) expect(alertID(a.labels)).toBe(a.id);

    // our engine on the same data produces the same alerts
    const h = harness({}, { name: "diff", interval: 1000 });
    const factory = createQuerierFactory({ url: vm.url });
    h.inputs.querier = factory.forGroup(h.inputs.group.querySettings);
    const ours: VmAlert[] = [];
    for (const cfg of [
      alertRule({ alert: "DiffUp", expr: "tsalert_diff_up > 0", labels: { severity: "page", team: "ops ü" } }),
      alertRule({ alert: "DiffUp", expr: "tsalert_diff_up > 1" }),
    ]) {
      const r = new AlertingRule(cfg, cfg.labels, h.inputs, { compile: h.deps.compileTemplate });
      await r.exec(Date.now(), never);
      for (const a of r.alerts.values()) {
        const api = r.apiAlert(a);
        ours.push({ id: api.id, rule_id: api.rule_id, labels: api.labels, value: api.value, state: api.state });
      }
    }
    await factory.close();
    const norm = (list: VmAlert[]) =>
      list.map((a) => ({ ...a })).sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    expect(norm(ours)).toEqual(
      norm(alerts.map((a) => ({ id: a.id, rule_id: a.rule_id, labels: a.labels, value: a.value, state: a.state }))),
    );
  }, 40_000);
});
