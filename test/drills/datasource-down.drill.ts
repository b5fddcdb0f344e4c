// Drill 1: the datasource refuses connections for an outage (12 s; 60 s with --long), then comes back.
// Expected: every evaluation reports an error, alert state is frozen (the firing alert stays firing in
// tsalert and in Alertmanager, the pending one stays pending, nothing is sent as resolved), iterations go
// on, the error metrics grow; after recovery the alerts carry on with their original activeAt.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mib, recordFigures } from "./lib/report.js";
import { debugDump, outageMs, type Stack, sleep, startStack, waitFor } from "./lib/stack.js";

const RULES = `
groups:
  - name: drill-down
    interval: 1s
    rules:
      - alert: DrillDownFiring
        expr: drill_value{drill="down"} > 0
        for: 2s
      - alert: DrillDownPending
        expr: drill_value{drill="down"} > 0
        for: 1h
`;

interface AmAlert {
  labels: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

async function amActive(stack: Stack): Promise<AmAlert[]> {
  const res = await fetch(`${stack.alertmanagers[0]?.server.url}/api/v2/alerts?active=true&silenced=false`);
  const list = (await res.json()) as AmAlert[];
  return list.filter((a) => a.labels.alertname === "DrillDownFiring" && Date.parse(a.endsAt) > Date.now());
}

describe("drill 1: datasource down", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ rules: RULES, args: ["-rule.resendDelay=1s"] });
    stack.feeder.set({ __name__: "drill_value", drill: "down", instance: "a" }, 1);
    await stack.feeder.flush();
  });
  afterAll(async () => {
    await debugDump(stack);
    await stack?.stop();
  });

  it("freezes alert state while the datasource refuses connections and resumes after", async () => {
    await waitFor(
      async () => {
        const alerts = await stack.alerts();
        return alerts.some((a) => a.name === "DrillDownFiring" && a.state === "firing");
      },
      20_000,
      "DrillDownFiring to fire",
    );
    await waitFor(async () => (await amActive(stack)).length === 1, 10_000, "Alertmanager to hold the alert");
    const before = await stack.alerts();
    const firing = before.find((a) => a.name === "DrillDownFiring");
    const pending = before.find((a) => a.name === "DrillDownPending");
    expect(firing?.state).toBe("firing");
    expect(pending?.state).toBe("pending");
    const amStartsAt = (await amActive(stack))[0]?.startsAt;

    const itersBefore = await stack.metric("vmalert_iteration_total", { group: "drill-down" });
    const errsBefore = await stack.metric("vmalert_alerting_rules_errors_total", { alertname: "DrillDownFiring" });
    const execErrsBefore = await stack.metric("vmalert_execution_errors_total");
    const postsBefore = stack.alertmanagers[0]?.posts.length ?? 0;

    const outage = outageMs();
    await stack.datasource.refuse();
    const outageStart = Date.now();
    let amGaps = 0;
    let checks = 0;
    while (Date.now() - outageStart < outage) {
      await sleep(1000);
      checks++;
      const now = await stack.alerts();
      const f = now.find((a) => a.name === "DrillDownFiring");
      const p = now.find((a) => a.name === "DrillDownPending");
      // Frozen: same state, same activeAt, no re-pend and no resolve.
      expect(f?.state, "firing alert during outage").toBe("firing");
      expect(f?.activeAt).toBe(firing?.activeAt);
      expect(p?.state, "pending alert during outage").toBe("pending");
      expect(p?.activeAt).toBe(pending?.activeAt);
      if ((await amActive(stack)).length !== 1) amGaps++;
    }
    expect(checks).toBeGreaterThan(5);

    const rule = await stack.rule("drill-down", "DrillDownFiring");
    expect(rule?.health).toBe("err");
    expect(rule?.lastError).toMatch(/ECONNREFUSED|connect|fetch failed|refused/i);
    const itersDuring = (await stack.metric("vmalert_iteration_total", { group: "drill-down" })) - itersBefore;
    const errsDuring =
      (await stack.metric("vmalert_alerting_rules_errors_total", { alertname: "DrillDownFiring" })) - errsBefore;
    // Iterations keep their 1 s schedule (a little slack for a busy machine); each one is an error.
    expect(itersDuring).toBeGreaterThanOrEqual(Math.floor(outage / 1000) - 3);
    expect(errsDuring).toBeGreaterThanOrEqual(itersDuring - 2);
    expect((await stack.metric("vmalert_execution_errors_total")) - execErrsBefore).toBeGreaterThanOrEqual(
      2 * (itersDuring - 2),
    );
    expect(stack.tsalert.logs()).toMatch(/DrillDownFiring/);

    // Nothing went out as resolved at any time.
    const posts = stack.alertmanagers[0]?.posts ?? [];
    for (const post of posts) {
      for (const a of post.alerts) {
        if (a.labels.alertname === "DrillDownFiring") expect(Date.parse(a.endsAt)).toBeGreaterThan(post.at - 1000);
      }
    }
    // The firing alert stays active in Alertmanager through the outage: tsalert keeps re-sending it.
    expect(amGaps, "checks where Alertmanager no longer held the firing alert").toBe(0);
    expect(posts.length).toBeGreaterThan(postsBefore);

    await stack.datasource.pass();
    const backAt = Date.now();
    await waitFor(
      async () => {
        const r = await stack.rule("drill-down", "DrillDownFiring");
        return r?.health === "ok" && r.lastError === "";
      },
      20_000,
      "the rule to recover",
    );
    const recoverySeconds = (Date.now() - backAt) / 1000;
    const after = await stack.alerts();
    expect(after.find((a) => a.name === "DrillDownFiring")?.activeAt).toBe(firing?.activeAt);
    expect(after.find((a) => a.name === "DrillDownFiring")?.state).toBe("firing");
    expect(after.find((a) => a.name === "DrillDownPending")?.activeAt).toBe(pending?.activeAt);
    expect(after.find((a) => a.name === "DrillDownPending")?.state).toBe("pending");
    await waitFor(async () => (await amActive(stack)).length === 1, 10_000, "Alertmanager to hold the alert");
    expect((await amActive(stack))[0]?.startsAt).toBe(amStartsAt);

    const mem = await stack.memory();
    await recordFigures("datasource-down", {
      title: "datasource down (refused)",
      outageSeconds: outage / 1000,
      alertsLost: amGaps,
      recoverySeconds,
      maxRssMiB: mib(mem.hwmKiB),
      extra: { iterationsDuringOutage: itersDuring, ruleErrors: errsDuring },
    });
  });
  it("connections reset instead of refused: the same frozen state, errors name the reset", async () => {
    const before = await stack.alerts();
    const firing = before.find((a) => a.name === "DrillDownFiring");
    const pending = before.find((a) => a.name === "DrillDownPending");
    expect(firing?.state).toBe("firing");
    const errsBefore = await stack.metric("vmalert_alerting_rules_errors_total", { alertname: "DrillDownFiring" });
    await stack.datasource.reset();
    const start = Date.now();
    while (Date.now() - start < 6000) {
      await sleep(1000);
      const now = await stack.alerts();
      expect(now.find((a) => a.name === "DrillDownFiring")?.activeAt).toBe(firing?.activeAt);
      expect(now.find((a) => a.name === "DrillDownFiring")?.state).toBe("firing");
      expect(now.find((a) => a.name === "DrillDownPending")?.activeAt).toBe(pending?.activeAt);
      expect(now.find((a) => a.name === "DrillDownPending")?.state).toBe("pending");
      expect((await amActive(stack)).length).toBe(1);
    }
    const rule = await stack.rule("drill-down", "DrillDownFiring");
    expect(rule?.health).toBe("err");
    expect(rule?.lastError).toMatch(/ECONNRESET|socket|closed|reset/i);
    expect(
      (await stack.metric("vmalert_alerting_rules_errors_total", { alertname: "DrillDownFiring" })) - errsBefore,
    ).toBeGreaterThanOrEqual(3);
    await stack.datasource.pass();
    await waitFor(async () => (await stack.rule("drill-down", "DrillDownFiring"))?.health === "ok", 20_000, "recovery");
    expect((await stack.alerts()).find((a) => a.name === "DrillDownFiring")?.activeAt).toBe(firing?.activeAt);
  });
});
