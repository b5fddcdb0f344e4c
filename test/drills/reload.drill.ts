// Drill 7: bad reload. A broken rule file arrives by SIGHUP and by /-/reload: the old config keeps
// running (iterations go on, alert state untouched) and the error is reported (log with file:line, the
// reload metrics, /-/reload's answer, the UI). A good reload then changes only what changed: rules that
// stay keep their alerts (same activeAt), new rules and groups appear.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mib, recordFigures } from "./lib/report.js";
import { debugDump, type Stack, startStack, waitFor } from "./lib/stack.js";

const GOOD = `
groups:
  - name: drill-reload-a
    interval: 1s
    rules:
      - alert: DrillReloadA
        expr: drill_value{drill="reload"} > 0
        for: 1h
  - name: drill-reload-b
    interval: 1s
    rules:
      - alert: DrillReloadB
        expr: drill_value{drill="reload"} > 0
        for: 1h
`;

// Line 9: an expression that does not parse.
const BROKEN = `
groups:
  - name: drill-reload-a
    interval: 1s
    rules:
      - alert: DrillReloadA
        expr: drill_value{drill="reload"} > 0
        for: 1h
      - alert: DrillReloadBroken
        expr: sum(rate(drill_value[1m]) by (
`;

// Group b gains a rule, a new group c appears; group a is untouched.
const CHANGED = `${GOOD}      - alert: DrillReloadB2
        expr: drill_value{drill="reload"} > 0
        for: 1h
  - name: drill-reload-c
    interval: 1s
    rules:
      - alert: DrillReloadC
        expr: drill_value{drill="reload"} > 0
`;

describe("drill 7: bad reload", () => {
  let stack: Stack;
  let file: string;
  const activeAt = new Map<string, string>();

  const snapshotActiveAt = async () => {
    const out = new Map<string, string>();
    for (const a of await stack.alerts()) out.set(a.name, a.activeAt);
    return out;
  };
  const iterations = () => stack.metric("vmalert_iteration_total", { group: "drill-reload-a" });

  /** Asserts the old config still runs unchanged: same alerts, same activeAt, iterations going on. */
  const expectOldConfigRunning = async () => {
    const before = await iterations();
    await waitFor(async () => (await iterations()) >= before + 2, 10_000, "iterations to go on");
    const now = await snapshotActiveAt();
    expect([...now.keys()].sort()).toEqual(["DrillReloadA", "DrillReloadB"]);
    for (const [name, at] of activeAt) expect(now.get(name), `${name} activeAt`).toBe(at);
    expect((await stack.groups()).map((g) => g.name).sort()).toEqual(["drill-reload-a", "drill-reload-b"]);
  };

  beforeAll(async () => {
    stack = await startStack({ rules: GOOD, alertmanagers: 0 });
    file = join(stack.dir, "rules.yml");
    stack.feeder.set({ __name__: "drill_value", drill: "reload", instance: "a" }, 1);
    await stack.feeder.flush();
    await waitFor(async () => (await stack.alerts()).length === 2, 20_000, "both alerts pending");
    for (const [k, v] of await snapshotActiveAt()) activeAt.set(k, v);
  });
  afterAll(async () => {
    await debugDump(stack);
    await stack?.stop();
  });

  it("SIGHUP with a broken file keeps the old config and reports the error", async () => {
    const errorsBefore = await stack.metric("vmalert_config_last_reload_errors_total");
    await writeFile(file, BROKEN);
    const logFrom = stack.tsalert.logs().length;
    stack.tsalert.proc.kill("SIGHUP");
    await waitFor(
      async () => (await stack.metric("vmalert_config_last_reload_errors_total")) === errorsBefore + 1,
      10_000,
      "the failed reload to be counted",
    );
    expect(await stack.metric("vmalert_config_last_reload_successful")).toBe(0);
    const log = stack.tsalert.logs().slice(logFrom);
    expect(log).toMatch(/reload failed/);
    // The error names the file and the line of the broken expression.
    expect(log).toContain(`${file}:10:`);
    const ui = await (await fetch(`${stack.tsalert.url}/vmalert/groups`)).text();
    expect(ui).toContain("rules.yml:10:");
    await expectOldConfigRunning();
  });

  it("/-/reload with a broken file answers with the error and keeps the old config", async () => {
    const errorsBefore = await stack.metric("vmalert_config_last_reload_errors_total");
    const res = await fetch(`${stack.tsalert.url}/-/reload`);
    const body = await res.text();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(body).toContain(`${file}:10:`);
    expect(body).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);
    expect(await stack.metric("vmalert_config_last_reload_errors_total")).toBe(errorsBefore + 1);
    expect(await stack.metric("vmalert_config_last_reload_successful")).toBe(0);
    await expectOldConfigRunning();
  });

  it("a good reload changes only what changed", async () => {
    await writeFile(file, CHANGED);
    const startedAt = Date.now();
    const res = await fetch(`${stack.tsalert.url}/-/reload`);
    expect(res.status, await res.text()).toBe(200);
    await waitFor(async () => (await stack.alerts()).length === 4, 10_000, "the new rules' alerts");
    const reloadSeconds = (Date.now() - startedAt) / 1000;
    expect(await stack.metric("vmalert_config_last_reload_successful")).toBe(1);
    const now = await snapshotActiveAt();
    // Unchanged rules, in an unchanged and in a changed group, keep their alerts.
    expect(now.get("DrillReloadA")).toBe(activeAt.get("DrillReloadA"));
    expect(now.get("DrillReloadB")).toBe(activeAt.get("DrillReloadB"));
    expect(Date.parse(now.get("DrillReloadB2") ?? "")).toBeGreaterThan(Date.parse(activeAt.get("DrillReloadB") ?? ""));
    expect((await stack.groups()).map((g) => g.name).sort()).toEqual([
      "drill-reload-a",
      "drill-reload-b",
      "drill-reload-c",
    ]);
    const ui = await (await fetch(`${stack.tsalert.url}/vmalert/groups`)).text();
    expect(ui).not.toContain("rules.yml:10:");
    const mem = await stack.memory();
    await recordFigures("reload", {
      title: "bad reload (SIGHUP, /-/reload), then a good one",
      recoverySeconds: reloadSeconds,
      maxRssMiB: mib(mem.hwmKiB),
      extra: { reloadErrors: await stack.metric("vmalert_config_last_reload_errors_total"), activeAtKept: 2 },
    });
  });
});
