// Drill 2: the datasource accepts and never answers. Three shapes of hang: a connection that stays
// silent (TCP), an answer whose body stalls after the headers, and a datasource that hangs only the
// queries of one group. Expected: -datasource.queryTimeout fires with a clear error, the other groups keep
// their schedule and results, and the hung group never has more than one evaluation in flight.
import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mib, recordFigures } from "./lib/report.js";
import { debugDump, outageMs, type Stack, sleep, startStack, waitFor } from "./lib/stack.js";

const RULES = `
groups:
  - name: drill-hung
    interval: 2s
    rules:
      - alert: DrillHung
        expr: drill_hang_value > 0
        for: 1s
  - name: drill-healthy
    interval: 1s
    rules:
      - alert: DrillHealthy
        expr: drill_ok_value > 0
      - record: drill:ok:sum
        expr: sum(drill_ok_value)
`;

/** Proxy handler state: hung requests open now and at most, per query marker. */
interface HangCounter {
  open: number;
  max: number;
  total: number;
}

describe("drill 2: datasource hangs", () => {
  let stack: Stack;
  const figures: Record<string, number> = {};
  beforeAll(async () => {
    stack = await startStack({
      rules: RULES,
      alertmanagers: 0,
      remoteWrite: true,
      args: ["-datasource.queryTimeout=1s"],
    });
    stack.feeder.set({ __name__: "drill_hang_value" }, 1);
    stack.feeder.set({ __name__: "drill_ok_value" }, 1);
    await stack.feeder.flush();
    await waitFor(
      async () => (await stack.alerts()).filter((a) => a.state === "firing").length === 2,
      20_000,
      "both alerts to fire",
    );
  });
  afterAll(async () => {
    await debugDump(stack);
    await stack?.stop();
    const mem = figures.hwmKiB ?? 0;
    await recordFigures("datasource-hang", {
      title: "datasource hangs",
      outageSeconds: figures.outageSeconds,
      alertsLost: figures.alertsLost,
      recoverySeconds: figures.recoverySeconds,
      maxRssMiB: mem > 0 ? mib(mem) : undefined,
      extra: { maxHungInFlight: figures.maxHungInFlight ?? -1 },
    });
  });

  async function healthyIterations(): Promise<number> {
    return stack.metric("vmalert_iteration_total", { group: "drill-healthy" });
  }

  it("only the hung group's queries hang: it times out without pile-up, the other group is unaffected", async () => {
    const hung: HangCounter = { open: 0, max: 0, total: 0 };
    const held: ServerResponse[] = [];
    await stack.datasource.http(async (req, res, forward) => {
      if (req.url.includes("drill_hang_value")) {
        hung.open++;
        hung.total++;
        hung.max = Math.max(hung.max, hung.open);
        res.on("close", () => {
          hung.open--;
        });
        held.push(res);
        return;
      }
      const a = await forward();
      res.writeHead(a.status, a.headers);
      res.end(a.body);
    });
    const outage = outageMs(8000);
    const healthyBefore = await healthyIterations();
    const hungBefore = await stack.metric("vmalert_iteration_total", { group: "drill-hung" });
    const start = Date.now();
    let healthyFiringGaps = 0;
    while (Date.now() - start < outage) {
      await sleep(1000);
      const alerts = await stack.alerts();
      if (!alerts.some((a) => a.name === "DrillHealthy" && a.state === "firing")) healthyFiringGaps++;
      // Frozen, not resolved: the hung rule's alert stays firing.
      expect(alerts.find((a) => a.name === "DrillHung")?.state).toBe("firing");
      const healthy = await stack.rule("drill-healthy", "DrillHealthy");
      expect(healthy?.lastError).toBe("");
    }
    const elapsed = (Date.now() - start) / 1000;
    const hungRule = await stack.rule("drill-hung", "DrillHung");
    expect(hungRule?.lastError).toMatch(/timed out after 1s/);
    expect(hungRule?.health).toBe("err");
    // One rule, one evaluation at a time: a hung query is cut by the timeout before the next one starts.
    expect(hung.max).toBe(1);
    // The hung group still runs (every 2 s), each run ending in a timeout.
    const hungIters = (await stack.metric("vmalert_iteration_total", { group: "drill-hung" })) - hungBefore;
    expect(hungIters).toBeGreaterThanOrEqual(Math.floor(elapsed / 2) - 2);
    expect(hung.total).toBeGreaterThanOrEqual(hungIters - 1);
    // The healthy group kept its 1 s schedule with results.
    const healthyIters = (await healthyIterations()) - healthyBefore;
    expect(healthyIters).toBeGreaterThanOrEqual(Math.floor(elapsed) - 3);
    expect(healthyFiringGaps).toBe(0);
    expect(held.length).toBe(hung.total);
    figures.maxHungInFlight = hung.max;
    figures.alertsLost = healthyFiringGaps;
    figures.outageSeconds = outage / 1000;
  });

  it("a slow datasource within the timeout: results stay right, no errors", async () => {
    // Each chunk both ways is held back 300 ms: a query takes about 0.6 s of the 1 s timeout.
    await stack.datasource.delay(300);
    // The query cut by the switch (the hung group's, from the previous test) settles first.
    await sleep(2500);
    const errsBefore = await stack.metric("vmalert_execution_errors_total");
    const start = Date.now();
    await sleep(4000);
    for (const [group, name] of [
      ["drill-hung", "DrillHung"],
      ["drill-healthy", "DrillHealthy"],
    ] as const) {
      const r = await stack.rule(group, name);
      expect(r?.lastError, `${name} while slow`).toBe("");
      expect(Date.parse(r?.lastEvaluation ?? "")).toBeGreaterThan(start);
      // The fault was in effect: the query took the two delays.
      expect(r?.evaluationTime).toBeGreaterThanOrEqual(0.55);
    }
    expect(await stack.metric("vmalert_execution_errors_total")).toBe(errsBefore);
    expect((await stack.alerts()).filter((a) => a.state === "firing").length).toBe(2);
    await stack.datasource.pass();
  });

  it("a silent TCP peer and a stalled body both end in the query timeout", async () => {
    // Silent: accepted, nothing ever comes back.
    await stack.datasource.hang();
    const errsBefore = await stack.metric("vmalert_execution_errors_total");
    await sleep(4000);
    const silent = await stack.rule("drill-healthy", "DrillHealthy");
    expect(silent?.lastError).toMatch(/timed out after 1s/);
    expect((await stack.metric("vmalert_execution_errors_total")) - errsBefore).toBeGreaterThanOrEqual(4);
    // One query in flight per rule (the healthy group's two rules run side by side: neither reads the
    // other), and as many sockets still closing from the iteration before: no pile-up over iterations.
    expect(stack.datasource.stats().maxOpen).toBeLessThanOrEqual(2 * 3);

    // Stalled body: 200 and half a JSON document, then nothing.
    await stack.datasource.http((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write('{"status":"success","data":{"resultType":"vector","result":[');
    });
    await sleep(3000);
    const stalled = await stack.rule("drill-healthy", "DrillHealthy");
    expect(stalled?.lastError).toMatch(/timed out after 1s/);
    expect((await stack.alerts()).find((a) => a.name === "DrillHealthy")?.state).toBe("firing");

    await stack.datasource.pass();
    const back = Date.now();
    await waitFor(
      async () => {
        const a = await stack.rule("drill-hung", "DrillHung");
        const b = await stack.rule("drill-healthy", "DrillHealthy");
        return a?.lastError === "" && b?.lastError === "";
      },
      20_000,
      "both groups to recover",
    );
    figures.recoverySeconds = (Date.now() - back) / 1000;
    expect(stack.tsalert.proc.exitCode).toBeNull();
    figures.hwmKiB = (await stack.memory()).hwmKiB;
  });
});
